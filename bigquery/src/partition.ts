// The `carto_partition` of a tile in a CARTO BigQuery tileset, computed the way CARTO's tiler assigns it,
// so a tile query can prune to the one partition that holds the tile.
import { gilbertIndex } from './gilbert.js';
// MAX_ZOOM ≤ 26 keeps every box within 2^26 × 2^26 tiles, so curve positions (< w·h ≤ 2^52) are exact
// doubles and tile coordinates fit the 32-bit `>>` the spec uses.
import { MAX_ZOOM } from './zoom.js';

/** metadata.carto_partition: N partitions over zooms zmin..zmax (every zstep), box in tile coordinates at zmax. */
export interface PartitionParams {
  partitions: number;
  zmin: number;
  zmax: number;
  zstep?: number;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

const MAX_PARTITIONS = 4000;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string parsed as JSON (undefined when it is not JSON); anything else as it is. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const isIntegerIn = (value: unknown, min: number, max: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

// CARTO's readers split this form: `zmin_zmax_xmin_xmax_ymin_ymax_partitions_zstep` (visgl/deck.gl's
// carto module, e.g. '0_12_37_3708_870_2214_3999_1'; zstep may be missing).
const UNDERSCORE_KEYS = ['zmin', 'zmax', 'xmin', 'xmax', 'ymin', 'ymax', 'partitions', 'zstep'];

/** carto_partition in any form CARTO writes or reads: an object, its JSON text, or the underscore string. */
function readObject(value: unknown): Record<string, unknown> | null {
  const parts = typeof value === 'string' ? value.split('_') : [];
  if (parts.length >= 7 && parts.length <= 8)
    return Object.fromEntries(parts.map((v, i) => [UNDERSCORE_KEYS[i], v]));
  const parsed = parseJson(value);
  return isRecord(parsed) ? parsed : null;
}

/** Numbers may come as numeric strings (MBTiles-derived metadata, the underscore form); nothing else converts. */
const numeric = (value: unknown) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** Parses metadata.carto_partition; returns null (with no throw) when absent or invalid. */
export function parsePartitionParams(metadata: unknown): PartitionParams | null {
  if (!isRecord(metadata)) return null;
  const object = readObject(metadata.carto_partition);
  if (!object) return null;
  const raw = Object.fromEntries(Object.entries(object).map(([k, v]) => [k, numeric(v)]));
  const { partitions, zmin, zmax, xmin, xmax, ymin, ymax } = raw;
  const zstep = raw.zstep ?? 1;
  if (!isIntegerIn(partitions, 1, MAX_PARTITIONS)) return null;
  if (!isIntegerIn(zmin, 0, MAX_ZOOM) || !isIntegerIn(zmax, zmin, MAX_ZOOM)) return null;
  if (!isIntegerIn(zstep, 1, Number.MAX_SAFE_INTEGER)) return null;
  const worldEdge = 2 ** zmax - 1;
  if (!isIntegerIn(xmin, 0, worldEdge) || !isIntegerIn(xmax, xmin, worldEdge)) return null;
  if (!isIntegerIn(ymin, 0, worldEdge) || !isIntegerIn(ymax, ymin, worldEdge)) return null;
  return { partitions, zmin, zmax, zstep, xmin, xmax, ymin, ymax };
}

/**
 * The real-valued [start, end) slice of [0, N] owned by shifted level `level` (0 = zmin) when the top level is `top`.
 * Level 0 owns [0, N/4^top); level l ≥ 1 owns [N/4^(top-l+1), N/4^(top-l)), i.e. size 3N/4^(top-l+1).
 * With zstep > 1 only grid levels exist, and grid level l also owns the skipped levels l-zstep+1 .. l-1
 * just below it, so its slice starts where level l-zstep+1's would. Sizes are summed level by level, in
 * CARTO's order, so the floats match CARTO's. Every term is 3N over a power of 4 and N < 2^12, so a sum
 * needs at most 14 + 2·(zstep - 1) significant bits: exact for any zstep ≤ 20.
 */
function levelSlice(partitions: number, top: number, level: number, zstep: number) {
  if (level === 0) return { start: 0, end: (4 * partitions) / 4 ** (top + 1) };
  const lowest = level - zstep + 1;
  const start = partitions / 4 ** (top - lowest + 1);
  let size = 0;
  for (let l = lowest; l <= level; l++) size += (3 * partitions) / 4 ** (top - l + 1);
  return { start, end: start + size };
}

/** The [min, max] partition range of zoom level z, or null when z has no range (off the zstep grid / outside [zmin,zmax]). */
export function zoomPartitionRange(p: PartitionParams, z: number): { min: number; max: number } | null {
  const zstep = p.zstep ?? 1;
  if (!Number.isInteger(z) || z < p.zmin || z > p.zmax || (z - p.zmin) % zstep !== 0) return null;
  const span = p.zmax - p.zmin;
  const top = span - (span % zstep);
  const { start, end } = levelSlice(p.partitions, top, z - p.zmin, zstep);
  // Rounding (not flooring) the start gives lower levels a little more room; start ≥ 0, so Math.round's
  // half-up equals SQL ROUND's half-away-from-zero. Partitions are 1-based, hence the + 1.
  const first = Math.round(start);
  return { min: first + 1, max: Math.min(p.partitions, Math.max(Math.floor(end), first) + 1) };
}

/** The carto_partition of tile (z,x,y) in XYZ scheme. */
export function cartoPartition(p: PartitionParams, z: number, x: number, y: number): number {
  if (![z, x, y].every(Number.isInteger) || z < p.zmin || z > p.zmax) return 0;
  const shift = p.zmax - z;
  const [xmin, xmax, ymin, ymax] = [p.xmin >> shift, p.xmax >> shift, p.ymin >> shift, p.ymax >> shift];
  if (x < xmin || x > xmax || y < ymin || y > ymax) return 0;
  const range = zoomPartitionRange(p, z);
  if (!range) return 0;
  const usable = range.max - range.min + 1;
  if (usable === 1) return range.min;
  const [w, h] = [xmax - xmin + 1, ymax - ymin + 1];
  const position = gilbertIndex(w, h, x - xmin, y - ymin);
  return range.min + Math.floor((usable * position) / (w * h));
}
