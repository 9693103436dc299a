import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BigQueryStub,
  cartoTilesetHandler,
  constantSelectHandler,
  startBigQueryStub,
} from '@tilestack/bigquery-stub';
import {
  type ApiProcess,
  addTestTileset,
  BILLING_PROJECT,
  boxTiles,
  httpGet,
  startApi,
  startVarnish,
  TILESET_DATASET,
  type Varnish,
} from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish, record } from './support.js';

const BUDGET_MS = 1000;
let stub: BigQueryStub;
let apis: ApiProcess[];
let cache: Varnish;
let cached: string; // a tileset whose tiles are all in the cache (stale)
let cold: string; // a tileset whose tiles are not
const tileQueries = (r: { body?: { labels?: { kind?: string } } }) => r.body?.labels?.kind === 'tile';
const urls = (tileset: string, from = 0, to?: number, base = cache.url) =>
  boxTiles()
    .slice(from, to)
    .map(([z, x, y]) => `${base}/maps/tileset/${tileset}/${z}/${x}/${y}`);
const directUrl = () => urls(cold, 0, 1, apis[0]?.url);

/** Every URL at once; the answers and how long they took together. */
async function timed(list: string[]) {
  const started = performance.now();
  const responses = await Promise.all(list.map((u) => httpGet(u)));
  return { responses, ms: Math.round(performance.now() - started), n: responses.length };
}

beforeAll(async () => {
  stub = await startBigQueryStub();
  stub.onQuery(cartoTilesetHandler, constantSelectHandler);
  cached = addTestTileset(stub, { tableId: 'warm_buildings' });
  cold = addTestTileset(stub, { tableId: 'cold_buildings' });
  const env = {
    DATA_SOURCE: 'bigquery',
    BIGQUERY_BILLING_PROJECT: BILLING_PROJECT,
    BIGQUERY_API_ENDPOINT: stub.url,
    BIGQUERY_ALLOWED_DATASETS: TILESET_DATASET,
    BIGQUERY_TIMEOUT_MS: String(BUDGET_MS),
    CACHE_S_MAXAGE: '1',
    RATE_LIMIT_PER_MINUTE: '0', // the test is one client
  };
  apis = [await startApi(env), await startApi(env)];
  cache = await startVarnish({ backends: apis.map((a) => a.port) });
  for (const url of urls(cached)) await httpGet(url);
  await httpGet(`${cache.url}/maps/tileset/${cold}`); // metadata warm; its tiles are not cached
  await sleep(1500); // every cached tile is now past its TTL
});

afterAll(async () => {
  await cache?.stop();
  await Promise.all((apis ?? []).map((a) => a.process.stop()));
  await stub?.close();
  publish('bigquery', 'slow and failing BigQuery (REST stub) behind two API processes and varnishd');
});

describe('resilience: BigQuery slow or failing', () => {
  it('slow BigQuery: the API answers 504 within its budget, the cache serves stale, nothing hangs', async () => {
    stub.inject({ route: 'jobs.query', match: tileQueries, delayMs: 10_000 });
    try {
      const direct = await timed(directUrl());
      const uncached = await timed(urls(cold, 0, 20));
      const warm = await timed(urls(cached));
      const stale = warm.responses.filter((r) => r.status < 300 && r.headers['x-cache'] === 'STALE').length;
      const timeouts = uncached.responses.filter((r) => r.status === 504).length;
      record({
        scenario: `BigQuery 10 s slow (budget ${BUDGET_MS} ms)`,
        requests: 1 + uncached.n + warm.n,
        errors: warm.n - stale,
        note: `direct: ${direct.responses[0]?.status} in ${direct.ms} ms; uncached via cache: ${timeouts}/${uncached.n} × 504 in ${uncached.ms} ms; cached: ${stale}/${warm.n} stale in ${warm.ms} ms`,
      });
      expect(direct.responses[0]?.status).toBe(504);
      expect(direct.ms).toBeLessThan(BUDGET_MS + 1000);
      expect([timeouts, stale]).toEqual([uncached.n, warm.n]);
      expect(uncached.ms).toBeLessThan(BUDGET_MS * 3);
      expect(warm.ms).toBeLessThan(2000);
    } finally {
      stub.clearFaults();
    }
  });

  it('failing BigQuery: errors become 502/503, never cached; the cache keeps serving stale copies', async () => {
    await sleep(1200); // the refreshes above were abandoned: cached tiles are stale again
    stub.inject({ route: 'jobs.query', match: tileQueries, error: 'backendError' });
    try {
      const uncached = await timed(urls(cold, 20, 40));
      const again = await timed(urls(cold, 20, 40));
      const warm = await timed(urls(cached));
      const served = warm.responses.filter((r) => r.status < 300).length;
      const direct = await httpGet(directUrl()[0] ?? '');
      const statuses = [...new Set(uncached.responses.map((r) => r.status))];
      record({
        scenario: 'BigQuery backendError on every tile query',
        requests: uncached.n * 2 + warm.n,
        errors: warm.n - served,
        note: `uncached: ${uncached.responses.filter((r) => r.status >= 502).length}/${uncached.n} × 5xx (${statuses.join(',')}) in ${uncached.ms} ms; cached: ${served}/${warm.n} served`,
      });
      expect(statuses.filter((s) => s !== 502 && s !== 503)).toEqual([]);
      // backendError: try again shortly (https://cloud.google.com/bigquery/docs/error-messages).
      expect(direct).toMatchObject({
        status: 503,
        headers: { 'retry-after': '5', 'cache-control': 'no-store' },
      });
      expect(again.responses.filter((r) => r.headers['x-cache'] === 'HIT')).toEqual([]);
      expect(served).toBe(warm.n);
    } finally {
      stub.clearFaults();
    }
  });

  it('recovers: once BigQuery answers again, uncached tiles are served and cached', async () => {
    const [url = ''] = urls(cold, 45, 46);
    expect((await httpGet(url)).status).toBe(200);
    expect((await httpGet(url)).headers['x-cache']).toBe('HIT');
  });
});
