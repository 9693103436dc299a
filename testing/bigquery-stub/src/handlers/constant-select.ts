import type { QueryHandler } from '../types.js';
import { matchSql } from './sql.js';

/** `SELECT 1` (readiness probes, dry runs): answered by BigQuery without reading any table. */
export const constantSelectHandler: QueryHandler = ({ query }) => {
  if (!matchSql(query, /^SELECT 1$/i)) return undefined;
  return {
    schema: [{ name: 'f0_', type: 'INTEGER', mode: 'NULLABLE' }],
    rows: [{ f0_: 1 }],
    bytesProcessed: 0,
  };
};
