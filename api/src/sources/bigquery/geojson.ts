import { type FieldSchema, isColumnName, type TableRef } from '@tilestack/bigquery';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { BadRequestError, ResponseTooLargeError } from '../../errors.js';
import type { TableQuery } from '../types.js';
import { geoJsonSql } from './sql.js';
import type { BigQueryUpstream } from './upstream.js';
import { decodeRows } from './values.js';

/** Rows per page; BigQuery also caps a page at ~10 MB. */
const PAGE_ROWS = 5_000;
const EMPTY_COLLECTION_BYTES = Buffer.byteLength('{"type":"FeatureCollection","features":[]}');

/**
 * Every row of `table` as a GeoJSON FeatureCollection: the geometry column turned into GeoJSON by
 * BigQuery (`ST_ASGEOJSON`), every other column a property (see `values.ts` for the JSON types).
 * Pages are read one at a time and reading stops with a 413 as soon as the serialised collection
 * would exceed `maxBytes`.
 */
export async function readFeatureCollection(
  upstream: BigQueryUpstream,
  table: TableRef,
  { geomField, maxBytes }: TableQuery,
): Promise<FeatureCollection> {
  if (!isColumnName(geomField)) throw new BadRequestError('geomField is not a valid column name');
  const resource = await upstream.getTable('table', table);
  const columns = resource.schema?.fields ?? [];
  // BigQuery column names are case-insensitive.
  const geometry = columns.find((f) => f.name.toLowerCase() === geomField.toLowerCase());
  if (!geometry) throw new BadRequestError(`column '${geomField}' not found`);
  if (geometry.type !== 'GEOGRAPHY' || geometry.mode === 'REPEATED') {
    throw new BadRequestError(`column '${geomField}' is not a GEOGRAPHY column`);
  }
  const alias = uniqueAlias(columns);
  const features: Feature<Geometry | null>[] = [];
  let size = EMPTY_COLLECTION_BYTES;
  let tooLarge = false;
  await upstream.query(
    {
      kind: 'table',
      table,
      sql: geoJsonSql(table, geometry.name, alias, columns.length > 1),
      pageSize: PAGE_ROWS,
    },
    ({ fields, rows }) => {
      for (const { [alias]: geojson, ...properties } of decodeRows(fields, rows)) {
        const geometry = typeof geojson === 'string' ? (JSON.parse(geojson) as Geometry) : null;
        const feature: Feature<Geometry | null> = { type: 'Feature', geometry, properties };
        size += Buffer.byteLength(JSON.stringify(feature)) + (features.length > 0 ? 1 : 0);
        if (size > maxBytes) {
          tooLarge = true;
          return false;
        }
        features.push(feature);
      }
      return true;
    },
  );
  if (tooLarge) throw new ResponseTooLargeError(maxBytes);
  // RFC 7946 allows a null geometry (a row whose GEOGRAPHY is NULL); @types/geojson's default does not.
  return { type: 'FeatureCollection', features } as FeatureCollection;
}

/** A result column name for the GeoJSON text that no table column uses. */
function uniqueAlias(columns: FieldSchema[]): string {
  const taken = new Set(columns.map((f) => f.name.toLowerCase()));
  let alias = 'tilestack_geojson';
  for (let i = 1; taken.has(alias); i++) alias = `tilestack_geojson_${i}`;
  return alias;
}
