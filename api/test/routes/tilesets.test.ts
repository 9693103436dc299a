import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MbtilesSource } from '../../src/sources/mbtiles/mbtiles-source.js';
import { noopObserver } from '../../src/sources/types.js';
import { httpGet } from '../support/http.js';
import { counterValue, type LocalApi, startLocalApi } from '../support/local-api.js';
import { decodeTile } from '../support/mvt.js';
import { CITY_TILE, OSM, sampleDataDir } from '../support/sample-data.js';
import { slowSource } from '../support/slow-source.js';

const { z, x, y } = CITY_TILE;
let api: LocalApi;
const tileUrl = (path = `${z}/${x}/${y}`, tileset = OSM) => `${api.url}/maps/tileset/${tileset}/${path}`;

beforeAll(async () => {
  api = await startLocalApi({ DATA_DIR: sampleDataDir() });
});
afterAll(() => api.close());

describe('GET /maps/tileset/:tileset/:z/:x/:y', () => {
  it('returns gzip MVT bytes that decode into building polygons', async () => {
    const res = await httpGet(tileUrl(), { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const layer = decodeTile(res.body).layers.default;
    expect(layer).toBeDefined();
    expect(layer?.length).toBeGreaterThan(50);
    const feature = layer?.feature(0);
    expect(feature?.type).toBe(3); // polygon
    expect(feature?.properties).toMatchObject({ height: expect.any(Number), type: expect.any(String) });
  });

  it('answers 204 with caching headers for a tile without a row', async () => {
    const res = await httpGet(tileUrl('14/0/0'));
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(res.headers['cache-control']).toContain('s-maxage=');
  });

  it('sends an identity body to clients that do not accept gzip', async () => {
    const res = await httpGet(tileUrl(), { 'accept-encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toContain('Accept-Encoding');
    expect(decodeTile(res.body).layers.default?.length).toBeGreaterThan(50);
    const gzipped = await httpGet(tileUrl(), { 'accept-encoding': 'gzip' });
    expect(res.headers.etag).not.toBe(gzipped.headers.etag);
  });

  it('sets a shareable Cache-Control with stale windows and never private or Set-Cookie', async () => {
    const res = await httpGet(tileUrl(), { 'accept-encoding': 'gzip' });
    expect(res.headers['cache-control']).toMatch(
      /^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=\d+, stale-if-error=\d+$/,
    );
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 304 to If-None-Match with the ETag (no body, no Content-Encoding)', async () => {
    const first = await httpGet(tileUrl(), { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    for (const tags of [etag, `"other", W/${etag}`, '*']) {
      const second = await httpGet(tileUrl(), { 'accept-encoding': 'gzip', 'if-none-match': tags });
      expect(second.status).toBe(304);
      expect(second.body.length).toBe(0);
      expect(second.headers['content-encoding']).toBeUndefined();
      expect(second.headers.etag).toBe(etag);
    }
    const other = await httpGet(tileUrl(), { 'accept-encoding': 'gzip', 'if-none-match': '"nope"' });
    expect(other.status).toBe(200);
  });

  it('answers 412 when If-Match does not list the current ETag (RFC 9110 §13.1.1)', async () => {
    const { etag } = (await httpGet(tileUrl(), { 'accept-encoding': 'gzip' })).headers;
    const failed = await httpGet(tileUrl(), { 'accept-encoding': 'gzip', 'if-match': '"nope"' });
    expect(failed.status).toBe(412);
    expect(failed.json()).toEqual({ error: 'precondition_failed', message: expect.any(String) });
    expect(failed.headers['cache-control']).toBe('no-store');
    for (const tags of [String(etag), '*'])
      expect((await httpGet(tileUrl(), { 'accept-encoding': 'gzip', 'if-match': tags })).status).toBe(200);
  });

  it('marks tiles requested with the current data version as immutable', async () => {
    const tilejson = await httpGet(`${api.url}/maps/tileset/${OSM}`);
    const template = tilejson.json().tiles[0] as string;
    const url = template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
    const current = await httpGet(url, { 'accept-encoding': 'gzip' });
    expect(current.headers['cache-control']).toContain('immutable');
    const stale = await httpGet(`${tileUrl()}?v=old-version`, { 'accept-encoding': 'gzip' });
    expect(stale.status).toBe(200);
    expect(stale.headers['cache-control']).not.toContain('immutable');
  });

  it.each([
    ['a/0/0', 'not integers'],
    ['1/0.5/0', 'decimal'],
    ['1/-1/0', 'negative'],
    ['1/2/0', 'x >= 2^z'],
    ['1/0/2', 'y >= 2^z'],
    ['25/0/0', 'z > 24'],
    ['0/0/1e3', 'exponent'],
    ['1/0x1/0', 'hex'],
    ['1/%200/0', 'space'],
    ['99999999999/0/0', 'huge z'],
  ])('answers 400 with a JSON error for %s (%s)', async (path) => {
    const res = await httpGet(tileUrl(path));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.any(String) });
  });

  it('answers 404 for unknown tilesets (tiles and TileJSON) without hinting at other files', async () => {
    for (const tileset of ['carto-demo-data.demo_tilesets.nope', '..%2F..%2Fetc%2Fpasswd', 'a.b.c']) {
      const res = await httpGet(tileUrl('0/0/0', tileset));
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', message: expect.stringMatching(/was not found$/) });
      expect((await httpGet(`${api.url}/maps/tileset/${tileset}`)).status).toBe(404);
    }
  });

  it('coalesces identical concurrent requests into one source call', async () => {
    const dataDir = sampleDataDir();
    const { source, calls } = slowSource(new MbtilesSource(dataDir, 300, noopObserver), 200);
    const slow = await startLocalApi({ DATA_DIR: dataDir }, source);
    try {
      const url = `${slow.url}/maps/tileset/${OSM}/${z}/${x}/${y}`;
      const responses = await Promise.all(Array.from({ length: 20 }, () => httpGet(url)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(responses.map((r) => r.headers.etag)).size).toBe(1);
      expect(calls.tile).toBe(1);
      expect(await counterValue(slow.metrics, 'tilestack_coalesced_requests_total', { kind: 'tile' })).toBe(
        19,
      );
    } finally {
      await slow.close();
    }
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await httpGet(tileUrl(), { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
  });
});

describe('GET /maps/tileset/:tileset (TileJSON)', () => {
  it('describes the tileset with an absolute, versioned tiles URL', async () => {
    const res = await httpGet(`${api.url}/maps/tileset/${OSM}`);
    expect(res.status).toBe(200);
    const doc = res.json();
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
    const other = await startLocalApi({
      DATA_DIR: sampleDataDir(),
      PUBLIC_BASE_URL: 'https://maps.example.org/',
    });
    try {
      const res = await httpGet(`${other.url}/maps/tileset/${OSM}`);
      expect(res.json().tiles[0]).toMatch(/^https:\/\/maps\.example\.org\/maps\/tileset\//);
    } finally {
      await other.close();
    }
  });
});
