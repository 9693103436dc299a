import { quoteColumn, type TableRef } from '@tilestack/bigquery';

// Every SQL text this source sends (the metadata query is the package's `metadataSql`). Tables and
// columns appear only as validated, backtick-quoted identifiers; every per-request value is a named
// parameter (readiness sends `SELECT 1`, see upstream.ts). The test stub recognises exactly these shapes.

/**
 * The tiles of `@xs` × `@ys` at `@z` (tile-batches.ts: one query for many tiles), reading one partition, or
 * (fallback, no usable partition metadata) as much of the table as clustering on z, x, y leaves to read.
 */
export const tilesSql = (table: TableRef, pruned: boolean) =>
  `SELECT x, y, data FROM ${table.sql} WHERE ${pruned ? 'carto_partition = @partition AND ' : ''}z = @z AND x IN UNNEST(@xs) AND y IN UNNEST(@ys)`;

/** Up to 100 rows of the partitions in `@partitions`: enough to catch a wrong formula; coordinates only. */
export const selfCheckSql = (table: TableRef) =>
  `SELECT z, x, y, carto_partition FROM ${table.sql} WHERE carto_partition IN UNNEST(@partitions) LIMIT 100`;

/**
 * Every row, geometry as GeoJSON text made by BigQuery (`ST_ASGEOJSON`), other columns as they are
 * (none when the geometry is the only column: `* EXCEPT` would select nothing).
 */
export function geoJsonSql(table: TableRef, geometry: string, alias: string, withOthers: boolean): string {
  const column = quoteColumn(geometry);
  const others = withOthers ? `, * EXCEPT (${column})` : '';
  return `SELECT ST_ASGEOJSON(${column}) AS ${quoteColumn(alias)}${others} FROM ${table.sql}`;
}
