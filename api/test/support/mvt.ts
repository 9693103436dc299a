export { decodeTile } from '@tilestack/test-support';
