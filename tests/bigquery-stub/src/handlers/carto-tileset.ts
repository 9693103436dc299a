import type { QueryHandler, QueryResult } from '../jobs.js';
import type { StubField, StubModel, StubRow, StubTable, TableReference } from '../model.js';
import { tableBytes } from '../model.js';
import { selects } from '../sql.js';
import { estimateRowsBytes } from '../wire.js';

/** One row of a CARTO tileset table; the metadata row has `z = -1` and a NULL `carto_partition`. */
export interface CartoTileRow {
  z: number;
  x: number | null;
  y: number | null;
  carto_partition: number | null;
  data: Buffer | string;
}

/** The columns of a CARTO tileset table. `data` is BYTES (gzip MVT; the metadata JSON as UTF-8). */
const columns = ['z', 'x', 'y', 'data', 'carto_partition'];
export const cartoTilesetSchema: StubField[] = columns.map((name) => {
  return { name, type: name === 'data' ? 'BYTES' : 'INTEGER', mode: 'NULLABLE' };
});

export interface NewCartoTileset extends TableReference {
  /** The metadata JSON (stored in the `z = -1` row); omit it to build a tileset without one. */
  metadata?: unknown;
  /** Store the metadata as a STRING column instead of BYTES (some exports do). */
  metadataAs?: 'BYTES' | 'STRING';
  tiles: CartoTileRow[];
  /** Reported storage size; an unfiltered tile query bills it (a full scan). */
  numBytes?: number;
  partitions?: number;
  lastModifiedTime?: number;
}

export function addCartoTileset(model: StubModel, tileset: NewCartoTileset): StubTable {
  const { metadata, metadataAs = 'BYTES', tiles, partitions = 4000, ...rest } = tileset;
  const schema = cartoTilesetSchema.map((f) => (f.name === 'data' ? { ...f, type: metadataAs } : f));
  const rows: StubRow[] = tiles.map((tile) => ({ ...tile }));
  if (metadata !== undefined) {
    const text = JSON.stringify(metadata);
    const data = metadataAs === 'BYTES' ? Buffer.from(text) : text;
    rows.unshift({ z: -1, x: null, y: null, carto_partition: null, data });
  }
  const range = { start: '0', end: String(partitions + 1), interval: '1' };
  const rangePartitioning = { field: 'carto_partition', range };
  return model.addTable({
    ...rest,
    schema,
    rows,
    rangePartitioning,
    clustering: { fields: ['z', 'x', 'y'] },
  });
}

const tiles = ['z = @z', 'x IN UNNEST(@xs)', 'y IN UNNEST(@ys)'];
const range = ['z = @z', 'x BETWEEN @xmin AND @xmax', 'y BETWEEN @ymin AND @ymax'];
const inPartitions = 'carto_partition IN UNNEST(@partitions)';
type Params = Record<string, unknown>;
const includes = (values: unknown, value: unknown) => (values as unknown[]).includes(value);
const inTiles = (p: Params) => (r: StubRow) => r.z === p.z && includes(p.xs, r.x) && includes(p.ys, r.y);
const between = (value: unknown, min: unknown, max: unknown) =>
  (value as number) >= (min as number) && (value as number) <= (max as number);
const inRange = (p: Params) => (r: StubRow) =>
  r.z === p.z && between(r.x, p.xmin, p.xmax) && between(r.y, p.ymin, p.ymax);
const inSet = (rows: StubRow[], partitions: unknown) =>
  rows.filter((r) => includes(partitions, r.carto_partition));

/**
 * The queries tilestack's BigQuery source (`api/src/sources/bigquery/sql.ts`) and `stable-copy extract`
 * send to a CARTO tileset table, recognised from the parsed statement (the README lists their SQL).
 * Partition filters select rows by their stored `carto_partition`, as BigQuery does, so a wrong partition
 * computed by the client finds nothing; bytes follow partition pruning (a filter reads its partitions,
 * no filter the whole table).
 */
export const cartoTilesetHandler: QueryHandler = ({ select, params, model }) => {
  if (!select?.table) return undefined;
  const table = () => model.requireTable(select.table ?? '');
  const data = ['data'];
  const is = (where: string[], columns = data, limit = 1) => selects(select, { columns, where, limit });
  const first = (read: (r: StubRow) => boolean, keep: (r: StubRow) => boolean) => {
    const scanned = table().rows.filter(read);
    return result(table(), data, scanned.filter(keep).slice(0, 1), scanned);
  };
  const partition = (value: unknown) => (r: StubRow) => r.carto_partition === value;
  if (is(['z = -1', 'carto_partition IS NULL'])) return first(partition(null), (r) => r.z === -1);
  const read = ['x', 'y', 'data'];
  if (selects(select, { columns: read, where: ['carto_partition = @partition', ...tiles] })) {
    const scanned = table().rows.filter(partition(params.partition));
    return result(table(), read, scanned.filter(inTiles(params)), scanned);
  }
  if (selects(select, { columns: read, where: tiles }))
    return result(table(), read, table().rows.filter(inTiles(params)), 'all');
  const checked = ['z', 'x', 'y', 'carto_partition'];
  if (!select.limit || !is([inPartitions], checked, select.limit)) return undefined;
  const scanned = inSet(table().rows, params.partitions);
  return result(table(), checked, scanned.slice(0, select.limit), scanned, checked);
};

/** `stable-copy extract`'s per-zoom tile range (`tools/stable-copy/src/extract/sql.ts`). */
export const cartoExtractHandler: QueryHandler = ({ select, params, model }) => {
  const tiles = ['z', 'x', 'y', 'data'];
  const partitioned = selects(select, { columns: tiles, where: [inPartitions, ...range] });
  if (!select?.table || (!partitioned && !selects(select, { columns: tiles, where: range })))
    return undefined;
  const table = model.requireTable(select.table);
  const read = partitioned ? inSet(table.rows, params.partitions) : table.rows;
  return result(table, tiles, read.filter(inRange(params)), partitioned ? read : 'all');
};

function result(
  table: StubTable,
  columns: string[],
  rows: StubRow[],
  scanned: StubRow[] | 'all',
  billed?: string[],
): QueryResult {
  const read = billed ? table.schema.filter((f) => billed.includes(f.name)) : table.schema;
  const bytesProcessed = scanned === 'all' ? tableBytes(table) : estimateRowsBytes(read, scanned);
  return { schema: table.schema.filter((f) => columns.includes(f.name)), rows, bytesProcessed };
}
