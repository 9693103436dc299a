import { quoteColumn, type TableRef } from '@tilestack/bigquery';

/**
 * Every SQL text this source sends. Tables and columns appear only as validated, backtick-quoted
 * identifiers; every per-request value is a named parameter. The test stub
 * (`tests/bigquery-stub`) recognises exactly these shapes, so change both together.
 */

/** One tile, reading one partition (`@partition`, `@z`, `@x`, `@y`). */
export function partitionedTileSql(table: TableRef): string {
  return `SELECT data FROM ${table.sql} WHERE carto_partition = @partition AND z = @z AND x = @x AND y = @y LIMIT 1`;
}

/** One tile without partition pruning (fallback: clustering on z, x, y is all that limits the scan). */
export function scannedTileSql(table: TableRef): string {
  return `SELECT data FROM ${table.sql} WHERE z = @z AND x = @x AND y = @y LIMIT 1`;
}

/** Up to 100 rows of the partitions in `@partitions`: enough to catch a wrong formula; coordinates only. */
export function selfCheckSql(table: TableRef): string {
  return `SELECT z, x, y, carto_partition FROM ${table.sql} WHERE carto_partition IN UNNEST(@partitions) LIMIT 100`;
}

/**
 * Every row, geometry as GeoJSON text made by BigQuery (`ST_ASGEOJSON`), other columns as they are.
 * `withOtherColumns` is false when the geometry is the only column (`* EXCEPT` would select nothing).
 */
export function geoJsonSql(
  table: TableRef,
  geometry: string,
  alias: string,
  withOtherColumns: boolean,
): string {
  const column = quoteColumn(geometry);
  const others = withOtherColumns ? `, * EXCEPT (${column})` : '';
  return `SELECT ST_ASGEOJSON(${column}) AS ${quoteColumn(alias)}${others} FROM ${table.sql}`;
}

/** Readiness: a dry run proves credentials and the billing project's query permission for free. */
export const PING_SQL = 'SELECT 1';
