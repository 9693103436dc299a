// `npm run smoke` as the deploy workflow runs it (on the local stack, a wrong server, a stopped stack); ban-tileset.sh.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SmokeReport } from '@tilestack/smoke';
import { centerTile, parseTile, tileUrl } from '@tilestack/smoke/tiles';
import { type Stack, startStack } from '@tilestack/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';

const CLI = new URL('../tools/smoke/src/cli.ts', import.meta.url).pathname;
const BAN = new URL('../scripts/ban-tileset.sh', import.meta.url).pathname;
const TILESET = 'carto-demo-data.demo_tilesets.osm_buildings';
const env = { ...process.env, SMOKE_BASE_URL: '', SMOKE_TILE: '' };
const sync = { encoding: 'utf8', timeout: 20_000 } as const;
/** The CLI as the workflow runs it (async, so that a server in this process can answer it). */
const smoke = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env })
    .then((r) => ({ ...r, status: 0 }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ ...e, status: e.code }));
const tileJson = { tiles: ['https://cdn.example/t/{z}/{x}/{y}?v=7'], bounds: [-10, -10, 10, 10] };

// At min(maxzoom, 14), within the zoom range; the TileJSON center, else the middle of its bounds.
it.each([
  [0, 16, [-3.7038, 40.4168, 12], '14/8023/6177'],
  [0, 10, undefined, '10/512/512'],
  [15, 18, undefined, '15/16384/16384'],
  [0, 2, [180, -90], '2/3/3'], // clamped into the grid
])('centerTile, zooms %i-%i, center %j: %s', (minzoom, maxzoom, center, tile) =>
  expect(Object.values(centerTile({ ...tileJson, minzoom, maxzoom, center })).join('/')).toBe(tile),
);

it.each(['14/8023', '3/8/0', 'a/b/c', ''])('bad --tile %j', (bad) => expect(() => parseTile(bad)).toThrow());

it("builds the tile URL on the server under test from the TileJSON's template, query kept", () => {
  const url = tileUrl({ ...tileJson, minzoom: 0, maxzoom: 5 }, parseTile('1/0/1'), 'http://127.0.0.1:8080/');
  expect(url).toBe('http://127.0.0.1:8080/t/1/0/1?v=7');
});

let stack: Stack | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'smoke-data-'));
beforeAll(async () => {
  stack = await startStack({ dataDir });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('passes every check against the local stack: a JSON summary on stdout, one line per check on stderr', async () => {
  const { status, stdout, stderr } = await smoke('--base-url', stack?.cacheUrl ?? '', '--json');
  expect(status, stderr).toBe(0);
  const { ok, checks } = JSON.parse(stdout) as SmokeReport;
  const summary = checks.map((c) => `${c.name}:${c.status}`).join(' ');
  expect([ok, summary]).toEqual([true, 'tilejson:pass tile:pass cache-hit:pass geojson:pass readyz:pass']);
  expect(stderr).toMatch(/^PASS tile {6}14\/8023\/6177: \d+ layer\(s\), \d+ features/m);
  expect(stderr).toMatch(/^smoke: all 5 checks passed against /m);
});

it('prints one clear line per check, and fails on a tile that holds no data', async () => {
  const { status, stdout } = await smoke('--base-url', stack?.cacheUrl ?? '', '--tile', '0/0/0');
  expect(status).toBe(1);
  const [tilejson, tile, hit, geojson, readyz] = stdout.split('\n');
  expect(tile).toBe('FAIL tile      0/0/0 is empty (204): pass --tile z/x/y with a tile that holds data');
  expect(hit).toBe('SKIP cache-hit skipped: needs a passing tile check');
  expect([tilejson, geojson, readyz].map((line) => line?.slice(0, 4))).toEqual(['PASS', 'PASS', 'PASS']);
});

it('fails a TileJSON without template and with inverted zooms, a non-GeoJSON table, a cached /readyz', async () => {
  const answer = '{ "tiles": [], "minzoom": 4, "maxzoom": 3 }';
  const server = createServer((_, res) => res.writeHead(200, { 'x-cache': 'HIT' }).end(answer));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { stdout } = await smoke('--base-url', `http://127.0.0.1:${port}`);
  server.close();
  const expected = `FAIL tilejson  TileJSON of ${TILESET}: no "tiles" URL template with {z}/{x}/{y}; minzoom 4 > maxzoom 3
SKIP tile      skipped: needs a passing tilejson check
SKIP cache-hit skipped: needs a passing tile check
FAIL geojson   table carto-demo-data.demo_tables.retail_stores: not a FeatureCollection
FAIL readyz    /readyz was answered from the cache: it must never be
`;
  expect(stdout).toBe(expected);
});

it.each(['', '--base-url ftp://x', '--base-url http://x --tile 3/8/0', '--base-url http://x --retries x'])(
  'rejects bad usage %j with exit code 2',
  async (args) => expect((await smoke(...args.split(' ').filter(Boolean))).status).toBe(2),
);

it('bans the tileset on the cache (scripts/ban-tileset.sh): the next request is a miss', async () => {
  const url = `${stack?.cacheUrl}/maps/tileset/${TILESET}/14/8023/6177`;
  await fetch(url).then((r) => r.arrayBuffer());
  expect((await fetch(url)).headers.get('x-cache')).toBe('HIT');
  const result = spawnSync(BAN, ['--url', stack?.cacheUrl ?? '', TILESET], sync);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain(`banned ${TILESET}`);
  expect((await fetch(url)).headers.get('x-cache')).toBe('MISS');
  expect(spawnSync(BAN, ['--url', stack?.cacheUrl ?? '', 'not a table id']).status).toBe(2);
  // Through kubectl port-forward to every cache pod: a fake kubectl listing two, both forwarded to this cache.
  const kubectl = join(dataDir, 'kubectl');
  const script = `#!/usr/bin/env bash
echo "$*" >> "${kubectl}.log"
case "$*" in
  *"get pods"*) printf 'pod/tilestack-cache-a\\npod/tilestack-cache-b\\n' ;;
  *"port-forward"*) echo "Forwarding from 127.0.0.1:${stack?.varnish.port} -> 8080"; exec sleep 30 ;;
esac
`;
  writeFileSync(kubectl, script, { mode: 0o755 });
  const viaKubectl = spawnSync(BAN, [TILESET], { ...sync, env: { ...env, KUBECTL: kubectl } });
  expect(viaKubectl.status, viaKubectl.stderr).toBe(0);
  expect(viaKubectl.stdout).toMatch(/pod\/tilestack-cache-a: banned(.|\n)*pod\/tilestack-cache-b: banned/);
  const log = readFileSync(`${kubectl}.log`, 'utf8');
  expect(log).toContain('-n tilestack get pods -l app.kubernetes.io/name=tilestack-cache');
  expect(log).toContain('-n tilestack port-forward pod/tilestack-cache-a :8080');
});

it('fails fast with a clear message once the stack is stopped', async () => {
  const cacheUrl = stack?.cacheUrl ?? '';
  await stack?.stop();
  stack = undefined;
  const started = Date.now();
  const { status, stdout, stderr } = await smoke('--base-url', cacheUrl);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(status).toBe(1);
  expect(stdout).toMatch(new RegExp(`^FAIL tilejson  cannot reach ${cacheUrl} \\(ECONNREFUSED\\)\n`));
  expect(stdout).toMatch(/\nFAIL readyz {4}cannot reach /);
  expect(stderr).toMatch(/^smoke: FAILED against .*: 3 of 5 checks failed, 2 skipped$/m);
});
