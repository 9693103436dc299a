import { cartoPartition, type PartitionParams, zoomPartitionRange } from '@tilestack/bigquery';

export type Bbox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface TileRange {
  z: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

const MAX_LAT = 85.0511287798066;

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

/** `range` narrowed to the tileset's partition box at that zoom (no tile exists outside it), or null. */
export function clipToPartitionBox(range: TileRange, p: PartitionParams): TileRange | null {
  const shift = p.zmax - range.z;
  if (shift < 0) return range;
  const clipped = {
    z: range.z,
    xmin: Math.max(range.xmin, p.xmin >> shift),
    xmax: Math.min(range.xmax, p.xmax >> shift),
    ymin: Math.max(range.ymin, p.ymin >> shift),
    ymax: Math.min(range.ymax, p.ymax >> shift),
  };
  return clipped.xmin > clipped.xmax || clipped.ymin > clipped.ymax ? null : clipped;
}

/** Above this many tiles per zoom, the zoom's whole partition range is used instead of one per tile. */
const PER_TILE_LIMIT = 250_000;

/**
 * The carto_partition values holding the tiles of `range`: computed per tile (the API's formula)
 * for ranges of reasonable size, else the zoom's whole partition range (still a fraction of the table).
 */
export function partitionsOf(range: TileRange, p: PartitionParams): number[] {
  const count = (range.xmax - range.xmin + 1) * (range.ymax - range.ymin + 1);
  if (count > PER_TILE_LIMIT) {
    const zoom = zoomPartitionRange(p, range.z);
    if (!zoom) return [];
    return Array.from({ length: zoom.max - zoom.min + 1 }, (_, i) => zoom.min + i);
  }
  const partitions = new Set<number>();
  for (let x = range.xmin; x <= range.xmax; x++) {
    for (let y = range.ymin; y <= range.ymax; y++) {
      const partition = cartoPartition(p, range.z, x, y);
      if (partition > 0) partitions.add(partition);
    }
  }
  return [...partitions].sort((a, b) => a - b);
}

/** `bbox` ∩ `bounds`, or null when they do not overlap. */
export function intersectBbox(bbox: Bbox, bounds: Bbox): Bbox | null {
  const out: Bbox = [
    Math.max(bbox[0], bounds[0]),
    Math.max(bbox[1], bounds[1]),
    Math.min(bbox[2], bounds[2]),
    Math.min(bbox[3], bounds[3]),
  ];
  return out[0] > out[2] || out[1] > out[3] ? null : out;
}
