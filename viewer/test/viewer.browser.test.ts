import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Stack, startStack } from '@tilestack/test-support';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewer } from '../scripts/build.js';
import config from '../src/environments.json' with { type: 'json' };

/**
 * The viewer in Debian's Chromium against the local stack (API on sample data behind a real varnishd),
 * built by this test into a temporary folder the API serves (VIEWER_DIR): the current sources, never a
 * stale `viewer/dist`. Every request is recorded; non-local ones are stopped before they leave.
 */
const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
const DEV = new URL(config.environments.find((e) => e.id === 'dev')?.baseUrl ?? '');
/**
 * The Chromium flags that make WebGL render headless without a GPU (ANGLE on SwiftShader) that
 * playwright-core does not pass itself (it adds --headless, --no-sandbox, --no-first-run, …); one it adds
 * is kept explicit because Chromium's implicit software-WebGL fallback is deprecated. --disable-gpu: no effect.
 */
const FLAGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic', '--disable-sync'];
const LOCAL = /^(data:|blob:|https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/])/;
/** Generous: other test files load the same 2 cores while this one renders WebGL on the CPU. */
const POLL = { timeout: 20_000, interval: 100 };
const tileUrl = (origin: string) => new RegExp(`^${origin}/maps/tileset/${OSM}/\\d+/\\d+/\\d+\\?v=`);

let stack: Stack;
let browser: Browser;
let page: Page;
let tmp: string;
const requests: string[] = [];
const stopped: string[] = [];
const faked: string[] = [];
const pageErrors: string[] = [];
const since = (index: number, origin: string) => requests.slice(index).filter((u) => tileUrl(origin).test(u));
const stat = async (name: string) => (await page.textContent(`[data-stat="${name}"]`)) ?? '';
const ready = () => page.waitForFunction('window.viewerReady === true', null, { timeout: 30_000 });
/** Resolves when the map has drawn everything it has (no tile, source or transition pending). */
const idle = () =>
  page.evaluate(`new Promise((r) => { const m = window.viewerMap; m.loaded() ? r() : m.once('idle', r); })`);
const rendered = (layer: string) =>
  page.evaluate<number>(`window.viewerMap.queryRenderedFeatures({ layers: ['${layer}'] }).length`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tilestack-viewer-test-'));
  const outDir = await buildViewer(join(tmp, 'viewer'));
  [stack, browser] = await Promise.all([
    startStack({ dataDir: join(tmp, 'data'), apiEnv: { VIEWER_DIR: outDir } }),
    chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: FLAGS }),
  ]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on('request', (request) => requests.push(request.url()));
  await context.route(
    (url) => !LOCAL.test(url.href),
    async (route) => {
      const url = new URL(route.request().url());
      stopped.push(url.href);
      if (url.host !== DEV.host || url.pathname !== `/maps/tileset/${OSM}`)
        return route.abort('internetdisconnected');
      // The dev environment, simulated: the local TileJSON with dev's host, so the page asks dev for tiles.
      faked.push(url.href);
      const local = (await (await fetch(`${stack.cacheUrl}${url.pathname}`)).json()) as { tiles: string[] };
      const tiles = local.tiles.map((t) => t.replace(stack.cacheUrl, DEV.origin));
      await route.fulfill({ json: { ...local, tiles }, headers: { 'access-control-allow-origin': '*' } });
    },
  );
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('viewer in Chromium against the local stack', () => {
  it('draws the sample city as extruded buildings from tiles through the cache', async () => {
    await page.goto(`${stack.cacheUrl}/viewer/#15.3/40.4168/-3.7038/-20/55`); // zoom/lat/lon/bearing/pitch
    await ready();
    expect(await rendered('buildings-3d')).toBeGreaterThan(0);
    expect(since(0, stack.cacheUrl).length).toBeGreaterThan(0);
    await expect.poll(() => stat('ready'), POLL).toMatch(/^ready/);
    expect(Number(await stat('miss'))).toBeGreaterThan(0); // a fresh cache
  });

  it('counts cache HITs (X-Cache, Age) after a reload', async () => {
    await page.reload();
    await ready();
    await expect.poll(() => stat('hit'), POLL).toMatch(/^[1-9]/);
    expect(await stat('age')).toMatch(/^\d+ s$/);
    expect(await stat('median')).toMatch(/^\d+ ms$/);
    expect(await stat('errors')).toBe('0');
  });

  it('shows the retail_stores GeoJSON table as points when toggled on', async () => {
    await page.check('#stores');
    await expect.poll(() => rendered('stores'), POLL).toBeGreaterThan(0);
    expect(page.url()).toContain('stores=1');
    await page.screenshot({ path: fileURLToPath(new URL('../../test-results/viewer.png', import.meta.url)) });
  });

  it('asks another environment for tiles when switched to a custom base URL (?api=)', async () => {
    const api = stack.apis[0]?.url ?? '';
    const before = requests.length;
    await page.selectOption('#env', 'custom');
    await page.fill('#api-base', api);
    await page.press('#api-base', 'Enter');
    await expect.poll(() => since(before, api).length, POLL).toBeGreaterThan(0);
    await idle();
    expect(since(before, stack.cacheUrl)).toEqual([]);
    expect(await rendered('buildings-3d')).toBeGreaterThan(0);
    expect(await stat('base')).toBe(api);
    await expect.poll(() => stat('other'), POLL).toContain('without X-Cache'); // the API alone: no verdict
    expect(page.url()).toContain(`api=${encodeURIComponent(api)}`);
  });

  it('asks the dev hostname for tiles when dev is selected (stopped before leaving the machine)', async () => {
    const before = requests.length;
    await page.selectOption('#env', 'dev');
    await expect.poll(() => since(before, DEV.origin).length, POLL).toBeGreaterThan(0);
    await expect.poll(() => stat('errors'), POLL).toMatch(/^[1-9]/);
    await expect.poll(() => stat('ready'), POLL).toMatch(/^unreachable/);
    expect(await stat('base')).toBe(DEV.origin);
  });

  it('made no request outside localhost', () => {
    expect(requests.filter((url) => !LOCAL.test(url) && !stopped.includes(url))).toEqual([]);
    expect(stopped.every((url) => new URL(url).host === DEV.host)).toBe(true);
    expect(faked).toEqual([`${DEV.origin}/maps/tileset/${OSM}`]);
    expect(pageErrors).toEqual([]);
  });
});
