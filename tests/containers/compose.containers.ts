import { freePort, waitForHttp } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exec, RUN_ID, run } from './engine.js';

const engine = inject('engine');
const TILE = '/maps/tileset/carto-demo-data.demo_tilesets.osm_buildings/14/8024/6177';

// compose.yaml as a developer runs it (dev target, hot reload mount), on ports and a project name of
// its own. The global setup built the images with compose.yaml's tags; --no-build runs those.
describe('compose stack (api + cache)', () => {
  const project = RUN_ID.replace(/[^a-z0-9-]/g, '-');
  const env: NodeJS.ProcessEnv = {};
  const compose = (...args: string[]) => [...engine.compose, '-f', 'compose.yaml', '-p', project, ...args];
  let url = '';

  beforeAll(async () => {
    env.API_PORT = String(await freePort());
    env.CACHE_PORT = String(await freePort());
    // Named services: podman-compose 1.0.3 ignores `profiles` and would start the bigquery ones too.
    run(compose('up', '-d', '--no-build', 'api', 'cache'), { env, timeoutMs: 300_000 });
    url = `http://127.0.0.1:${env.CACHE_PORT}`;
    await waitForHttp(`${url}/_cache/health`, 90_000);
    await waitForHttp(`${url}/readyz`, 90_000);
  });

  afterAll(() => {
    exec(compose('down'), { env, timeoutMs: 120_000 });
    // podman-compose 1.0.3 leaves the project network behind.
    if (engine.name === 'podman') exec(['podman', 'network', 'rm', '-f', `${project}_default`]);
  });

  it('serves a tile through the cache: MISS, then HIT', async () => {
    const answers = [await fetch(`${url}${TILE}`), await fetch(`${url}${TILE}`)];
    for (const r of answers) await r.arrayBuffer();
    expect(answers.map((r) => [r.status, r.headers.get('x-cache')])).toEqual([
      [200, 'MISS'],
      [200, 'HIT'],
    ]);
  });

  it('publishes the API on its own port too', async () => {
    const response = await fetch(`http://127.0.0.1:${env.API_PORT}/healthz`);
    expect(response.status).toBe(200);
  });
});
