import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

it('needs no settings for the local quick start, and treats empty variables as unset', () => {
  expect(loadConfig({ PORT: '' })).toMatchObject({ PORT: 3000, DATA_SOURCE: 'mbtiles', DATA_DIR: './data' });
  expect(loadConfig({}).MAX_JSON_RESPONSE_SIZE).toBe(10 * 1024 * 1024);
});

it('parses lists, numbers and booleans', () => {
  const config = loadConfig({
    DATA_SOURCE: 'bigquery',
    BIGQUERY_BILLING_PROJECT: 'my-billing-project',
    BIGQUERY_ALLOWED_DATASETS: ' a-project.ds1 , b-project.ds2,',
    PORT: '8081',
    TRUST_PROXY: 'false',
    VIEWER_ENABLED: '0',
  });
  expect(config).toMatchObject({ PORT: 8081, TRUST_PROXY: false, VIEWER_ENABLED: false });
  expect(config.BIGQUERY_ALLOWED_DATASETS).toEqual(['a-project.ds1', 'b-project.ds2']);
  expect(loadConfig({ TRUST_PROXY: '3' }).TRUST_PROXY).toBe(3);
});

it.each([
  [
    { PORT: 'abc', DATA_SOURCE: 'postgres', PUBLIC_BASE_URL: 'ftp://x' },
    /PORT[\s\S]*DATA_SOURCE[\s\S]*PUBLIC_BASE_URL/,
  ],
  [{ DATA_SOURCE: 'bigquery' }, /BIGQUERY_BILLING_PROJECT/], // never a hard-coded billing project
  [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY/],
])('lists every problem of %o in one ConfigError', (env, problems) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(problems);
});
