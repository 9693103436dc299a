import { copyFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSampleData } from '@tilestack/api/sample-data';
import {
  type ApiProcess,
  decodeTile,
  httpGet,
  startApi,
  startVarnish,
  storedTiles,
  tileRequests,
  type Varnish,
} from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
const OTHER = 'carto-demo-data.demo_tilesets.other_buildings'; // a copy under another id: bans are per tileset
const BROKEN = 'carto-demo-data.demo_tables.broken';
const ALLOW = 'GET, HEAD, OPTIONS';
let api: ApiProcess;
let cache: Varnish;
let dataDir: string;
let unused: string[]; // z/x/y of stored tiles nobody requested yet
const env = () => ({ DATA_DIR: dataDir, METADATA_TTL_SECONDS: '0', CACHE_S_MAXAGE: '2' });

const freshTile = (tileset = OSM) => `/maps/tileset/${tileset}/${unused.shift() ?? 'out-of-tiles'}`;
const get = (path: string, headers: Record<string, string> = { 'accept-encoding': 'gzip' }, method = 'GET') =>
  httpGet(`${cache.url}${path}`, headers, method);
const xCache = async (path: string, headers?: Record<string, string>) =>
  (await get(path, headers)).headers['x-cache'];
/** What `run` returned, and how many tile requests reached the API meanwhile. */
async function apiSees<T>(run: () => Promise<T>): Promise<[T, number]> {
  const before = await tileRequests(api.url);
  const result = await run();
  return [result, (await tileRequests(api.url)) - before];
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tilestack-cache-data-'));
  generateSampleData(dataDir);
  copyFileSync(join(dataDir, `${OSM}.mbtiles`), join(dataDir, `${OTHER}.mbtiles`));
  writeFileSync(join(dataDir, `${BROKEN}.ndjson`), '{"geom": not json\n'); // the API answers 500
  unused = storedTiles(join(dataDir, `${OSM}.mbtiles`)).flatMap((t) =>
    t.z >= 12 ? `${t.z}/${t.x}/${t.y}` : [],
  );
  api = await startApi(env());
  cache = await startVarnish({ backends: [api.port] });
});

afterAll(async () => {
  await cache?.stop();
  await api?.process.stop();
});

