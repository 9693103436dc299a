import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { brief, get, type HttpOptions, type HttpResponse } from './http.js';
import { centerTile, type TileAddress, type TileJson, tileJsonProblems, tileUrl } from './tiles.js';

export const DEFAULT_TILESET = 'carto-demo-data.demo_tilesets.osm_buildings';
export const DEFAULT_TABLE = 'carto-demo-data.demo_tables.retail_stores';

export interface SmokeOptions extends HttpOptions {
  baseUrl: string;
  tileset: string;
  table: string;
  geomField: string;
  /** A tile known to hold data; default: the TileJSON center at min(maxzoom, 14). */
  tile?: TileAddress;
}

export interface CheckResult {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
  durationMs: number;
}

export interface SmokeReport {
  baseUrl: string;
  ok: boolean;
  durationMs: number;
  checks: CheckResult[];
}

/** A failed expectation: its message is what the operator reads. */
class CheckFailed extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

function json(res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new CheckFailed(`${what} is not JSON (${brief(res)})`);
  }
}

/** Decodes MVT bytes (gzipped or not); returns layer and feature counts. */
export function decodeMvt(bytes: Buffer): { layers: number; features: number } {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const tile = new VectorTile(new PbfReader(raw));
  const layers = Object.values(tile.layers);
  return { layers: layers.length, features: layers.reduce((sum, layer) => sum + layer.length, 0) };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const started = performance.now();
  const checks: CheckResult[] = [];
  const state: { tileJson?: TileJson; tileUrl?: string } = {};

  async function check(name: string, needs: string | undefined, body: () => Promise<string>): Promise<void> {
    const t0 = performance.now();
    if (needs && checks.find((c) => c.name === needs)?.status !== 'pass') {
      checks.push({
        name,
        status: 'skip',
        message: `skipped: needs a passing ${needs} check`,
        durationMs: 0,
      });
      return;
    }
    try {
      const message = await body();
      checks.push({ name, status: 'pass', message, durationMs: Math.round(performance.now() - t0) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      checks.push({ name, status: 'fail', message, durationMs: Math.round(performance.now() - t0) });
    }
  }

  await check('tilejson', undefined, async () => {
    const url = `${base}/maps/tileset/${encodeURIComponent(options.tileset)}`;
    const res = await get(url, options, { accept: 'application/json' });
    expect(res.status === 200, `GET ${url}: expected 200, got ${brief(res)}`);
    const doc = json(res, 'TileJSON');
    const problems = tileJsonProblems(doc);
    expect(problems.length === 0, `TileJSON of ${options.tileset}: ${problems.join('; ')}`);
    state.tileJson = doc as TileJson;
    return `${options.tileset}: zoom ${state.tileJson.minzoom}-${state.tileJson.maxzoom} (${brief(res)})`;
  });

  await check('tile', 'tilejson', async () => {
    const tileJson = state.tileJson as TileJson;
    const tile = options.tile ?? centerTile(tileJson);
    const id = `${tile.z}/${tile.x}/${tile.y}`;
    expect(
      tile.z >= tileJson.minzoom && tile.z <= tileJson.maxzoom,
      `${id} is outside the tileset's zoom range ${tileJson.minzoom}-${tileJson.maxzoom}`,
    );
    state.tileUrl = tileUrl(tileJson, tile, base);
    const res = await get(state.tileUrl, options, { 'accept-encoding': 'gzip' });
    expect(res.status !== 204, `${id} is empty (204): pass --tile z/x/y with a tile that holds data`);
    expect(res.status === 200, `GET ${state.tileUrl}: expected 200, got ${brief(res)}`);
    const type = res.headers.get('content-type') ?? '';
    expect(
      type.includes('vnd.mapbox-vector-tile'),
      `${id}: Content-Type is "${type}", not a Mapbox Vector Tile`,
    );
    let decoded: { layers: number; features: number };
    try {
      decoded = decodeMvt(res.body);
    } catch (error) {
      throw new CheckFailed(`${id} does not decode as a Mapbox Vector Tile: ${(error as Error).message}`);
    }
    expect(decoded.features > 0, `${id} decodes but holds no feature`);
    return `${id}: ${decoded.layers} layer(s), ${decoded.features} features, ${kb(res.body.length)} (${brief(res)})`;
  });

  await check('cache-hit', 'tile', async () => {
    const url = state.tileUrl as string;
    const res = await get(url, options, { 'accept-encoding': 'gzip' });
    expect(res.status === 200, `second GET of the tile: expected 200, got ${brief(res)}`);
    const cache = res.headers.get('x-cache');
    expect(
      cache === 'HIT',
      cache
        ? `second request of the same tile was not served from the cache (X-Cache: ${cache})`
        : 'no X-Cache header: the base URL does not reach the Varnish cache',
    );
    return `second request of the tile: X-Cache: HIT, Age: ${res.headers.get('age') ?? '?'} (${res.ms} ms)`;
  });

  await check('geojson', undefined, async () => {
    const query = new URLSearchParams({ geomField: options.geomField, format: 'geojson' });
    const url = `${base}/maps/table/${encodeURIComponent(options.table)}?${query}`;
    const res = await get(url, options, { 'accept-encoding': 'gzip' });
    expect(res.status === 200, `GET ${url}: expected 200, got ${brief(res)}`);
    const doc = json(res, 'the table') as { type?: string; features?: Array<{ geometry?: unknown }> };
    expect(doc.type === 'FeatureCollection', `table ${options.table}: not a FeatureCollection`);
    expect(Array.isArray(doc.features) && doc.features.length > 0, `table ${options.table}: no feature`);
    const withGeometry = doc.features.filter((f) => f.geometry).length;
    expect(withGeometry > 0, `table ${options.table}: no feature has a geometry in "${options.geomField}"`);
    return `${options.table}: ${doc.features.length} features, ${kb(res.body.length)} (${brief(res)})`;
  });

  await check('readyz', undefined, async () => {
    const res = await get(`${base}/readyz`, options);
    const body = res.body.toString('utf8').slice(0, 200);
    expect(
      res.status === 200,
      `GET ${base}/readyz through the cache: expected 200, got ${brief(res)} ${body}`,
    );
    const cache = res.headers.get('x-cache');
    expect(cache !== 'HIT', '/readyz was answered from the cache: readiness must never be cached');
    return `ready: ${body} (${brief(res)})`;
  });

  return {
    baseUrl: base,
    ok: checks.every((c) => c.status === 'pass'),
    durationMs: Math.round(performance.now() - started),
    checks,
  };
}
