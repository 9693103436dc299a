import { selects } from '../sql.js';
import type { QueryHandler } from '../types.js';

/** `SELECT 1` (readiness probes, dry runs): answered by BigQuery without reading any table. */
export const constantSelectHandler: QueryHandler = ({ select }) => {
  if (!selects(select, { columns: ['1'] }) || select?.table) return undefined;
  return {
    schema: [{ name: 'f0_', type: 'INTEGER', mode: 'NULLABLE' }],
    rows: [{ f0_: 1 }],
    bytesProcessed: 0,
  };
};
