import { bigQueryError } from '../errors.js';
import type { StubModel, StubTable, TableReference } from '../model.js';
import { selects } from '../sql.js';
import type { QueryHandler, QueryResult, StubField, StubRow } from '../types.js';
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
export const cartoTilesetSchema: StubField[] = [
  { name: 'z', type: 'INTEGER', mode: 'NULLABLE' },
  { name: 'x', type: 'INTEGER', mode: 'NULLABLE' },
  { name: 'y', type: 'INTEGER', mode: 'NULLABLE' },
  { name: 'data', type: 'BYTES', mode: 'NULLABLE' },
  { name: 'carto_partition', type: 'INTEGER', mode: 'NULLABLE' },
];

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

/** Adds a CARTO tileset table (range-partitioned on carto_partition, clustered by z, x, y). */
export function addCartoTileset(model: StubModel, tileset: NewCartoTileset): StubTable {
  const { metadata, metadataAs = 'BYTES', tiles, partitions = 4000, ...rest } = tileset;
  const schema = cartoTilesetSchema.map((f) => (f.name === 'data' ? { ...f, type: metadataAs } : f));
  const rows: StubRow[] = tiles.map((tile) => ({ ...tile }));
  if (metadata !== undefined) {
    const text = typeof metadata === 'string' ? metadata : JSON.stringify(metadata);
    rows.unshift({
      z: -1,
      x: null,
      y: null,
      carto_partition: null,
      data: metadataAs === 'BYTES' ? Buffer.from(text) : text,
    });
  }
  return model.addTable({
    ...rest,
    schema,
    rows,
    rangePartitioning: {
      field: 'carto_partition',
      range: { start: '0', end: String(partitions + 1), interval: '1' },
    },
    clustering: { fields: ['z', 'x', 'y'] },
  });
}

const data = ['data'];
const coordinates = ['z = @z', 'x = @x', 'y = @y'];

/**
 * Answers the four queries tilestack's BigQuery source sends to a CARTO tileset table (see the
 * README for the SQL), recognised from the parsed statement. Partition filters select rows by their
 * stored `carto_partition`, as BigQuery does, so a wrong partition computed by the client finds nothing.
 * Bytes processed follow partition pruning: a filtered query reads its partition, an unfiltered tile
 * query the whole table.
 */
export const cartoTilesetHandler: QueryHandler = ({ select, params, model }) => {
  if (!select?.table) return undefined;
  const { table, limit } = select;
  if (selects(select, { columns: data, where: ['z = -1', 'carto_partition IS NULL'], limit: 1 })) {
    const t = tilesetTable(model, table);
    const rows = t.rows.filter((r) => r.z === -1 && r.carto_partition === null).slice(0, 1);
    return dataResult(
      t,
      rows,
      t.rows.filter((r) => r.carto_partition === null),
    );
  }
  if (selects(select, { columns: data, where: ['carto_partition = @partition', ...coordinates], limit: 1 })) {
    const t = tilesetTable(model, table);
    const partition = t.rows.filter((r) => r.carto_partition === params.partition);
    return dataResult(t, partition.filter(isTile(params)).slice(0, 1), partition);
  }
  if (selects(select, { columns: data, where: coordinates, limit: 1 })) {
    const t = tilesetTable(model, table);
    return {
      ...dataResult(t, t.rows.filter(isTile(params)).slice(0, 1), []),
      bytesProcessed: model.tableBytes(t),
    };
  }
  const checked = ['z', 'x', 'y', 'carto_partition'];
  if (
    select?.limit &&
    selects(select, {
      columns: checked,
      where: ['carto_partition IN UNNEST(@partitions)'],
      limit: select.limit,
    })
  ) {
    const t = tilesetTable(model, table);
    const wanted = new Set(params.partitions as number[]);
    const read = t.rows.filter((r) => wanted.has(r.carto_partition as number));
    const schema = cartoTilesetSchema.filter((f) => f.name !== 'data');
    return { schema, rows: read.slice(0, limit), bytesProcessed: estimateRowsBytes(schema, read) };
  }
  return undefined;
};

function tilesetTable(model: StubModel, qualifiedId: string | undefined): StubTable {
  const t = model.requireTable(qualifiedId ?? '');
  for (const column of ['z', 'x', 'y', 'data', 'carto_partition']) {
    if (!t.schema.some((f) => f.name === column))
      throw bigQueryError('invalidQuery', `Unrecognized name: ${column}`);
  }
  return t;
}

const isTile = (params: Record<string, unknown>) => (r: StubRow) =>
  r.z === params.z && r.x === params.x && r.y === params.y;

/** `data` of `rows`, billed as reading z, x, y, carto_partition and data of `scanned`. */
function dataResult(t: StubTable, rows: StubRow[], scanned: StubRow[]): QueryResult {
  const schema = t.schema.filter((f) => f.name === 'data');
  return { schema, rows, bytesProcessed: estimateRowsBytes(t.schema, scanned) };
}
