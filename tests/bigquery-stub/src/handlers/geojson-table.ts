import { bigQueryError } from '../errors.js';
import type { QueryHandler } from '../jobs.js';
import { tableBytes } from '../model.js';

/**
 * Answers `SELECT ST_ASGEOJSON(`geom`) AS `alias`, * EXCEPT (`geom`) FROM `p.d.t`` (the EXCEPT
 * part is optional) from the model, recognised from the parsed statement. GEOGRAPHY cells in the
 * model are GeoJSON geometry objects; the stub serialises them as BigQuery's ST_ASGEOJSON would.
 * Bills a full scan of the table.
 */
export const geoJsonTableHandler: QueryHandler = ({ select, model }) => {
  const [first = '', rest, ...more] = select?.columns ?? [];
  const m = /^ST_ASGEOJSON\(`?(\w+)`?\) AS (\w+)$/i.exec(first);
  const exceptName = rest === undefined ? undefined : /^\* EXCEPT \(`?(\w+)`?\)$/.exec(rest)?.[1];
  if (!m || !select?.table || select.where.length > 0 || more.length > 0 || (rest && !exceptName))
    return undefined;
  const [, geometryName = '', alias = ''] = m;
  const table = model.requireTable(select.table);
  const geometry = table.schema.find((f) => f.name.toLowerCase() === geometryName.toLowerCase());
  if (!geometry) throw bigQueryError('invalidQuery', `Unrecognized name: ${geometryName} at [1:21]`);
  const others = exceptName === undefined ? [] : table.schema.filter((f) => f !== geometry);
  const rows = table.rows.map((row) => ({
    [alias]: row[geometry.name] == null ? null : JSON.stringify(row[geometry.name]),
    ...Object.fromEntries(others.map((f) => [f.name, row[f.name]])),
  }));
  const schema = [{ name: alias, type: 'STRING' }, ...others];
  return { schema, rows, bytesProcessed: tableBytes(table) };
};