describe('caching through a real varnishd', () => {
  it('serves repeats from the cache and coalesces 200 concurrent misses: the API sees one request', async () => {
    const path = freshTile();
    const [[first, second], seen] = await apiSees(async () => [await get(path), await get(path)]);
    expect([first.status, first.headers['x-cache'], second.headers['x-cache']]).toEqual([200, 'MISS', 'HIT']);
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
    expect(second.body).toEqual(first.body);
    const concurrent = freshTile();
    const [responses, once] = await apiSees(() =>
      Promise.all(Array.from({ length: 200 }, () => get(concurrent))),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect([seen, once]).toEqual([1, 1]);
  });

  it.each([
    ['an empty tile', `/maps/tileset/${OSM}/16/0/0`, 204],
    ['an unknown tileset', `/maps/tileset/${OSM.replace('osm', 'no')}/1/0/0`, 404],
  ])('caches %s (%i) briefly', async (_, path, status) => {
    expect((await get(path)).status).toBe(status);
    expect(await get(path)).toMatchObject({ status, headers: { 'x-cache': 'HIT' } });
  });

  it.each([
    ['a 5xx from the API', `/maps/table/${BROKEN}?geomField=geom`, 500, undefined],
    ['/readyz (no-store)', '/readyz', 200, 'no-store'],
    ['/metrics (no-store)', '/metrics', 200, 'no-store'],
  ])('never stores %s', async (_, path, status, cacheControl) => {
    const [first, second] = [await get(path, {}), await get(path, {})];
    expect([first.status, second.status]).toEqual([status, status]);
    if (cacheControl) expect(first.headers['cache-control']).toBe(cacheControl);
    expect(second.headers['x-cache']).not.toBe('HIT');
  });

  it('keeps one object per tile: unknown parameters, leading zeros, Cookie and Authorization do not split it', async () => {
    const path = freshTile();
    const zeros = path.replace(/\/(\d+)\/(\d+)\/(\d+)$/, '/0$1/00$2/000$3');
    const version = new URL((await get(`/maps/tileset/${OSM}`, {})).json().tiles[0]).searchParams.get('v');
    const [, seen] = await apiSees(async () => {
      await get(path);
      for (const [variant, headers] of [
        [`${path}?b=2&a=1`, {}],
        [`${zeros}?x=junk`, { cookie: 'session=1' }],
        [`${path}?p=1&q`, { authorization: 'Bearer x' }],
      ] as const)
        expect(await xCache(variant, { 'accept-encoding': 'gzip', ...headers })).toBe('HIT');
      expect(await xCache(`${path}?v=${version}`)).toBe('MISS');
      const junk = await get(`${zeros}?x=junk&v=${version}&zz=1`);
      expect([junk.headers['x-cache'], junk.headers['cache-control']]).toEqual([
        'HIT',
        expect.stringContaining('immutable'),
      ]);
    });
    expect(seen).toBe(2);
  });

  it('stores gzip once and gunzips for clients that do not accept it', async () => {
    const path = freshTile();
    expect((await get(path)).headers['content-encoding']).toBe('gzip');
    const identity = await get(path, {});
    expect(identity.headers).toMatchObject({ 'x-cache': 'HIT', vary: 'Accept-Encoding' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(decodeTile(identity.body).layers.default?.length).toBeGreaterThan(0);
  });

  it('adds X-Cache and Age, strips internal headers, from synthetic answers too', async () => {
    const res = await get(freshTile());
    expect(res.headers).toMatchObject({ 'x-cache': 'MISS', age: expect.any(String) });
    const answers = [res];
    for (const call of ['GET /_cache/health', 'POST /', 'BAN /', 'PURGE /nothing-cached']) {
      const [method, path = ''] = call.split(' ');
      answers.push(await get(path, { 'x-ban-tileset': '.*' }, method)); // BAN of a malformed id: 400
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 405, 400, 200]);
    expect(answers[1]?.json()).toEqual({ status: 'OK' });
    for (const r of answers)
      for (const h of ['server', 'x-varnish', 'via', 'x-url']) expect(r.headers[h], h).toBeUndefined();
  });

  it('serves a stale copy at once while it refreshes in the background', async () => {
    const path = freshTile();
    await get(path);
    await sleep(2500); // s-maxage=2 has passed
    const [, seen] = await apiSees(async () => {
      expect(await get(path)).toMatchObject({ status: 200, headers: { 'x-cache': 'STALE' } });
      await sleep(300);
    });
    expect(seen).toBe(1);
    expect(await xCache(path)).toBe('HIT');
  });
});

describe('what clients send cannot change what others get', () => {
  it('a forwarded host never reaches the API, so it cannot poison the shared TileJSON', async () => {
    const path = `/maps/tileset/${OSM}?p=1`;
    await get(path, {}, 'PURGE');
    const evil = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'javascript' };
    const poisoned = await get(path, evil);
    const clean = await get(path, {});
    expect([poisoned.headers['x-cache'], clean.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    for (const res of [poisoned, clean])
      expect(res.json().tiles[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/maps\//);
    const https = await get(path, { 'x-forwarded-proto': 'https' });
    expect(https.headers['x-cache']).toBe('MISS'); // its own object: the scheme is part of the key
    expect(https.json().tiles[0]).toMatch(/^https:\/\/127\.0\.0\.1:/);
  });

  it('replaces an invalid X-Request-Id, on misses and on hits', async () => {
    const path = freshTile();
    const id = async (sent: string) => (await get(path, { 'x-request-id': sent })).headers['x-request-id'];
    for (const _ of ['miss', 'hit']) expect(await id('<script>')).toMatch(/^varnish-\d+$/);
    expect(await id('mine-1')).toBe('mine-1');
  });

  it('passes CORS preflights to the API; other methods get a JSON 405 with Allow', async () => {
    const preflight = { origin: 'https://maps.example', 'access-control-request-method': 'GET' };
    const { status, headers } = await get(`/maps/tileset/${OSM}/0/0/0`, preflight, 'OPTIONS');
    expect([status, headers['access-control-allow-origin'], headers.allow]).toEqual([204, '*', ALLOW]);
    const post = await get('/', {}, 'POST');
    expect(post).toMatchObject({ status: 405, headers: { allow: ALLOW } });
    expect(post.json()).toEqual({ error: 'method_not_allowed', message: expect.any(String) });
  });
});

describe('invalidation', () => {
  it('BAN drops every tile of a tileset, PURGE one URL; everything else stays cached', async () => {
    const [mine, purged, kept, theirs] = [freshTile(), freshTile(), freshTile(), freshTile(OTHER)];
    for (const path of [mine, purged, kept, theirs]) await get(path);
    expect((await get(purged, {}, 'PURGE')).status).toBe(200);
    expect([await xCache(purged), await xCache(kept)]).toEqual(['MISS', 'HIT']);
    expect((await get('/', { 'x-ban-tileset': OSM }, 'BAN')).status).toBe(200);
    expect([await xCache(mine), await xCache(kept), await xCache(theirs)]).toEqual(['MISS', 'MISS', 'HIT']);
  });

  it('refuses PURGE and BAN from addresses outside the ACL with 403 and changes nothing', async () => {
    const path = freshTile();
    await get(path);
    const outside = { localAddress: '127.0.0.2' };
    expect((await httpGet(`${cache.url}${path}`, {}, 'PURGE', outside)).status).toBe(403);
    expect((await httpGet(`${cache.url}${path}`, { 'x-ban-tileset': OSM }, 'BAN', outside)).status).toBe(403);
    expect(await xCache(path)).toBe('HIT');
  });

  it('a new data version changes the TileJSON tile URLs: new URLs miss, old ones still hit', async () => {
    const tilejson = `/maps/tileset/${OTHER}`;
    const zxy = unused.shift() ?? '';
    const tileUrl = async () => {
      const url = new URL((await get(tilejson, {})).json().tiles[0].replace('{z}/{x}/{y}', zxy));
      return `${url.pathname}${url.search}`;
    };
    const oldUrl = await tileUrl();
    await get(oldUrl);
    expect(await xCache(oldUrl)).toBe('HIT');
    // Publish new data: a new file replaces the old one (as the stable-copy extract does).
    const file = join(dataDir, `${OTHER}.mbtiles`);
    copyFileSync(file, `${file}.new`);
    renameSync(`${file}.new`, file);
    await get(tilejson, {}, 'PURGE');
    const newUrl = await tileUrl();
    expect(newUrl).not.toBe(oldUrl);
    expect(await xCache(newUrl)).toBe('MISS');
    expect((await get(newUrl)).headers['cache-control']).toContain('immutable');
    expect(await xCache(oldUrl)).toBe('HIT');
  });
});

describe('when the API is down', () => {
  it('serves cached tiles stale, fails uncached ones fast with a clear 503, and refreshes after recovery', async () => {
    const cached = [freshTile(), freshTile(), freshTile()];
    for (const path of cached) await get(path);
    await sleep(2500); // every cached copy is now past its TTL
    await api.process.stop();
    for (const path of cached)
      expect(await get(path)).toMatchObject({ status: 200, headers: { 'x-cache': 'STALE' } });
    const started = performance.now();
    const uncached = await get(freshTile());
    expect(performance.now() - started).toBeLessThan(2000);
    expect(uncached.status).toBe(503);
    expect(uncached.json()).toEqual({ error: 'unavailable', message: expect.stringMatching(/unavailable/) });
    api = await startApi(env(), api.port);
    await sleep(2500); // the probe marks the backend healthy again
    const path = cached[0] ?? '';
    const [, seen] = await apiSees(async () => {
      await get(path); // stale hit, triggers the refresh
      await sleep(300);
    });
    expect(seen).toBe(1);
    expect((await get(path)).headers).toMatchObject({
      'x-cache': 'HIT',
      age: expect.stringMatching(/^[01]$/),
    });
  });
});
