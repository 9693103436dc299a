export { httpGet, type RawResponse, rawHttp } from '@tilestack/test-support';
