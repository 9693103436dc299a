import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { brief, get, type HttpResponse } from './http.js';
import type { SmokeOptions } from './options.js';
import { centerTile, type TileJson, tileUrl } from './tiles.js';

type Status = 'pass' | 'fail' | 'skip';
export type CheckResult = { name: string; status: Status; message: string; durationMs: number };
export type SmokeReport = { baseUrl: string; ok: boolean; durationMs: number; checks: CheckResult[] };

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function parsed<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
}

const json = <T>(res: HttpResponse, what: string): Partial<T> | undefined =>
  parsed(`${what} is not JSON (${brief(res)})`, () => JSON.parse(res.body.toString('utf8')));
/** Tiles may be stored gzipped and served without Content-Encoding. */
const gunzipped = (bytes: Buffer) => (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const expect200 = (res: HttpResponse, what: string) =>
  expect(res.status === 200, `${what}: expected 200, got ${brief(res)}`);

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const base = options.baseUrl;
  const started = performance.now();
  const checks: CheckResult[] = [];
  let tileJson = {} as TileJson;
  let tile = '';

  /** Runs `body` unless the check it `needs` did not pass; `body` returns the message of a pass. */
  async function check(name: string, needs: string | undefined, body: () => Promise<string>): Promise<void> {
    const t0 = performance.now();
    const result: Pick<CheckResult, 'status' | 'message'> =
      needs && checks.find((c) => c.name === needs)?.status !== 'pass'
        ? { status: 'skip', message: `skipped: needs a passing ${needs} check` }
        : await body().then(
            (message) => ({ status: 'pass', message }),
            (error) => ({ status: 'fail', message: String(error?.message ?? error) }),
          );
    checks.push({ name, ...result, durationMs: Math.round(performance.now() - t0) });
  }

  await check('tilejson', undefined, async () => {
    const url = `${base}/maps/tileset/${encodeURIComponent(options.tileset)}`;
    const res = await get(url, options, { accept: 'application/json' });
    expect200(res, `GET ${url}`);
    const doc = json<TileJson>(res, 'TileJSON') ?? {};
    const { tiles, minzoom, maxzoom } = doc;
    const problems = [
      !/\{z\}.*\{x\}.*\{y\}/.test(String(tiles?.[0])) && 'no "tiles" URL template with {z}/{x}/{y}',
      !(Number.isInteger(minzoom) && Number.isInteger(maxzoom)) && '"minzoom"/"maxzoom" missing',
      Number(minzoom) > Number(maxzoom) && `minzoom ${minzoom} > maxzoom ${maxzoom}`,
    ].filter(Boolean);
    expect(problems.length === 0, `TileJSON of ${options.tileset}: ${problems.join('; ')}`);
    tileJson = doc as TileJson;
    return `${options.tileset}: zoom ${minzoom}-${maxzoom} (${brief(res)})`;
  });

  await check('tile', 'tilejson', async () => {
    const { z, x, y } = options.tile ?? centerTile(tileJson);
    const { minzoom, maxzoom } = tileJson;
    const id = `${z}/${x}/${y}`;
    expect(z >= minzoom && z <= maxzoom, `${id} is outside the tileset's zoom range ${minzoom}-${maxzoom}`);
    tile = tileUrl(tileJson, { z, x, y }, base);
    const res = await get(tile, options, { 'accept-encoding': 'gzip' });
    expect(res.status !== 204, `${id} is empty (204): pass --tile z/x/y with a tile that holds data`);
    expect200(res, `GET ${tile}`);
    const type = res.headers.get('content-type') ?? '';
    expect(type.includes('vnd.mapbox-vector-tile'), `${id}: Content-Type "${type}" is not a vector tile's`);
    const layers = parsed(`${id} does not decode as a Mapbox Vector Tile`, () =>
      Object.values(new VectorTile(new PbfReader(gunzipped(res.body))).layers),
    );
    const features = layers.reduce((sum, layer) => sum + layer.length, 0);
    expect(features > 0, `${id} decodes but holds no feature`);
    return `${id}: ${layers.length} layer(s), ${features} features, ${kb(res.body.length)} (${brief(res)})`;
  });

  await check('cache-hit', 'tile', async () => {
    const res = await get(tile, options, { 'accept-encoding': 'gzip' });
    expect200(res, 'second GET of the tile');
    const cache = res.headers.get('x-cache');
    expect(cache, 'no X-Cache header: the base URL does not reach the Varnish cache');
    expect(cache === 'HIT', `second request of the tile was not served from the cache (X-Cache: ${cache})`);
    return `second request of the tile: X-Cache: HIT, Age: ${res.headers.get('age') ?? '?'} (${res.ms} ms)`;
  });

  await check('geojson', undefined, async () => {
    const query = new URLSearchParams({ geomField: options.geomField, format: 'geojson' });
    const url = `${base}/maps/table/${encodeURIComponent(options.table)}?${query}`;
    const res = await get(url, options, { 'accept-encoding': 'gzip' });
    expect200(res, `GET ${url}`);
    const doc = json<{ type: string; features: { geometry?: unknown }[] }>(res, 'the table');
    const what = `table ${options.table}`;
    expect(doc?.type === 'FeatureCollection', `${what}: not a FeatureCollection`);
    expect(Array.isArray(doc.features) && doc.features.length > 0, `${what}: no feature`);
    const withGeometry = doc.features.filter((f) => f.geometry).length;
    expect(withGeometry > 0, `${what}: no feature has a geometry in "${options.geomField}"`);
    return `${options.table}: ${doc.features.length} features, ${kb(res.body.length)} (${brief(res)})`;
  });

  await check('readyz', undefined, async () => {
    const res = await get(`${base}/readyz`, options);
    const body = res.body.toString('utf8').slice(0, 200);
    expect(res.status === 200, `GET /readyz through the cache: expected 200, got ${brief(res)} ${body}`);
    expect(res.headers.get('x-cache') !== 'HIT', '/readyz was answered from the cache: it must never be');
    return `ready: ${body} (${brief(res)})`;
  });

  const durationMs = Math.round(performance.now() - started);
  return { baseUrl: base, ok: checks.every((c) => c.status === 'pass'), durationMs, checks };
}
