import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../bench/load.js';
import { REPO_ROOT } from '../../cache/src/paths.js';
import { storedTiles } from '../../cache/src/sample-tiles.js';
import { type Stack, startStack } from '../../cache/src/stack.js';
import { startVarnish, type Varnish } from '../../cache/src/varnish.js';
import { publish, record } from './support.js';

// A cache rollout on this machine: the old varnishd serves load while a new one is warmed by the very
// script the Kubernetes warmer container runs (cache/warm.sh); the new one then takes the load. What moves
// the traffic is GKE's load balancer once the new pod is ready (deploy/k8s/README.md#cache-continuity);
// here the load generator simply targets the new process once its warm-up has finished.
const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
const API_ENV = { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' };
let stack: Stack;
let fresh: Varnish | undefined;
let dir: string;
let hot: string[];

/** Tile requests the API processes have answered so far (their own Prometheus counter). */
async function apiTileRequests(): Promise<number> {
  const texts = await Promise.all(stack.apis.map(async (a) => (await fetch(`${a.url}/metrics`)).text()));
  return texts
    .flatMap((t) => t.split('\n'))
    .filter((l) => l.startsWith('http_requests_total{') && l.includes('route="/maps/tileset'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** cache/warm.sh against the varnishd on `port`; resolves with its output and how long it took. */
function warm(port: number, list: string): Promise<{ output: string; seconds: number; code: number | null }> {
  const started = Date.now();
  const child = spawn('bash', [join(REPO_ROOT, 'cache/warm.sh')], {
    env: { ...process.env, VARNISH_HTTP_PORT: String(port), WARM_LIST: list, WARM_DONE: join(dir, 'done') },
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ output, code, seconds: (Date.now() - started) / 1000 })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tilestack-cache-replacement-'));
  stack = await startStack({ dataDir: dir, apiInstances: 3, apiEnv: API_ENV });
  hot = storedTiles(join(dir, `${OSM}.mbtiles`)).map((t) => `/maps/tileset/${OSM}/${t.z}/${t.x}/${t.y}`);
  writeFileSync(join(dir, 'hot.txt'), `${hot.join('\n')}\n`);
});

afterAll(async () => {
  await fresh?.stop();
  await stack?.stop();
  publish('cache-replacement', 'cache process replaced under load');
});

describe('resilience: cache process replaced under load', () => {
  it('warms the new varnishd before it reports ready, then serves the load with 0 failures', async () => {
    const old = stack.cacheUrl;
    await load('prime', old, hot, { requests: hot.length * 2 }, 8);
    fresh = await startVarnish({ backends: stack.apis.map((a) => ({ host: '127.0.0.1', port: a.port })) });

    // The old process keeps serving while the new one warms.
    const before = await apiTileRequests();
    const [oldLoad, warmed] = await Promise.all([
      load('old cache during warm-up', old, hot, { requests: 20_000 }, 32),
      warm(fresh.port, join(dir, 'hot.txt')),
    ]);
    const duringWarmUp = (await apiTileRequests()) - before;
    expect(warmed.code, warmed.output).toBe(0);
    expect(warmed.output).toContain(`warm: ${hot.length} cached, 0 failed`);
    expect(readFileSync(join(dir, 'done'), 'utf8')).toBe('');
    expect(oldLoad.errors + oldLoad.non2xx).toBe(0);
    const warmRate = Math.round(duringWarmUp / warmed.seconds);

    // Ready: the load moves to the new process, which answers it from what the warm-up fetched.
    const switched = await apiTileRequests();
    const newLoad = await load('new cache after warm-up', fresh.url, hot, { requests: 20_000 }, 32);
    const afterSwitch = (await apiTileRequests()) - switched;
    await stack.varnish.stop();
    expect(newLoad.errors + newLoad.non2xx).toBe(0);
    expect(afterSwitch).toBe(0);

    record({
      scenario: 'old varnishd under load while the new one warms (cache/warm.sh)',
      requests: oldLoad.requests,
      failed: oldLoad.errors + oldLoad.non2xx,
      p50Ms: oldLoad.p50,
      p99Ms: oldLoad.p99,
      note: `warm-up: ${hot.length} tiles in ${warmed.seconds.toFixed(1)} s, API ${warmRate} tile req/s (${duringWarmUp} in all, one at a time)`,
    });
    record({
      scenario: 'new varnishd once ready (warmed)',
      requests: newLoad.requests,
      failed: newLoad.errors + newLoad.non2xx,
      p50Ms: newLoad.p50,
      p99Ms: newLoad.p99,
      note: `${newLoad.rps} req/s; API tile requests meanwhile: ${afterSwitch}`,
    });
  });
});
