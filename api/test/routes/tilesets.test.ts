import { setTimeout as sleep } from 'node:timers/promises';
import { decodeTile, httpGet } from '@tilestack/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Metrics } from '../../src/plugins/metrics.js';
import { MbtilesSource } from '../../src/sources/mbtiles/mbtiles-source.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { CITY_TILE, OSM, STORES, sampleDataDir } from '../support/sample-data.js';

const { z, x, y } = CITY_TILE;
let api: LocalApi;
const tileUrl = (path = `${z}/${x}/${y}`, tileset = OSM) => `${api.url}/maps/tileset/${tileset}/${path}`;
const gzipTile = (headers: Record<string, string> = {}, method = 'GET') =>
  httpGet(tileUrl(), { 'accept-encoding': 'gzip, deflate, br', ...headers }, method);

const dataDir = sampleDataDir();
beforeAll(async () => {
  api = await startLocalApi({ DATA_DIR: dataDir });
});
afterAll(() => api.close());

describe('GET /maps/tileset/:tileset/:z/:x/:y', () => {
  it('returns shareable gzip MVT of building polygons, an identity body to others, and HEAD without a body', async () => {
    const res = await gzipTile();
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/vnd.mapbox-vector-tile',
      'content-encoding': 'gzip',
      'access-control-allow-origin': '*',
      // An API of public data needs few security headers; CORP lets maps on other sites load tiles.
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'cross-origin',
      'cache-control': expect.stringMatching(
        /^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/,
      ),
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    const layer = decodeTile(res.body).layers.default;
    expect(layer?.length).toBeGreaterThan(50);
    expect(layer?.feature(0)).toMatchObject({ type: 3, properties: { height: expect.any(Number) } });
    const identity = await httpGet(tileUrl(), { 'accept-encoding': 'identity' });
    expect(identity.headers).toMatchObject({ vary: 'Accept-Encoding', 'content-length': expect.any(String) });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers.etag).not.toBe(res.headers.etag);
    expect(decodeTile(identity.body).layers.default?.length).toBe(layer?.length);
    const head = await gzipTile({}, 'HEAD');
    expect(head).toMatchObject({ status: 200, body: Buffer.alloc(0), headers: { etag: res.headers.etag } });
  });

  it('answers 204 with caching headers for a tile without a row', async () => {
    const res = await httpGet(tileUrl('14/0/0'));
    expect(res).toMatchObject({ status: 204, body: Buffer.alloc(0) });
    expect(res.headers['cache-control']).toContain('s-maxage=');
  });

  it.each([
    ['if-none-match', 'ETAG', 304],
    ['if-none-match', '"other", W/ETAG', 304],
    ['if-none-match', '*', 304],
    ['if-none-match', '"nope"', 200],
    ['if-match', '"nope"', 412], // RFC 9110 §13.1.1
    ['if-match', 'ETAG', 200],
    ['if-match', '*', 200],
  ])('%s: %s → %i', async (header, tags, status) => {
    const etag = String((await gzipTile()).headers.etag);
    const res = await gzipTile({ [header]: tags.replace('ETAG', etag) });
    expect(res.status).toBe(status);
    if (status === 304) expect(res).toMatchObject({ body: Buffer.alloc(0), headers: { etag } });
    if (status === 304) expect(res.headers['content-encoding']).toBeUndefined();
    if (status === 412)
      expect(res.json()).toEqual({ error: 'precondition_failed', message: expect.any(String) });
    if (status === 412) expect(res.headers['cache-control']).toBe('no-store');
  });

  it('marks tiles requested with the current data version as immutable', async () => {
    const template = (await httpGet(`${api.url}/maps/tileset/${OSM}`)).json().tiles[0] as string;
    const current = await httpGet(template.replace('{z}/{x}/{y}', `${z}/${x}/${y}`));
    expect(current.headers['cache-control']).toContain('immutable');
    const stale = await httpGet(`${tileUrl()}?v=old-version`);
    expect(stale.status).toBe(200);
    expect(stale.headers['cache-control']).not.toContain('immutable');
  });

  it.each([
    'a/0/0',
    '1/0.5/0',
    '1/-1/0',
    '1/2/0', // x ≥ 2^z
    '1/0/2',
    '25/0/0', // z > 24
    '0/0/1e3',
    '1/0x1/0',
    '1/%200/0',
    '99999999999/0/0',
  ])('answers 400 with a JSON error for %s', async (path) => {
    const res = await httpGet(tileUrl(path));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.any(String) });
  });

  it.each(['carto-demo-data.demo_tilesets.nope', '..%2F..%2Fetc%2Fpasswd', 'a.b.c'])(
    'answers 404 for %s (tiles and TileJSON) without hinting at other files',
    async (tileset) => {
      const res = await httpGet(tileUrl('0/0/0', tileset));
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', message: expect.stringMatching(/was not found$/) });
      expect((await httpGet(`${api.url}/maps/tileset/${tileset}`)).status).toBe(404);
    },
  );
});

