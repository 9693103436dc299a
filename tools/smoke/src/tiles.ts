/** The slice of a TileJSON document the smoke test reads. */
export interface TileJson {
  tilejson?: string;
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds?: [number, number, number, number];
  center?: [number, number, number?];
}

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Web Mercator's latitude limit: tiles cover ±85.0511°. */
const MAX_LAT = 85.0511287798066;

/** The XYZ tile containing a point at zoom `z`. */
export function tileAt(lon: number, lat: number, z: number): TileAddress {
  const n = 2 ** z;
  const clampedLat = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const rad = (clampedLat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x: Math.max(0, Math.min(n - 1, x)), y: Math.max(0, Math.min(n - 1, y)) };
}

/** Parses `z/x/y`; throws a message fit for the command line. */
export function parseTile(text: string): TileAddress {
  const match = /^(\d{1,2})\/(\d{1,9})\/(\d{1,9})$/.exec(text.trim());
  if (!match) throw new Error(`--tile must look like z/x/y (e.g. 14/8023/6177), got "${text}"`);
  const [z, x, y] = match.slice(1).map(Number) as [number, number, number];
  const n = 2 ** z;
  if (z > 30 || x >= n || y >= n) throw new Error(`--tile ${text} is outside the zoom ${z} grid`);
  return { z, x, y };
}

/**
 * A tile that should hold data: the TileJSON center (or the middle of its bounds) at
 * min(maxzoom, 14), kept inside [minzoom, maxzoom].
 */
export function centerTile(tileJson: TileJson, preferredZoom = 14): TileAddress {
  const bounds = tileJson.bounds ?? [-180, -MAX_LAT, 180, MAX_LAT];
  const lon = tileJson.center?.[0] ?? (bounds[0] + bounds[2]) / 2;
  const lat = tileJson.center?.[1] ?? (bounds[1] + bounds[3]) / 2;
  const z = Math.max(tileJson.minzoom, Math.min(tileJson.maxzoom, preferredZoom));
  return tileAt(lon, lat, z);
}

/**
 * The URL of a tile on the server under test: the TileJSON's template (so the data-version
 * query clients use is exercised) with its origin replaced by the base URL's.
 */
export function tileUrl(tileJson: TileJson, tile: TileAddress, baseUrl: string): string {
  const template = tileJson.tiles[0] ?? '';
  const filled = template
    .replace('{z}', String(tile.z))
    .replace('{x}', String(tile.x))
    .replace('{y}', String(tile.y));
  const parsed = new URL(filled, baseUrl);
  return new URL(`${parsed.pathname}${parsed.search}`, new URL(baseUrl).origin).href;
}

/** Checks the fields the smoke test relies on; returns the problems found. */
export function tileJsonProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['the body is not a JSON object'];
  const doc = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!Array.isArray(doc.tiles) || typeof doc.tiles[0] !== 'string') problems.push('no "tiles" URL template');
  else if (!/\{z\}.*\{x\}.*\{y\}/.test(doc.tiles[0])) problems.push('the "tiles" template lacks {z}/{x}/{y}');
  if (typeof doc.minzoom !== 'number' || typeof doc.maxzoom !== 'number') {
    problems.push('"minzoom"/"maxzoom" missing');
  } else if (doc.minzoom > doc.maxzoom) {
    problems.push(`minzoom ${doc.minzoom} > maxzoom ${doc.maxzoom}`);
  }
  return problems;
}
