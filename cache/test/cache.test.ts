import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, type RawResponse } from '../../api/test/support/http.js';
import { decodeTile } from '../../api/test/support/mvt.js';
import { type ApiProcess, startApi } from '../src/api-process.js';
import type { TileCoord } from '../src/sample-tiles.js';
import { startVarnish, type Varnish } from '../src/varnish.js';
import { apiTileRequests, dataDirWithTwoTilesets, OSM, OTHER } from './support/fixtures.js';

let api: ApiProcess;
let cache: Varnish;
let dataDir: string;
let unused: TileCoord[];
const env = () => ({ DATA_DIR: dataDir, METADATA_TTL_SECONDS: '0', CACHE_S_MAXAGE: '2' });

/** A tile nobody requested yet in this file. */
function freshTile(tileset = OSM): string {
  const t = unused.shift();
  if (!t) throw new Error('out of sample tiles');
  return `/maps/tileset/${tileset}/${t.z}/${t.x}/${t.y}`;
}

const get = (path: string, headers: Record<string, string> = { 'accept-encoding': 'gzip' }) =>
  httpGet(`${cache.url}${path}`, headers);

beforeAll(async () => {
  const data = dataDirWithTwoTilesets();
  dataDir = data.dir;
  unused = data.tiles;
  api = await startApi(env());
  cache = await startVarnish({ backends: [{ host: '127.0.0.1', port: api.port }], purgers: ['"127.0.0.1"'] });
});

afterAll(async () => {
  await cache?.stop();
  await api?.process.stop();
});

