// The smoke test the deploy workflow runs (`npm run smoke -- --base-url URL`), run here as that same CLI
// against the local production topology (the API on sample data behind a real varnishd): it must pass,
// and fail fast with a clear message once the stack is stopped. The cache-ban script of the stable-copy
// workflow is exercised against the same stack.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../cache/src/stack.js';
import type { SmokeReport } from '../tools/smoke/src/smoke.js';
import { centerTile, parseTile, tileAt, tileJsonProblems, tileUrl } from '../tools/smoke/src/tiles.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO_ROOT, 'tools', 'smoke', 'src', 'cli.ts');
const BAN = join(REPO_ROOT, 'scripts', 'ban-tileset.sh');
const TILESET = 'carto-demo-data.demo_tilesets.osm_buildings';

function smoke(...args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, SMOKE_BASE_URL: '', SMOKE_TILE: '' },
  });
  return { ...result, ms: Date.now() - started };
}

describe('tile math', () => {
  it('finds the XYZ tile of a point', () => {
    expect(tileAt(0, 0, 0)).toEqual({ z: 0, x: 0, y: 0 });
    expect(tileAt(-3.7038, 40.4168, 14)).toEqual({ z: 14, x: 8023, y: 6177 });
    expect(tileAt(180, -90, 2)).toEqual({ z: 2, x: 3, y: 3 }); // clamped into the grid
  });

  it('picks the TileJSON center at min(maxzoom, 14), within the zoom range', () => {
    const base = {
      tiles: ['https://x/{z}/{x}/{y}'],
      bounds: [-10, -10, 10, 10] as [number, number, number, number],
    };
    expect(centerTile({ ...base, minzoom: 0, maxzoom: 16, center: [-3.7038, 40.4168, 12] })).toEqual({
      z: 14,
      x: 8023,
      y: 6177,
    });
    expect(centerTile({ ...base, minzoom: 0, maxzoom: 10 }).z).toBe(10);
    expect(centerTile({ ...base, minzoom: 15, maxzoom: 18 }).z).toBe(15);
  });

  it('parses --tile and rejects what is not on the grid', () => {
    expect(parseTile('14/8023/6177')).toEqual({ z: 14, x: 8023, y: 6177 });
    for (const bad of ['14/8023', '3/8/0', 'a/b/c', '']) expect(() => parseTile(bad), bad).toThrow();
  });

  it("builds the tile URL on the server under test from the TileJSON's template, query kept", () => {
    const tileJson = {
      tiles: ['https://public.example/maps/tileset/a.b.c/{z}/{x}/{y}?v=7'],
      minzoom: 0,
      maxzoom: 5,
    };
    expect(tileUrl(tileJson, { z: 1, x: 0, y: 1 }, 'http://127.0.0.1:8080/')).toBe(
      'http://127.0.0.1:8080/maps/tileset/a.b.c/1/0/1?v=7',
    );
    expect(tileJsonProblems({ tiles: ['/t/{z}/{x}/{y}'], minzoom: 0, maxzoom: 3 })).toEqual([]);
    expect(tileJsonProblems({ tiles: [], minzoom: 4, maxzoom: 3 })).toHaveLength(2);
  });
});

describe('npm run smoke against the local stack (API + varnishd)', () => {
  let stack: Stack | undefined;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'smoke-data-'));
    stack = await startStack({ dataDir });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes every check, with a JSON summary', () => {
    const result = smoke('--base-url', stack?.cacheUrl ?? '', '--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as SmokeReport;
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['tilejson', 'pass'],
      ['tile', 'pass'],
      ['cache-hit', 'pass'],
      ['geojson', 'pass'],
      ['readyz', 'pass'],
    ]);
    // One line per check on stderr when stdout holds the JSON.
    expect(result.stderr).toMatch(/^PASS tile {6}14\/8023\/6177: \d+ layer\(s\), \d+ features/m);
    expect(result.stderr).toMatch(/^smoke: all 5 checks passed against /m);
  });

  it('prints one clear line per check, and fails on a tile that holds no data', () => {
    const result = smoke('--base-url', stack?.cacheUrl ?? '', '--tile', '0/0/0');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^PASS tilejson /m);
    expect(result.stdout).toMatch(
      /^FAIL tile {6}0\/0\/0 is empty \(204\): pass --tile z\/x\/y with a tile that holds data$/m,
    );
    expect(result.stdout).toMatch(/^SKIP cache-hit skipped: needs a passing tile check$/m);
    expect(result.stdout).toMatch(/^PASS geojson /m);
  });

  it('rejects bad usage with exit code 2', () => {
    expect(smoke().status).toBe(2);
    expect(smoke('--base-url', 'ftp://x').status).toBe(2);
    expect(smoke('--base-url', 'http://x', '--tile', 'nope').stderr).toMatch(/--tile must look like z\/x\/y/);
  });

  it('bans the tileset on the cache (scripts/ban-tileset.sh --url): the next request is a miss', async () => {
    const url = `${stack?.cacheUrl}/maps/tileset/${TILESET}/14/8023/6177`;
    await fetch(url).then((r) => r.arrayBuffer());
    expect((await fetch(url)).headers.get('x-cache')).toBe('HIT');

    const result = spawnSync(BAN, ['--url', stack?.cacheUrl ?? '', TILESET], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/banned carto-demo-data\.demo_tilesets\.osm_buildings/);
    expect((await fetch(url)).headers.get('x-cache')).toBe('MISS');
    expect(spawnSync(BAN, ['--url', stack?.cacheUrl ?? '', 'not a table id']).status).toBe(2);
  });

  it('bans through kubectl port-forward to every cache pod (fake kubectl forwarding to the local cache)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-kubectl-'));
    try {
      const kubectl = join(dir, 'kubectl');
      // `get pods` lists two cache pods; `port-forward` reports a local port (the local cache's) and
      // stays up until killed, like the real command.
      writeFileSync(
        kubectl,
        `#!/usr/bin/env bash
echo "$*" >> "${dir}/log"
case "$*" in
  *"get pods"*) printf 'pod/tilestack-cache-a\\npod/tilestack-cache-b\\n' ;;
  *"port-forward"*) echo "Forwarding from 127.0.0.1:${stack?.varnish.port} -> 8080"; exec sleep 30 ;;
esac
`,
      );
      chmodSync(kubectl, 0o755);
      const result = spawnSync(BAN, [TILESET], {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, KUBECTL: kubectl },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/pod\/tilestack-cache-a: banned/);
      expect(result.stdout).toMatch(/pod\/tilestack-cache-b: banned/);
      const log = spawnSync('cat', [join(dir, 'log')], { encoding: 'utf8' }).stdout;
      expect(log).toMatch(/-n tilestack get pods -l app\.kubernetes\.io\/name=tilestack-cache/);
      expect(log).toMatch(/-n tilestack port-forward pod\/tilestack-cache-a :8080/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails fast with a clear message once the stack is stopped', async () => {
    const cacheUrl = stack?.cacheUrl ?? '';
    await stack?.stop();
    stack = undefined;
    const result = smoke('--base-url', cacheUrl);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`^FAIL tilejson  cannot reach ${cacheUrl} \\(ECONNREFUSED\\)$`, 'm'),
    );
    expect(result.stdout).toMatch(/^FAIL readyz {4}cannot reach /m);
    expect(result.stderr).toMatch(/^smoke: FAILED against .*: 3 of 5 checks failed, 2 skipped$/m);
    expect(result.ms).toBeLessThan(10_000);
  });
});
