import { cartoPartition, type PartitionParams, type TableRef, zoomPartitionRange } from '@tilestack/bigquery';
import { usageError } from './errors.js';

export type Bbox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface TileRange {
  z: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

const MAX_LAT = 85.0511287798066;

export function parseBbox(value: unknown): Bbox {
  const parts = String(value ?? '').split(',');
  const [w = 0, s = 0, e = 0, n = 0] = parts.map(Number);
  if (parts.length !== 4 || ![w, s, e, n].every(Number.isFinite))
    throw usageError('--bbox must be minLon,minLat,maxLon,maxLat');
  if (w >= e || s >= n || Math.abs(w) > 180 || Math.abs(e) > 180 || Math.abs(s) > 90 || Math.abs(n) > 90)
    throw usageError(`--bbox ${value}: need -180 ≤ minLon < maxLon ≤ 180 and -90 ≤ minLat < maxLat ≤ 90`);
  return [w, s, e, n];
}

export function intersectBbox(bbox: Bbox, bounds: Bbox): Bbox | null {
  const [w, s] = [Math.max(bbox[0], bounds[0]), Math.max(bbox[1], bounds[1])];
  const [e, n] = [Math.min(bbox[2], bounds[2]), Math.min(bbox[3], bounds[3])];
  return w > e || s > n ? null : [w, s, e, n];
}

/** The XYZ tiles covering `bbox` at zoom `z` (Web Mercator; latitudes clamped to its limits). */
export function bboxTileRange(bbox: Bbox, z: number): TileRange {
  const n = 2 ** z;
  const clampTile = (v: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));
  const x = (lon: number) => clampTile(((lon + 180) / 360) * n);
  const y = (lat: number) => {
    const r = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
    return clampTile(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  return { z, xmin: x(bbox[0]), xmax: x(bbox[2]), ymin: y(bbox[3]), ymax: y(bbox[1]) };
}

/** Above this many tiles per zoom, the zoom's whole partition range is used instead of one per tile. */
const PER_TILE_LIMIT = 250_000;

/**
 * The carto_partition values holding the tiles of `range`: computed per tile (the API's formula)
 * for ranges of reasonable size, else the zoom's whole partition range (still a fraction of the table).
 */
export function partitionsOf(range: TileRange, p: PartitionParams): number[] {
  if ((range.xmax - range.xmin + 1) * (range.ymax - range.ymin + 1) > PER_TILE_LIMIT) {
    const zoom = zoomPartitionRange(p, range.z);
    return zoom ? Array.from({ length: zoom.max - zoom.min + 1 }, (_, i) => zoom.min + i) : [];
  }
  const partitions = new Set<number>();
  for (let x = range.xmin; x <= range.xmax; x++)
    for (let y = range.ymin; y <= range.ymax; y++) partitions.add(cartoPartition(p, range.z, x, y));
  return [...partitions].filter((n) => n > 0).sort((a, b) => a - b);
}

/** One query per zoom: the bbox's tiles, in the partitions they map to (the API's partition formula). */
export function zoomQueries(
  tileset: TableRef,
  area: Bbox,
  minZoom: number,
  topZoom: number,
  p: PartitionParams | null,
) {
  const queries: { sql: string; params: Record<string, number | number[]> }[] = [];
  for (let z = minZoom; z <= topZoom; z++) {
    const range = bboxTileRange(area, z);
    // Tiles outside the tileset's partition box have no partition (0): a zoom with none is skipped.
    const partitions = p ? partitionsOf(range, p) : [];
    if (p && partitions.length === 0) continue;
    const { xmin, xmax, ymin, ymax } = range;
    queries.push({
      sql: `SELECT z, x, y, data FROM ${tileset.sql} WHERE ${p ? 'carto_partition IN UNNEST(@partitions) AND ' : ''}z = @z AND x BETWEEN @xmin AND @xmax AND y BETWEEN @ymin AND @ymax`,
      params: { ...(p ? { partitions } : {}), z, xmin, xmax, ymin, ymax },
    });
  }
  return queries;
}