describe('coalescing', () => {
  it.each([
    ['tile', 'getTile', `/maps/tileset/${OSM}/${z}/${x}/${y}`],
    ['table', 'getTable', `/maps/table/${STORES}?geomField=geom`],
  ] as const)('serves identical concurrent %s requests with one source call', async (kind, method, path) => {
    const source = new MbtilesSource(dataDir, 300, new Metrics('mbtiles'));
    Object.assign(source, { tileNow: undefined }); // only awaited reads are coalesced
    const read = source[method].bind(source) as (...args: unknown[]) => Promise<unknown>;
    const spy = vi.spyOn(source, method).mockImplementation((async (...args: unknown[]) => {
      await sleep(200); // an upstream like BigQuery takes hundreds of ms
      return read(...args);
    }) as never);
    const slow = await startLocalApi({ DATA_DIR: dataDir }, source);
    try {
      const responses = await Promise.all(Array.from({ length: 10 }, () => httpGet(`${slow.url}${path}`)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(new Set(responses.map((r) => r.headers.etag)).size).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(await slow.metrics.registry.metrics()).toContain(
        `tilestack_coalesced_requests_total{kind="${kind}"} 9`,
      );
    } finally {
      await slow.close();
    }
  });
});

describe('GET /maps/tileset/:tileset (TileJSON)', () => {
  it('describes the tileset with an absolute, versioned tiles URL', async () => {
    const doc = (await httpGet(`${api.url}/maps/tileset/${OSM}`)).json();
    expect(doc).toMatchObject({
      tilejson: '3.0.0',
      minzoom: 0,
      maxzoom: 16,
      bounds: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)],
      center: [expect.any(Number), expect.any(Number), expect.any(Number)],
      vector_layers: [expect.objectContaining({ id: 'default' })],
      attribution: 'tilestack sample data (synthetic)',
    });
    expect(doc.tiles[0]).toMatch(
      new RegExp(`^${api.url}/maps/tileset/${OSM}/\\{z\\}/\\{x\\}/\\{y\\}\\?v=[\\w-]+$`),
    );
  });

  it('builds the tiles URL from the Host header, never from X-Forwarded-Host; a bad Host is 400', async () => {
    const res = await httpGet(`${api.url}/maps/tileset/${OSM}`, {
      host: 'tiles.example.com:8080',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https', // not trusted: TRUST_PROXY is off by default
    });
    expect(res.json().tiles[0]).toMatch(/^http:\/\/tiles\.example\.com:8080\/maps\/tileset\//);
    for (const host of ['evil.example/x', 'a b', '<x>', 'a:b:c'])
      expect((await httpGet(`${api.url}/maps/tileset/${OSM}`, { host })).json().error).toBe('bad_request');
  });

  it('uses PUBLIC_BASE_URL when configured', async () => {
    const other = await startLocalApi({ DATA_DIR: dataDir, PUBLIC_BASE_URL: 'https://maps.example.org/' });
    try {
      const res = await httpGet(`${other.url}/maps/tileset/${OSM}`);
      expect(res.json().tiles[0]).toMatch(/^https:\/\/maps\.example\.org\/maps\/tileset\//);
    } finally {
      await other.close();
    }
  });
});
