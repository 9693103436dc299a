import type { TableRef } from './identifiers.js';
import { isRecord, type PartitionParams, parseJson, parsePartitionParams } from './partition.js';
import { MAX_ZOOM } from './zoom.js';

type Bounds = [west: number, south: number, east: number, north: number];

/** The metadata row: `z = -1` in the NULL partition, so BigQuery prunes to that partition. */
export function metadataSql(table: TableRef): string {
  return `SELECT data FROM ${table.sql} WHERE z = -1 AND carto_partition IS NULL LIMIT 1`;
}

/** TileJSON defaults for what a tileset's metadata leaves out. */
const WORLD: Bounds = [-180, -85.051129, 180, 85.051129];
const DEFAULT_MINZOOM = 0;

/**
 * The metadata row's `data` cell (BYTES arrive base64-encoded, STRING as text) as its partition
 * parameters and TileJSON facts; null when it is not a JSON object.
 */
export function readTilesetMetadata(cell: unknown, columnType: string | undefined, name: string) {
  const text =
    columnType === 'BYTES' && typeof cell === 'string' ? Buffer.from(cell, 'base64').toString() : cell;
  const metadata = typeof text === 'string' ? parseJson(text) : undefined;
  if (!isRecord(metadata)) return null;
  const partition = parsePartitionParams(metadata);
  return { partition, description: describeTileset(metadata, name, partition) };
}

/**
 * TileJSON facts (name, description, attribution, zooms, bounds, [lon, lat, zoom] center, vector
 * layers) from CARTO tileset metadata. CARTO writes `bounds` and `center` either as arrays
 * or as comma-separated strings ("-180,-85,180,85"); both are accepted. Missing or invalid values
 * fall back to the partition parameters, then to TileJSON's defaults, so a slightly odd tileset
 * still serves.
 */
export function describeTileset(
  metadata: Record<string, unknown>,
  name: string,
  partition: PartitionParams | null,
) {
  const minzoom = zoom(metadata.minzoom) ?? partition?.zmin ?? DEFAULT_MINZOOM;
  const maxzoom = Math.max(minzoom, zoom(metadata.maxzoom) ?? partition?.zmax ?? MAX_ZOOM);
  const bounds = parseBounds(metadata.bounds) ?? WORLD;
  const [lon = (bounds[0] + bounds[2]) / 2, lat = (bounds[1] + bounds[3]) / 2, centerZoom = minzoom] =
    parseNumbers(metadata.center) ?? [];
  return {
    name,
    ...optional('description', text(metadata.description)),
    ...optional('attribution', text(metadata.attribution)),
    minzoom,
    maxzoom,
    bounds,
    center: [lon, lat, Math.min(maxzoom, Math.max(minzoom, Math.round(centerZoom)))] as [
      number,
      number,
      number,
    ],
    vector_layers: parseVectorLayers(metadata.vector_layers ?? jsonField(metadata.json)),
  };
}

function parseBounds(value: unknown): Bounds | null {
  const numbers = parseNumbers(value);
  if (numbers?.length !== 4) return null;
  const [west = 0, south = 0, east = 0, north = 0] = numbers;
  const valid =
    [west, east].every((v) => Math.abs(v) <= 180) && [south, north].every((v) => Math.abs(v) <= 90);
  return valid && south <= north ? [west, south, east, north] : null;
}

/** An array of numbers, or a comma-separated string of them; null for anything else. */
function parseNumbers(value: unknown): number[] | null {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(items) || items.length === 0) return null;
  const numbers = items.map((item) => (typeof item === 'string' && item !== '' ? Number(item) : item));
  return numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) ? (numbers as number[]) : null;
}

function parseVectorLayers(value: unknown) {
  const layers = parseJson(value);
  if (!Array.isArray(layers)) return [];
  return layers.filter(isRecord).flatMap((layer) => {
    if (typeof layer.id !== 'string' || layer.id === '') return [];
    const fields = isRecord(layer.fields)
      ? Object.fromEntries(Object.entries(layer.fields).map(([k, v]) => [k, String(v)]))
      : {};
    const { minzoom, maxzoom, description } = layer;
    return [
      {
        id: layer.id,
        fields,
        ...optional('minzoom', zoom(minzoom)),
        ...optional('maxzoom', zoom(maxzoom)),
        ...optional('description', typeof description === 'string' ? description : undefined),
      },
    ];
  });
}

function zoom(value: unknown): number | undefined {
  const n = typeof value === 'string' && value !== '' ? Number(value) : value;
  return Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_ZOOM ? (n as number) : undefined;
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** MBTiles-style metadata nests `vector_layers` in a `json` string. */
function jsonField(value: unknown): unknown {
  const parsed = parseJson(value);
  return isRecord(parsed) ? parsed.vector_layers : undefined;
}
