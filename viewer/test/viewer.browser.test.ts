import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../cache/src/stack.js';
import { buildViewer } from '../scripts/build.js';
import environments from '../src/environments.json' with { type: 'json' };
import { launchChromium } from './support/chromium.js';
import { NetworkGuard } from './support/network-guard.js';

/**
 * The viewer in Debian's Chromium against the local stack (API on sample data behind a real varnishd).
 * The viewer is built by this test into a temporary folder the API serves (VIEWER_DIR): it always tests
 * the current sources, never a stale `viewer/dist`, and never touches the working tree's build.
 */
const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
const DEV = new URL(environments.environments.find((e) => e.id === 'dev')?.baseUrl ?? '');
const SCREENSHOT = fileURLToPath(new URL('../../test-results/viewer.png', import.meta.url));
/** The sample city from above at an angle: `#zoom/lat/lon/bearing/pitch` (MapLibre's hash). */
const CITY_VIEW = '#15.3/40.4168/-3.7038/-20/55';
/** Generous: other test files load the same 2 cores while this one renders WebGL on the CPU. */
const POLL = { timeout: 20_000, interval: 100 };
const tileUrl = (origin: string) => new RegExp(`^${origin}/maps/tileset/${OSM}/\\d+/\\d+/\\d+\\?v=`);

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tmp: string;
const pageErrors: string[] = [];

/**
 * The dev environment, simulated without the network: its TileJSON is the local one rewritten to the
 * dev host (so the page asks dev for tiles); everything else to dev is aborted.
 */
const guard = new NetworkGuard(async (url) => {
  if (url.host !== DEV.host || url.pathname !== `/maps/tileset/${OSM}`) return undefined;
  const local = (await (await fetch(`${stack.cacheUrl}${url.pathname}`)).json()) as { tiles: string[] };
  const tiles = local.tiles.map((t) => t.replace(stack.cacheUrl, DEV.origin));
  return { json: { ...local, tiles }, headers: { 'access-control-allow-origin': '*' } };
});

const ready = () => page.waitForFunction('window.viewerReady === true', null, { timeout: 30_000 });
/** Resolves when the map has drawn everything it has (no tile, source or transition pending). */
const idle = () =>
  page.evaluate(
    `new Promise((resolve) => { const m = window.viewerMap; m.loaded() ? resolve() : m.once('idle', resolve); })`,
  );
const rendered = (layers: string[]) =>
  page.evaluate<number>(
    `window.viewerMap.queryRenderedFeatures({ layers: ${JSON.stringify(layers)} }).length`,
  );
const stat = async (name: string) => (await page.textContent(`[data-stat="${name}"]`)) ?? '';
const waitForStat = (name: string, predicate: string) =>
  page.waitForFunction(
    `(() => { const v = document.querySelector('[data-stat="${name}"]').textContent; return ${predicate}; })()`,
    null,
    { timeout: 20_000 },
  );

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tilestack-viewer-test-'));
  const { outDir } = await buildViewer(join(tmp, 'viewer'));
  [stack, browser] = await Promise.all([
    startStack({ dataDir: join(tmp, 'data'), apiEnv: { VIEWER_DIR: outDir } }),
    launchChromium(),
  ]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await guard.install(context);
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
    await page.goto(`${stack.cacheUrl}/viewer/${CITY_VIEW}`);
    await ready();
    expect(await rendered(['buildings-3d'])).toBeGreaterThan(0);
    expect(guard.since(0, tileUrl(stack.cacheUrl)).length).toBeGreaterThan(0);
    await waitForStat('ready', "v.startsWith('ready')");
    expect(Number(await stat('miss'))).toBeGreaterThan(0); // a fresh cache
  });

  it('counts cache HITs (X-Cache, Age) after a reload', async () => {
    await page.reload();
    await ready();
    await waitForStat('hit', 'Number(v) > 0');
    expect(Number(await stat('hit'))).toBeGreaterThan(0);
    expect(await stat('age')).toMatch(/^\d+ s$/);
    expect(await stat('median')).toMatch(/^\d+ ms$/);
    expect(await stat('errors')).toBe('0');
  });

  it('shows the retail_stores GeoJSON table as points when toggled on', async () => {
    await page.check('#stores');
    await page.waitForFunction(
      `window.viewerMap.getLayer('stores') && window.viewerMap.isSourceLoaded('stores')`,
      null,
      { timeout: 20_000 },
    );
    await idle();
    expect(await rendered(['stores'])).toBeGreaterThan(0);
    expect(page.url()).toContain('stores=1');
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('asks another environment for tiles when switched to a custom base URL (?api=)', async () => {
    const api = stack.apis[0]?.url ?? '';
    const before = guard.requests.length;
    await page.selectOption('#env', 'custom');
    await page.fill('#api-base', api);
    await page.press('#api-base', 'Enter');
    await expect.poll(() => guard.since(before, tileUrl(api)).length, POLL).toBeGreaterThan(0);
    await idle();
    expect(guard.since(before, tileUrl(stack.cacheUrl))).toEqual([]);
    expect(await rendered(['buildings-3d'])).toBeGreaterThan(0);
    expect(await stat('base')).toBe(api);
    await waitForStat('other', "v.includes('without X-Cache')"); // the API alone has no cache verdict
    expect(page.url()).toContain(`api=${encodeURIComponent(api)}`);
  });

  it('asks the dev hostname for tiles when dev is selected (stopped before leaving the machine)', async () => {
    const before = guard.requests.length;
    await page.selectOption('#env', 'dev');
    await expect.poll(() => guard.since(before, tileUrl(DEV.origin)).length, POLL).toBeGreaterThan(0);
    await waitForStat('errors', 'Number(v) > 0');
    await waitForStat('ready', "v.startsWith('unreachable')");
    expect(await stat('base')).toBe(DEV.origin);
  });

  it('made no request outside localhost', () => {
    expect(guard.leaked()).toEqual([]);
    expect(guard.stopped.every((url) => new URL(url).host === DEV.host)).toBe(true);
    expect(guard.answeredLocally).toEqual([`${DEV.origin}/maps/tileset/${OSM}`]);
    expect(pageErrors).toEqual([]);
  });
});
