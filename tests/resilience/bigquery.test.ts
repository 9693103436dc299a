import {
  type BigQueryStub,
  cartoTilesetHandler,
  constantSelectHandler,
  startBigQueryStub,
} from '@tilestack/bigquery-stub';
import { type ApiProcess, httpGet, startApi, startVarnish, type Varnish } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addTestTileset,
  BILLING_PROJECT,
  boxTiles,
  TILESET_DATASET,
} from '../../api/test/support/bigquery.js';
import { publish, record, sleep } from './support.js';

const BUDGET_MS = 1000;
let stub: BigQueryStub;
let apis: ApiProcess[];
let cache: Varnish;
let cachedTileset: string;
let coldTileset: string;

const tilePath = (tileset: string, [z, x, y]: [number, number, number]) =>
  `/maps/tileset/${tileset}/${z}/${x}/${y}`;
const tileQueries = (r: { body?: { query?: string } }) => String(r.body?.query).includes('x = @x');

beforeAll(async () => {
  stub = await startBigQueryStub();
  stub.onQuery(cartoTilesetHandler, constantSelectHandler);
  cachedTileset = addTestTileset(stub, { tableId: 'warm_buildings' });
  coldTileset = addTestTileset(stub, { tableId: 'cold_buildings' });
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
  for (const tile of boxTiles()) await httpGet(`${cache.url}${tilePath(cachedTileset, tile)}`);
  await httpGet(`${cache.url}/maps/tileset/${coldTileset}`); // metadata warm; its tiles are not cached
  await sleep(1500); // every cached tile is now past its TTL
});

afterAll(async () => {
  await cache?.stop();
  await Promise.all((apis ?? []).map((a) => a.process.stop()));
  await stub?.close();
  publish('bigquery', 'slow and failing BigQuery (REST stub) behind two API processes and varnishd');
});

async function timed(urls: string[]) {
  const started = performance.now();
  const responses = await Promise.all(urls.map((u) => httpGet(u)));
  return { responses, ms: Math.round(performance.now() - started) };
}

describe('resilience: BigQuery slow or failing', () => {
  it('slow BigQuery: the API answers 504 within its budget, the cache serves stale, nothing hangs', async () => {
    stub.inject({ route: 'jobs.query', match: tileQueries, delayMs: 10_000 });
    try {
      const direct = await timed([`${apis[0]?.url}${tilePath(coldTileset, [6, 12, 22])}`]);
      const cold = await timed(
        boxTiles()
          .slice(0, 20)
          .map((t) => `${cache.url}${tilePath(coldTileset, t)}`),
      );
      const warm = await timed(boxTiles().map((t) => `${cache.url}${tilePath(cachedTileset, t)}`));
      const staleOk = warm.responses.filter((r) => r.status < 300 && r.headers['x-cache'] === 'STALE').length;
      record({
        scenario: `BigQuery 10 s slow (budget ${BUDGET_MS} ms)`,
        requests: 1 + cold.responses.length + warm.responses.length,
        errors: warm.responses.length - staleOk,
        note: `direct: ${direct.responses[0]?.status} in ${direct.ms} ms; uncached via cache: ${cold.responses.filter((r) => r.status === 504).length}/${cold.responses.length} × 504 in ${cold.ms} ms; cached: ${staleOk}/${warm.responses.length} stale in ${warm.ms} ms`,
      });
      expect(direct.responses[0]?.status).toBe(504);
      expect(direct.ms).toBeLessThan(BUDGET_MS + 1000);
      expect(cold.responses.every((r) => r.status === 504)).toBe(true);
      expect(cold.ms).toBeLessThan(BUDGET_MS * 3);
      expect(staleOk).toBe(warm.responses.length);
      expect(warm.ms).toBeLessThan(2000);
    } finally {
      stub.clearFaults();
    }
  });

  it('failing BigQuery: errors become 502/503, never cached; the cache keeps serving stale copies', async () => {
    await sleep(1200); // the refreshes above were abandoned: cached tiles are stale again
    stub.inject({ route: 'jobs.query', match: tileQueries, error: 'backendError' });
    try {
      const cold = await timed(
        boxTiles()
          .slice(20, 40)
          .map((t) => `${cache.url}${tilePath(coldTileset, t)}`),
      );
      const again = await timed(
        boxTiles()
          .slice(20, 40)
          .map((t) => `${cache.url}${tilePath(coldTileset, t)}`),
      );
      const warm = await timed(boxTiles().map((t) => `${cache.url}${tilePath(cachedTileset, t)}`));
      const staleOk = warm.responses.filter((r) => r.status < 300).length;
      const direct = await httpGet(`${apis[0]?.url}${tilePath(coldTileset, [6, 12, 22])}`);
      record({
        scenario: 'BigQuery backendError on every tile query',
        requests: cold.responses.length * 2 + warm.responses.length,
        errors: warm.responses.length - staleOk,
        note: `uncached: ${cold.responses.filter((r) => r.status >= 502).length}/${cold.responses.length} × 5xx (${[...new Set(cold.responses.map((r) => r.status))].join(',')}) in ${cold.ms} ms; cached: ${staleOk}/${warm.responses.length} served`,
      });
      expect(cold.responses.every((r) => r.status === 502 || r.status === 503)).toBe(true);
      // backendError: try again shortly (https://cloud.google.com/bigquery/docs/error-messages).
      expect(direct).toMatchObject({
        status: 503,
        headers: { 'retry-after': '5', 'cache-control': 'no-store' },
      });
      expect(again.responses.every((r) => r.headers['x-cache'] !== 'HIT')).toBe(true);
      expect(staleOk).toBe(warm.responses.length);
    } finally {
      stub.clearFaults();
    }
  });

  it('recovers: once BigQuery answers again, uncached tiles are served and cached', async () => {
    const path = `${cache.url}${tilePath(coldTileset, boxTiles()[45] ?? [6, 12, 22])}`;
    const first = await httpGet(path);
    const second = await httpGet(path);
    expect(first.status).toBe(200);
    expect(second.headers['x-cache']).toBe('HIT');
  });
});
