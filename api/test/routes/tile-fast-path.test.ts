import { httpGet } from '@tilestack/test-support';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Metrics } from '../../src/plugins/metrics.js';
import { MbtilesSource } from '../../src/sources/mbtiles/mbtiles-source.js';
import { type LocalApi, startLocalApi } from '../support/local-api.js';
import { CITY_TILE, OSM, sampleDataDir } from '../support/sample-data.js';

// Over HTTP, common tile requests take the fast path (http/tile-fast-path.ts); `inject` never does (it
// calls Fastify's handler, not the server's): the same request both ways must get the same answer.
const dataDir = sampleDataDir();
const source = new MbtilesSource(dataDir, 300, new Metrics('mbtiles'));
const getTile = vi.spyOn(source, 'getTile'); // the Fastify route's read; the fast path reads with tileNow
let api: LocalApi;
let version: string;
const { z, x, y } = CITY_TILE;
const city = `/maps/tileset/${OSM}/${z}/${x}/${y}`;
const GZIP = { 'accept-encoding': 'gzip', 'x-request-id': 'same-id' };

beforeAll(async () => {
  api = await startLocalApi({ DATA_DIR: dataDir }, source);
  version = (await httpGet(`${api.url}/maps/tileset/${OSM}`)).json().tiles[0].split('?v=')[1];
});
afterAll(() => api.close());

const IGNORED = new Set(['date', 'connection', 'keep-alive']);
const comparable = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !IGNORED.has(name)));

it.each([
  ['a tile', 'GET', city, {}],
  ['HEAD of a tile', 'HEAD', city, {}],
  ['a tile at the current version (immutable)', 'GET', `${city}?v=VERSION`, {}],
  ['a tile at an old version', 'GET', `${city}?v=old`, {}],
  ['an empty tile (204)', 'GET', `/maps/tileset/${OSM}/14/0/0`, {}],
  ['a trailing slash', 'GET', `${city}/`, {}],
  ['a revalidation (304)', 'GET', city, { 'if-none-match': 'ETAG' }],
  ['a stale validator', 'GET', city, { 'if-none-match': '"old"' }],
])('%s: the fast path answers as the Fastify route does', async (_name, method, path, extra) => {
  const etag = String((await httpGet(`${api.url}${city}`, GZIP)).headers.etag);
  const headers = {
    ...GZIP,
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.replace('ETAG', etag)])),
  };
  const url = path.replace('VERSION', version);
  getTile.mockClear();
  const fast = await httpGet(`${api.url}${url}`, headers, method);
  expect(getTile).not.toHaveBeenCalled();
  const routed = await api.app.inject({ method: method as 'GET', url, headers });
  expect(getTile).toHaveBeenCalledTimes(1);
  expect(fast.status).toBe(routed.statusCode);
  expect(comparable(fast.headers)).toEqual(comparable(routed.headers));
  expect(fast.body.equals(routed.rawPayload)).toBe(true);
});

it('counts fast-path answers and their latency in the request metrics under the tile route', async () => {
  const route = 'route="/maps/tileset/:tileset/:z/:x/:y",method="GET"';
  const read = async () => {
    const lines = (await api.metrics.registry.metrics()).split('\n');
    const value = (name: string) => Number(lines.find((l) => l.startsWith(name))?.split(' ')[1] ?? 0);
    return [
      value(`http_requests_total{${route},status="200"}`),
      value(`http_request_duration_seconds_count{${route}}`),
    ];
  };
  const before = await read();
  await httpGet(`${api.url}${city}`, GZIP);
  expect(await read()).toEqual(before.map((n) => n + 1));
});

it.each([
  ['identity encoding', city, { 'accept-encoding': 'identity' }],
  ['If-Match', city, { ...GZIP, 'if-match': '*' }],
  ['a percent-encoded tileset id', city.replace('osm_buildings', 'osm%5Fbuildings'), GZIP],
  ['another query parameter', `${city}?v=1&x=2`, GZIP],
])('leaves %s to the Fastify route', async (_name, path, headers) => {
  getTile.mockClear();
  expect((await httpGet(`${api.url}${path}`, headers)).status).toBe(200);
  expect(getTile).toHaveBeenCalledTimes(1);
});
