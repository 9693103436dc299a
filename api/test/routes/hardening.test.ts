import { httpGet } from '@tilestack/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { CITY_TILE, OSM, sampleDataDir } from '../support/sample-data.js';

let api: LocalApi;
const { z, x, y } = CITY_TILE;
const dataDir = sampleDataDir();

beforeAll(async () => {
  api = await startLocalApi({ DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: '1' });
});
afterAll(() => api.close());

describe('behind the configured proxy (TRUST_PROXY=1)', () => {
  it('takes the scheme of links from X-Forwarded-Proto only when it is http or https', async () => {
    const scheme = async (proto: string) =>
      (await httpGet(`${api.url}/maps/tileset/${OSM}`, { 'x-forwarded-proto': proto })).json().tiles[0];
    expect(await scheme('https')).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(await scheme('javascript')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });
});

describe('rate limit per client', () => {
  const tile = (client: string) =>
    httpGet(`${api.url}/maps/tileset/${OSM}/${z}/${x}/${y}`, { 'x-forwarded-for': client });

  it('answers 429 with a JSON error and Retry-After past the limit, with no limit headers before it', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await tile('203.0.113.7'));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[0]?.headers['x-ratelimit-remaining']).toBeUndefined();
    expect(answers[5]?.json()).toMatchObject({ error: 'rate_limited' });
    expect(answers[5]?.headers).toMatchObject({
      'retry-after': expect.stringMatching(/^\d+$/),
      'cache-control': 'no-store',
    });
  });

  it('keys on the client the trusted proxy saw, not on addresses the client wrote itself', async () => {
    for (let i = 0; i < 6; i++) await tile(`10.9.9.${i}, 203.0.113.8`);
    expect((await tile('1.2.3.4, 203.0.113.8')).status).toBe(429);
    expect((await tile('203.0.113.9')).status).toBe(200);
  });

  it('never limits health and metrics endpoints', async () => {
    for (let i = 0; i < 8; i++) expect((await httpGet(`${api.url}/healthz`)).status).toBe(200);
  });
});

it('puts the Cloud Trace fields on the log lines of a traced request, and no personal data', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const traced = await startLocalApi(
    { DATA_DIR: dataDir, GOOGLE_CLOUD_PROJECT: 'tilestack-prod' },
    undefined,
    logger,
  );
  try {
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await httpGet(`${traced.url}/maps/tileset/${OSM}/${z}/${x}/${y}`, {
      traceparent: `00-${trace}-00f067aa0ba902b7-01`,
    });
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({
      'logging.googleapis.com/trace': `projects/tilestack-prod/traces/${trace}`,
    });
    expect(JSON.stringify(lines.filter((l) => l.reqId))).not.toMatch(
      /traceparent|remoteAddress|"ip"|127\.0\.0\.1/,
    );
  } finally {
    await traced.close();
  }
});
