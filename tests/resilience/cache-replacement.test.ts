import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Stack,
  startStack,
  startVarnish,
  storedTiles,
  tileRequests,
  type Varnish,
} from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../bench/load.js';
import { LOAD, publish, record } from './support.js';

// A cache rollout on this machine: the old varnishd serves load while a new one is warmed by the very
// script the Kubernetes warmer container runs (cache/warm.sh); the new one then takes the load. What moves
// the traffic is GKE's load balancer once the new pod is ready (deploy/k8s/README.md#cache-continuity);
// here the load generator simply targets the new process once its warm-up has finished.
const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
const WARM = fileURLToPath(new URL('../../cache/warm.sh', import.meta.url));
let stack: Stack;
let fresh: Varnish | undefined;
let dir: string;
let hot: string[];
const apiTileRequests = () => tileRequests(...stack.apis.map((a) => a.url));

/** cache/warm.sh against the varnishd on `port`; resolves with its output and how long it took. */
function warm(port: number, list: string): Promise<{ output: string; seconds: number; code: number | null }> {
  const started = Date.now();
  const env = {
    ...process.env,
    VARNISH_HTTP_PORT: String(port),
    WARM_LIST: list,
    WARM_DONE: join(dir, 'done'),
  };
  const child = spawn('bash', [WARM], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (c) => (output += c));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ output, code, seconds: (Date.now() - started) / 1000 })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tilestack-cache-replacement-'));
  stack = await startStack({ dataDir: dir, apiInstances: 3, apiEnv: { RATE_LIMIT_PER_MINUTE: '0' } });
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
    await load('prime', old, hot, { requests: hot.length * 2 }, { connections: 8 });
    fresh = await startVarnish({ backends: stack.apis.map((a) => a.port) });

    // The old process keeps serving while the new one warms.
    const before = await apiTileRequests();
    const [oldLoad, warmed] = await Promise.all([
      load('old cache during warm-up', old, hot, { requests: 20_000 }, LOAD),
      warm(fresh.port, join(dir, 'hot.txt')),
    ]);
    const duringWarmUp = (await apiTileRequests()) - before;
    expect(warmed.code, warmed.output).toBe(0);
    expect(warmed.output).toContain(`warm: ${hot.length} cached, 0 failed`);
    expect(readFileSync(join(dir, 'done'), 'utf8')).toBe('');
    expect([oldLoad.errors, oldLoad.non2xx]).toEqual([0, 0]);
    const warmRate = Math.round(duringWarmUp / warmed.seconds);

    // Ready: the load moves to the new process, which answers it from what the warm-up fetched.
    const switched = await apiTileRequests();
    const newLoad = await load('new cache after warm-up', fresh.url, hot, { requests: 20_000 }, LOAD);
    const afterSwitch = (await apiTileRequests()) - switched;
    await stack.varnish.stop();
    expect([newLoad.errors, newLoad.non2xx]).toEqual([0, 0]);
    expect(afterSwitch).toBe(0);

    const scenario = 'old varnishd under load while the new one warms (cache/warm.sh)';
    const note = `warm-up: ${hot.length} tiles in ${warmed.seconds.toFixed(1)} s, API ${warmRate} tile req/s (${duringWarmUp} in all, one at a time)`;
    record({ scenario, ...oldLoad, note });
    const meanwhile = `${newLoad.rps} req/s; API tile requests meanwhile: ${afterSwitch}`;
    record({
      scenario: 'new varnishd once ready (warmed)',
      ...newLoad,
      note: meanwhile,
    });
  });
});
