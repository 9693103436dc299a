import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('needs no settings for the local quick start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_SOURCE: 'mbtiles', DATA_DIR: './data' });
    expect(config.MAX_JSON_RESPONSE_SIZE).toBe(10 * 1024 * 1024);
  });

  it('parses lists, numbers and booleans', () => {
    const config = loadConfig({
      DATA_SOURCE: 'bigquery',
      BIGQUERY_BILLING_PROJECT: 'my-billing-project',
      BIGQUERY_ALLOWED_DATASETS: ' a-project.ds1 , b-project.ds2,',
      PORT: '8081',
      TRUST_PROXY: 'false',
    });
    expect(config.BIGQUERY_ALLOWED_DATASETS).toEqual(['a-project.ds1', 'b-project.ds2']);
    expect(config.PORT).toBe(8081);
    expect(config.TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '3' }).TRUST_PROXY).toBe(3);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('lists every problem in one error', () => {
    expect(() => loadConfig({ PORT: 'abc', DATA_SOURCE: 'postgres', PUBLIC_BASE_URL: 'ftp://x' })).toThrow(
      /PORT[\s\S]*DATA_SOURCE[\s\S]*PUBLIC_BASE_URL/,
    );
  });

  it('requires a billing project for the bigquery source (never a hard-coded one)', () => {
    expect(() => loadConfig({ DATA_SOURCE: 'bigquery' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_SOURCE: 'bigquery' })).toThrow(/BIGQUERY_BILLING_PROJECT/);
  });
});
