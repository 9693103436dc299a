import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cartoTilesetHandler, startBigQueryStub } from '@tilestack/bigquery-stub';
import {
  addTestTileset,
  BILLING_PROJECT,
  freePort,
  TILESET_DATASET,
  waitForHttp,
} from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Containers, labels } from './containers.js';
import { ROOT, RUN_ID, run, runOnce } from './engine.js';

const engine = inject('engine');
const image = inject('images').runtime.tag;
const TILE = '/maps/tileset/carto-demo-data.demo_tilesets.osm_buildings/14/8024/6177';

/** Prints what a Node script writes in a throwaway container of the runtime image (as root: it may read
 * all). Node, because the image has no tools besides a shell. */
const inImage = (script: string) => runOnce(engine, image, 'node', ['-e', script], ['--user', '0']);
/** The files under `dirs` (recursively) whose path matches `pattern`, one a line. */
const filesIn = (dirs: string[], pattern: string) =>
  inImage(
    `const fs=require('fs'),re=new RegExp(${JSON.stringify(pattern)});for(const d of ${JSON.stringify(dirs)})for(const f of fs.readdirSync(d,{recursive:true}))if(re.test(f))console.log(d+'/'+f)`,
  );

describe('API runtime image', () => {
  const containers = new Containers(engine);
  const name = `${RUN_ID}-api`;
  let url = '';

  beforeAll(async () => {
    const port = await freePort();
    // Production's constraints: read-only root filesystem with a writable /tmp (Kubernetes: emptyDir),
    // the image's own user, no capabilities.
    containers.start(
      name,
      `--read-only --tmpfs /tmp --cap-drop ALL -p 127.0.0.1:${port}:3000`.split(' '),
      image,
    );
    url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/readyz`, 60_000);
  });
  afterAll(() => containers.cleanup());

  it('serves a tile of the bundled sample data, with no volume', async () => {
    const response = await fetch(`${url}${TILE}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it('runs the BigQuery source from the compiled @tilestack/bigquery package (host network, the stub)', async () => {
    const stub = await startBigQueryStub();
    stub.onQuery(cartoTilesetHandler);
    const id = addTestTileset(stub, { tableId: 'image_buildings' });
    const port = await freePort();
    const env = {
      PORT: port,
      DATA_SOURCE: 'bigquery',
      BIGQUERY_BILLING_PROJECT: BILLING_PROJECT,
      BIGQUERY_API_ENDPOINT: stub.url,
      BIGQUERY_ALLOWED_DATASETS: TILESET_DATASET,
    };
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    try {
      containers.start(`${name}-bigquery`, ['--read-only', '--network', 'host', ...envArgs], image);
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000);
      const response = await fetch(`http://127.0.0.1:${port}/maps/tileset/${id}`);
      expect([response.status, ((await response.json()) as { maxzoom: number }).maxzoom]).toEqual([200, 6]);
    } finally {
      await stub.close();
    }
  });

  it('runs as the non-root node user (uid 1000) on a read-only root filesystem', () => {
    const touch = (file: string) =>
      containers.exec(name, ['node', '-e', `require('fs').writeFileSync('${file}','')`]);
    expect(containers.exec(name, ['node', '-p', 'process.getuid()']).stdout.trim()).toBe('1000');
    expect(touch('/app/x').status).not.toBe(0);
    expect(touch('/tmp/x').status).toBe(0);
  });

  it('is healthy by its own HEALTHCHECK', () => {
    expect(containers.healthcheck(name, image)).toBe(true);
  });

  it('serves the viewer next to the API when the viewer workspace exists', async () => {
    if (!existsSync(join(ROOT, 'viewer/package.json'))) return;
    const response = await fetch(`${url}/viewer/`);
    expect(response.status).toBe(200);
  });

  it('stops within 10 s on SIGTERM, cleanly (node is PID 1 and handles it)', () => {
    const started = performance.now();
    run([engine.name, 'stop', '-t', '10', name]);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(run([engine.name, 'inspect', '-f', '{{.State.ExitCode}}', name]).trim()).toBe('0');
    expect(containers.logs(name)).toContain('shutdown complete');
  });
});

describe('API runtime image contents', () => {
  it('has no dev dependencies: no package the lock marks dev-only, no TypeScript toolchain', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = new Set(
      Object.entries(lock.packages)
        .filter(([path, p]) => p.dev && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path))
        .map(([path]) => path.slice('node_modules/'.length)),
    );
    const installed = filesIn(['/app/node_modules'], '^(@[^/]+/)?[^@/][^/]*$')
      .replaceAll('/app/node_modules/', '')
      .split('\n')
      .filter(Boolean);
    expect(installed.length).toBeGreaterThan(20);
    expect(installed).toContain('fastify');
    expect(installed.filter((name) => devOnly.has(name))).toEqual([]);
    for (const tool of ['typescript', 'vitest', 'tsx', '@biomejs/biome', 'esbuild']) {
      expect(installed).not.toContain(tool);
    }
  });

  it('has no TypeScript sources, only the compiled API', () => {
    expect(filesIn(['/app', '/usr/local'], '\\.[mc]?ts$')).toBe('');
    expect(filesIn(['/app/api'], '^(dist/server\\.js|package\\.json)$').trim().split('\n').sort()).toEqual([
      '/app/api/dist/server.js',
      '/app/api/package.json',
    ]);
  });

  it('has no compiler, package manager or native build toolchain', () => {
    const probe = 'for c in gcc cc g++ make python3 npm npx corepack yarn; do command -v $c; done; true';
    const found = runOnce(engine, image, '/bin/sh', ['-c', probe]);
    expect(found.trim()).toBe('');
  });

  it('carries OCI labels: source, revision, version', () => {
    const l = labels(engine, image);
    const version = JSON.parse(readFileSync(join(ROOT, 'api/package.json'), 'utf8')).version;
    expect(l['org.opencontainers.image.version']).toBe(version);
    expect(l['org.opencontainers.image.revision']).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(l).toHaveProperty(['org.opencontainers.image.source']);
  });
});
