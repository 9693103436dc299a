import { cartoTilesetHandler, startBigQueryStub } from '@tilestack/bigquery-stub';
import {
  API_SERVER,
  addTestTileset,
  BILLING_PROJECT,
  httpGet,
  ManagedProcess,
  startApi,
  TILESET_DATASET,
} from '@tilestack/test-support';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real server process on the bigquery source, against a stub whose tile queries we can slow down. */
async function apiOnStub(env: Record<string, string>) {
  const stub = await startBigQueryStub();
  stub.onQuery(cartoTilesetHandler);
  const tileset = addTestTileset(stub, { tableId: 'buildings' });
  cleanups.push(() => stub.close());
  const api = await startApi({
    DATA_SOURCE: 'bigquery',
    BIGQUERY_BILLING_PROJECT: BILLING_PROJECT,
    BIGQUERY_API_ENDPOINT: stub.url,
    BIGQUERY_ALLOWED_DATASETS: TILESET_DATASET,
    BIGQUERY_TIMEOUT_MS: '10000',
    ...env,
  });
  cleanups.push(() => api.process.stop('SIGKILL'));
  // Metadata and self-check are loaded now, so only the tile query below is slow.
  expect((await httpGet(`${api.url}/maps/tileset/${tileset}`)).status).toBe(200);
  const isTileQuery = (r: { body?: { labels?: { kind?: string } } }) => r.body?.labels?.kind === 'tile';
  // Starts a tile request whose query takes `delayMs`, then sends SIGTERM; resolves with the request's result.
  const terminateDuring = async (delayMs: number) => {
    stub.inject({ route: 'jobs.query', match: isTileQuery, delayMs, times: 1 });
    const inFlight = httpGet(`${api.url}/maps/tileset/${tileset}/6/15/24`).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 200));
    api.process.child.kill('SIGTERM');
    return { inFlight, started: performance.now() };
  };
  return { api, terminateDuring };
}

describe('graceful shutdown (real process, SIGTERM)', () => {
  it('finishes a slow in-flight request while /readyz already answers 503, then exits 0', async () => {
    const { api, terminateDuring } = await apiOnStub({ SHUTDOWN_DRAIN_MS: '1000' });
    const { inFlight, started } = await terminateDuring(1500);
    await new Promise((r) => setTimeout(r, 100));
    const ready = await httpGet(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ status: 'shutting_down' });
    expect(ready.headers.connection).toBe('close'); // keep-alive clients reconnect elsewhere
    const tile = (await inFlight) as { status: number; body: Buffer };
    expect([tile.status, tile.body.length > 0]).toEqual([200, true]);
    expect(await api.process.waitForExit()).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('exits within SHUTDOWN_TIMEOUT_MS even when a request never finishes (exit code 1)', async () => {
    const { api, terminateDuring } = await apiOnStub({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const { inFlight, started } = await terminateDuring(8000);
    expect(await api.process.waitForExit()).toBe(1);
    expect(performance.now() - started).toBeLessThan(3000);
    await inFlight;
  });
});

describe('start-up configuration', () => {
  it('prints every configuration problem and exits 1', async () => {
    const server = ManagedProcess.start('api', process.execPath, ['--import', 'tsx', API_SERVER], {
      PORT: 'not-a-port',
      DATA_SOURCE: 'bigquery',
      PUBLIC_BASE_URL: 'ftp://nope',
    });
    expect(await server.waitForExit()).toBe(1);
    const output = server.logs();
    expect(output).toContain('invalid configuration');
    expect(output).toMatch(/PORT/);
    expect(output).toMatch(/PUBLIC_BASE_URL/);
  });
});
