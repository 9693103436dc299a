import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpGet, type Stack, startApi, startStack, storedTiles } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../bench/load.js';
import { LOAD, publish, record } from './support.js';

const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
// One load generator is one client: the per-client rate limit would (rightly) stop it.
const API_ENV = {
  SHUTDOWN_DRAIN_MS: '3000',
  CACHE_S_MAXAGE: '2',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '0',
};
let stack: Stack;
let tilePaths: string[];
let dataDir: string;
const restart = async (i: number, port: number) => {
  stack.apis[i] = await startApi({ DATA_DIR: dataDir, ...API_ENV }, port);
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tilestack-resilience-'));
  stack = await startStack({ dataDir, apiInstances: 3, apiEnv: API_ENV });
  tilePaths = storedTiles(join(dataDir, `${OSM}.mbtiles`)).flatMap((t) =>
    t.z >= 12 ? `/maps/tileset/${OSM}/${t.z}/${t.x}/${t.y}` : [],
  );
});

afterAll(async () => {
  await stack?.stop();
  publish('mbtiles', 'three API processes on sample data behind varnishd');
});

/** `count` URLs nobody requested before: a tile with a unique, non-current data version (the cache keeps `v`). */
const uniqueMisses = (count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => `${tilePaths[0]}?v=${tag}-${i}`);
/** Three of four requests hit cached tiles, one in four is a never-seen URL that must reach an API. */
function mixedPaths(total: number, tag: string): string[] {
  const misses = uniqueMisses(Math.floor(total / 4), tag);
  const hits = Array.from({ length: total - misses.length }, (_, i) => tilePaths[i % tilePaths.length] ?? '');
  return [...hits, ...misses];
}

describe('resilience: API processes behind varnishd', () => {
  it('steady load: 20 000 mixed hit/miss requests, zero errors', async () => {
    const result = await load(
      'steady',
      stack.cacheUrl,
      mixedPaths(20_000, 'steady'),
      { requests: 20_000 },
      LOAD,
    );
    record({ scenario: 'steady load, 25 % misses', ...result, note: `${result.rps} req/s` });
    expect(result.requests).toBeGreaterThanOrEqual(20_000);
    expect([result.errors, result.non2xx]).toEqual([0, 0]);
  });

  it('rolling restart: SIGTERM each API process in turn during load, zero failed requests', async () => {
    const running = load('rolling', stack.cacheUrl, mixedPaths(200_000, 'rolling'), 24, LOAD);
    await sleep(1000);
    for (const [i, api] of stack.apis.entries()) {
      expect(await api.process.stop('SIGTERM')).toBe(0);
      await restart(i, api.port);
      await sleep(3000); // the cache's probe sees it healthy before the next one goes
    }
    const result = await running;
    const note = 'SIGTERM → /readyz 503 → 3 s drain → exit; restarted on the same port';
    record({ scenario: 'rolling restart of 3 API processes', ...result, note });
    expect([result.errors, result.non2xx]).toEqual([0, 0]);
  });

  it('all API processes killed: cached tiles still served, uncached fail fast with 503, recovery', async () => {
    const get = (path: string) => httpGet(`${stack.cacheUrl}${path}`);
    const cached = tilePaths.slice(0, 50);
    for (const path of cached) expect((await get(path)).status).toBeLessThan(300);
    const ports = stack.apis.map((a) => a.port);
    await Promise.all(stack.apis.map((a) => a.process.stop('SIGKILL')));
    await sleep(2500); // past every object's TTL, and the probes have marked the backends sick

    const stale = await Promise.all(cached.map(get));
    const served = stale.filter((r) => r.status === 200 || r.status === 204).length;
    const uncached = uniqueMisses(20, 'down');
    const started = performance.now();
    const failures = await Promise.all(uncached.map(get));
    const failFastMs = Math.round(performance.now() - started);
    record({
      scenario: 'every API process killed',
      requests: cached.length + uncached.length,
      errors: cached.length - served,
      note: `cached: ${served}/${cached.length} served stale; uncached: ${failures.filter((r) => r.status === 503).length}/${uncached.length} × 503 in ${failFastMs} ms`,
    });
    expect(served).toBe(cached.length);
    expect(stale.every((r) => r.headers['x-cache'] === 'STALE')).toBe(true);
    expect(failures.every((r) => r.status === 503)).toBe(true);
    expect(failFastMs).toBeLessThan(2000);

    for (const [i, port] of ports.entries()) await restart(i, port);
    await sleep(2500);
    expect((await get(uniqueMisses(1, 'back')[0] ?? '')).status).toBe(200);
  });
});