describe('caching through a real varnishd', () => {
  it('serves the second request for a tile from the cache; the API sees one request', async () => {
    const path = freshTile();
    const before = await apiTileRequests(api.url);
    const first = await get(path);
    const second = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
    expect(second.body).toEqual(first.body);
    expect((await apiTileRequests(api.url)) - before).toBe(1);
  });

  it('coalesces 200 concurrent misses for one tile into one API request', async () => {
    const path = freshTile();
    const before = await apiTileRequests(api.url);
    const responses = await Promise.all(Array.from({ length: 200 }, () => get(path)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect((await apiTileRequests(api.url)) - before).toBe(1);
  });

  it('caches 204 (empty tiles) and 404 briefly', async () => {
    const empty = `/maps/tileset/${OSM}/16/0/0`;
    expect((await get(empty)).status).toBe(204);
    const again = await get(empty);
    expect(again.status).toBe(204);
    expect(again.headers['x-cache']).toBe('HIT');
    const missing = `/maps/tileset/${OSM.replace('osm', 'no')}/1/0/0`;
    expect((await get(missing)).status).toBe(404);
    expect((await get(missing)).headers['x-cache']).toBe('HIT');
  });

  it('never caches a 5xx from the API', async () => {
    const broken = 'carto-demo-data.demo_tables.broken';
    writeFileSync(join(dataDir, `${broken}.ndjson`), '{"geom": not json\n');
    await sleep(1100); // the API re-lists DATA_DIR at most once a second
    try {
      const path = `/maps/table/${broken}?geomField=geom`;
      const first = await get(path);
      const second = await get(path);
      expect(first.status).toBe(500);
      expect(second.status).toBe(500);
      expect(second.headers['x-cache']).not.toBe('HIT');
    } finally {
      rmSync(join(dataDir, `${broken}.ndjson`));
    }
  });

  it('never stores what the API marks uncacheable (/readyz, /metrics)', async () => {
    for (const path of ['/readyz', '/metrics']) {
      const first = await get(path, {});
      const second = await get(path, {});
      expect(first.headers['cache-control']).toBe('no-store');
      expect(second.headers['x-cache']).not.toBe('HIT');
    }
  });

  it('keeps one object per tile: unknown parameters, leading zeros, Cookie and Authorization do not split it', async () => {
    const path = freshTile();
    const [, z, x, y] = path.match(/\/(\d+)\/(\d+)\/(\d+)$/) ?? [];
    const leadingZeros = path.replace(/\/\d+\/\d+\/\d+$/, `/0${z}/00${x}/000${y}`);
    const { tiles } = (await get(`/maps/tileset/${OSM}`, {})).json();
    const version = new URL(tiles[0]).searchParams.get('v');
    const before = await apiTileRequests(api.url);
    await get(path);
    for (const [variant, headers] of [
      [`${path}?b=2&a=1`, {}],
      [`${leadingZeros}?x=junk`, { cookie: 'session=1' }],
      [`${path}?p=1&q`, { authorization: 'Bearer x' }],
    ] as const)
      expect((await get(variant, { 'accept-encoding': 'gzip', ...headers })).headers['x-cache']).toBe('HIT');
    expect((await get(`${path}?v=${version}`)).headers['x-cache']).toBe('MISS');
    const junk = await get(`${leadingZeros}?x=junk&v=${version}&zz=1`);
    expect(junk.headers['x-cache']).toBe('HIT');
    expect(junk.headers['cache-control']).toContain('immutable');
    expect((await apiTileRequests(api.url)) - before).toBe(2);
  });

  it('stores gzip once and gunzips for clients that do not accept it', async () => {
    const path = freshTile();
    const gzipped = await get(path);
    const identity = await get(path, {});
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(identity.headers['x-cache']).toBe('HIT');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.vary).toBe('Accept-Encoding');
    expect(decodeTile(identity.body).layers.default?.length).toBeGreaterThan(0);
  });

  it('adds operator headers and strips internal ones', async () => {
    const res = await get(freshTile());
    expect(res.headers['x-cache']).toBe('MISS');
    expect(res.headers.age).toBeDefined();
    for (const internal of ['x-url', 'via', 'x-varnish']) expect(res.headers[internal]).toBeUndefined();
    expect((await get('/_cache/health')).json()).toEqual({ status: 'OK' });
    const post = await httpGet(`${cache.url}/`, {}, 'POST');
    expect(post.status).toBe(405);
  });

  it('serves a stale copy at once while it refreshes in the background', async () => {
    const path = freshTile();
    await get(path);
    await sleep(2500); // s-maxage=2 has passed
    const before = await apiTileRequests(api.url);
    const stale = await get(path);
    expect(stale.status).toBe(200);
    expect(stale.headers['x-cache']).toBe('STALE');
    await sleep(300);
    expect((await apiTileRequests(api.url)) - before).toBe(1);
    expect((await get(path)).headers['x-cache']).toBe('HIT');
  });
});

describe('what clients send cannot change what others get', () => {
  it('a forwarded host never reaches the API, so it cannot poison the shared TileJSON', async () => {
    const path = `/maps/tileset/${OSM}?p=1`;
    await httpGet(`${cache.url}${path}`, {}, 'PURGE');
    const poisoned = await get(path, {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'javascript',
    });
    expect(poisoned.headers['x-cache']).toBe('MISS');
    const clean = await get(path, {});
    expect(clean.headers['x-cache']).toBe('HIT');
    for (const res of [poisoned, clean])
      expect(res.json().tiles[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/maps\//);
    const https = await get(path, { 'x-forwarded-proto': 'https' });
    expect(https.headers['x-cache']).toBe('MISS'); // its own object: the scheme is part of the key
    expect(https.json().tiles[0]).toMatch(/^https:\/\/127\.0\.0\.1:/);
  });

  it('replaces an invalid X-Request-Id, on misses and on hits', async () => {
    const path = freshTile();
    for (let i = 0; i < 2; i++) {
      const res = await get(path, { 'accept-encoding': 'gzip', 'x-request-id': '<script>' });
      expect(res.headers['x-request-id']).toMatch(/^varnish-\d+$/);
    }
    expect((await get(path, { 'x-request-id': 'mine-1' })).headers['x-request-id']).toBe('mine-1');
  });

  it('passes CORS preflights to the API; other methods get 405 with Allow', async () => {
    const preflight = await httpGet(
      `${cache.url}/maps/tileset/${OSM}/0/0/0`,
      { origin: 'https://maps.example', 'access-control-request-method': 'GET' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': '*',
      allow: 'GET, HEAD, OPTIONS',
    });
    const post = await httpGet(`${cache.url}/`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(post.json()).toEqual({ error: 'method_not_allowed', message: expect.any(String) });
  });

  it('synthetic answers carry no Server or X-Varnish header', async () => {
    const answers = [
      await get('/_cache/health'),
      await httpGet(`${cache.url}/`, {}, 'POST'),
      await httpGet(`${cache.url}/`, { 'x-ban-tileset': '.*' }, 'BAN'),
      await httpGet(`${cache.url}/nothing-cached`, {}, 'PURGE'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 405, 400, 200]);
    for (const res of answers)
      for (const h of ['server', 'x-varnish', 'via']) expect(res.headers[h]).toBeUndefined();
  });
});

describe('invalidation', () => {
  it('BAN of a tileset makes each of its tiles a MISS and leaves other tilesets cached', async () => {
    const mine = [freshTile(), freshTile()];
    const theirs = freshTile(OTHER);
    for (const path of [...mine, theirs]) await get(path);
    const ban = await httpGet(`${cache.url}/`, { 'x-ban-tileset': OSM }, 'BAN');
    expect(ban.status).toBe(200);
    for (const path of mine) expect((await get(path)).headers['x-cache']).toBe('MISS');
    expect((await get(theirs)).headers['x-cache']).toBe('HIT');
  });

  it('BAN rejects a malformed tileset id', async () => {
    const ban = await httpGet(`${cache.url}/`, { 'x-ban-tileset': '.*' }, 'BAN');
    expect(ban.status).toBe(400);
  });

  it('PURGE drops one URL', async () => {
    const path = freshTile();
    const other = freshTile();
    await get(path);
    await get(other);
    expect((await httpGet(`${cache.url}${path}`, {}, 'PURGE')).status).toBe(200);
    expect((await get(path)).headers['x-cache']).toBe('MISS');
    expect((await get(other)).headers['x-cache']).toBe('HIT');
  });

  it('refuses PURGE and BAN from addresses outside the ACL with 403 and changes nothing', async () => {
    const path = freshTile();
    await get(path);
    const fromOutside = (method: string, headers: Record<string, string> = {}) =>
      new Promise<RawResponse>((resolve, reject) => {
        import('node:http').then(({ request }) => {
          const req = request(
            `${cache.url}${path}`,
            { method, headers, localAddress: '127.0.0.2', agent: false },
            (res) => {
              res.resume();
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, headers: res.headers } as unknown as RawResponse),
              );
            },
          );
          req.on('error', reject);
          req.end();
        }, reject);
      });
    expect((await fromOutside('PURGE')).status).toBe(403);
    expect((await fromOutside('BAN', { 'x-ban-tileset': OSM })).status).toBe(403);
    expect((await get(path)).headers['x-cache']).toBe('HIT');
  });

  it('a new data version changes the TileJSON tile URLs: new URLs miss, old ones still hit', async () => {
    const tilejsonPath = `/maps/tileset/${OTHER}`;
    const tileUrl = (doc: { tiles: string[] }, path: string) => {
      const [, z = '', x = '', y = ''] = path.split('/').slice(-4);
      const url = new URL((doc.tiles[0] ?? '').replace('{z}', z).replace('{x}', x).replace('{y}', y));
      return `${url.pathname}${url.search}`;
    };
    const sample = freshTile(OTHER);
    const oldDoc = (await get(tilejsonPath, {})).json();
    const oldUrl = tileUrl(oldDoc, sample);
    await get(oldUrl);
    expect((await get(oldUrl)).headers['x-cache']).toBe('HIT');

    // Publish new data: a new file replaces the old one (as the stable-copy extract does).
    const { copyFileSync, renameSync } = await import('node:fs');
    const file = join(dataDir, `${OTHER}.mbtiles`);
    copyFileSync(file, `${file}.new`);
    renameSync(`${file}.new`, file);
    await httpGet(`${cache.url}${tilejsonPath}`, {}, 'PURGE');

    const newDoc = (await get(tilejsonPath, {})).json();
    expect(newDoc.tiles[0]).not.toBe(oldDoc.tiles[0]);
    const newUrl = tileUrl(newDoc, sample);
    expect((await get(newUrl)).headers['x-cache']).toBe('MISS');
    expect((await get(newUrl)).headers['cache-control']).toContain('immutable');
    expect((await get(oldUrl)).headers['x-cache']).toBe('HIT');
  });
});

describe('when the API is down', () => {
  it('serves cached tiles stale, fails uncached ones fast with a clear 503, and refreshes after recovery', async () => {
    const cached = [freshTile(), freshTile(), freshTile()];
    for (const path of cached) await get(path);
    await sleep(2500); // every cached copy is now past its TTL
    await api.process.stop();

    for (const path of cached) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers['x-cache']).toBe('STALE');
    }
    const started = performance.now();
    const uncached = await get(freshTile());
    expect(performance.now() - started).toBeLessThan(2000);
    expect(uncached.status).toBe(503);
    expect(uncached.json()).toMatchObject({
      error: 'unavailable',
      message: expect.stringContaining('unavailable'),
    });

    api = await startApi(env(), api.port);
    await sleep(2500); // the probe marks the backend healthy again
    const before = await apiTileRequests(api.url);
    const path = cached[0] ?? '';
    await get(path); // stale hit, triggers the refresh
    await sleep(300);
    expect((await apiTileRequests(api.url)) - before).toBe(1);
    const refreshed = await get(path);
    expect(refreshed.headers['x-cache']).toBe('HIT');
    expect(Number(refreshed.headers.age)).toBeLessThan(2);
  });
});
