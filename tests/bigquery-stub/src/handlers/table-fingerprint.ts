import { createHash } from 'node:crypto';
import { selects } from '../sql.js';
import type { QueryHandler, StubRow } from '../types.js';

/**
 * The content fingerprint query of the stable-copy tool (`tools/stable-copy/src/verify.ts`):
 * ``SELECT COUNT(*) AS row_count, BIT_XOR(FARM_FINGERPRINT(TO_JSON_STRING(t))) AS content_xor,
 * SUM(CAST(FARM_FINGERPRINT(TO_JSON_STRING(t)) AS NUMERIC)) AS content_sum
 * FROM `p.d.t` AS t [FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@as_of_ms)]`` (the grammar puts the alias
 * before `FOR SYSTEM_TIME AS OF`; the other order is a syntax error, as on BigQuery).
 * The stub keeps no history, so `FOR SYSTEM_TIME AS OF` reads the current rows. The fingerprint
 * is not FARM_FINGERPRINT's value, only equal for equal contents (order-independent), which is
 * all a comparison needs; NUMERIC answers as a string on the wire. Billed as a full scan.
 */
const columns = [
  'COUNT(*) AS row_count',
  'BIT_XOR(FARM_FINGERPRINT(TO_JSON_STRING(t))) AS content_xor',
  'SUM(CAST(FARM_FINGERPRINT(TO_JSON_STRING(t)) AS NUMERIC)) AS content_sum',
];

export const tableFingerprintHandler: QueryHandler = ({ select, model }) => {
  const asOf = select?.asOf === 'TIMESTAMP_MILLIS(@as_of_ms)';
  if (select?.alias !== 't' || !selects(select, { columns, asOf })) return undefined;
  const table = model.requireTable(select?.table ?? '');
  return {
    schema: [
      { name: 'row_count', type: 'INTEGER', mode: 'NULLABLE' },
      { name: 'content_xor', type: 'INTEGER', mode: 'NULLABLE' },
      { name: 'content_sum', type: 'NUMERIC', mode: 'NULLABLE' },
    ],
    rows: [{ row_count: table.rows.length, ...contentFingerprint(table.rows) }],
    bytesProcessed: model.tableBytes(table),
  };
};

/** XOR and sum of a signed 64-bit hash per row, like FARM_FINGERPRINT's. */
export function contentFingerprint(rows: StubRow[]) {
  let xor = 0n;
  let sum = 0n;
  for (const row of rows) {
    const hash = createHash('sha256').update(canonicalJson(row)).digest().readBigInt64BE(0);
    xor ^= hash;
    sum += hash;
  }
  return { content_xor: xor, content_sum: sum.toString() };
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) {
      return Buffer.from(v.data).toString('base64');
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return v;
  });
}
