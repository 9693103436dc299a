export type TileJson = {
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds?: number[];
  center?: number[];
};
export type TileAddress = { z: number; x: number; y: number };

const MAX_LAT = 85.0511287798066; // Web Mercator's limit: tiles cover ±85.0511°

/** The XYZ tile holding a point at zoom `z`, clamped into the grid. */
export function tileAt(lon: number, lat: number, z: number): TileAddress {
  const n = 2 ** z;
  const rad = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  const cell = (fraction: number) => Math.max(0, Math.min(n - 1, Math.floor(fraction * n)));
  return { z, x: cell((lon + 180) / 360), y: cell((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) };
}

/** Parses `z/x/y`; throws a message fit for the command line. */
export function parseTile(text: string): TileAddress {
  const match = /^(\d{1,2})\/(\d{1,9})\/(\d{1,9})$/.exec(text.trim());
  if (!match) throw new Error(`--tile must look like z/x/y (e.g. 14/8023/6177), got "${text}"`);
  const [z, x, y] = match.slice(1).map(Number) as [number, number, number];
  if (x >= 2 ** z || y >= 2 ** z) throw new Error(`--tile ${text} is outside the zoom ${z} grid`);
  return { z, x, y };
}

/** A tile that should hold data: the TileJSON center (or mid-bounds) at min(maxzoom, 14), ≥ minzoom. */
export function centerTile({ bounds, center, minzoom, maxzoom }: TileJson, preferredZoom = 14): TileAddress {
  const [west = -180, south = -MAX_LAT, east = 180, north = MAX_LAT] = bounds ?? [];
  const z = Math.max(minzoom, Math.min(maxzoom, preferredZoom));
  return tileAt(center?.[0] ?? (west + east) / 2, center?.[1] ?? (south + north) / 2, z);
}

/** The TileJSON's tile URL (with the data-version query clients use) on the base URL's origin. */
export function tileUrl(tileJson: TileJson, tile: TileAddress, baseUrl: string): string {
  const template = tileJson.tiles[0] ?? '';
  const filled = template.replace(/\{([zxy])\}/g, (_, k: 'z' | 'x' | 'y') => String(tile[k]));
  const { pathname, search } = new URL(filled, baseUrl);
  return new URL(`${pathname}${search}`, new URL(baseUrl).origin).href;
}
