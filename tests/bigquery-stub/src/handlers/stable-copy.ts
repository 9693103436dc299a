import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { QueryHandler } from '../jobs.js';
import { tableBytes } from '../model.js';
import { selects } from '../sql.js';

const fingerprint = [
  'COUNT(*) AS row_count',
  'BIT_XOR(FARM_FINGERPRINT(TO_JSON_STRING(t))) AS content_xor',
  'SUM(CAST(FARM_FINGERPRINT(TO_JSON_STRING(t)) AS NUMERIC)) AS content_sum',
];

/**
 * stable-copy's content fingerprint (`tools/stable-copy/src/verify.ts`): ``SELECT <fingerprint> FROM
 * `p.d.t` AS t [FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@as_of_ms)]`` (the grammar puts the alias first).
 * No history is kept, so `FOR SYSTEM_TIME AS OF` reads the current rows. The hash is not FARM_FINGERPRINT's,
 * only equal for equal contents in any order; NUMERIC answers as a string. Billed as a full scan.
 */
export const tableFingerprintHandler: QueryHandler = ({ select, model }) => {
  const asOf = select?.asOf === 'TIMESTAMP_MILLIS(@as_of_ms)';
  if (select?.alias !== 't' || !selects(select, { columns: fingerprint, asOf })) return undefined;
  const table = model.requireTable(select.table ?? '');
  let xor = 0n;
  let sum = 0n;
  for (const row of table.rows) {
    const hash = createHash('sha256')
      .update(stringify(row) ?? '')
      .digest()
      .readBigInt64BE(0);
    xor ^= hash;
    sum += hash;
  }
  return {
    schema: ['row_count', 'content_xor', 'content_sum'].map((name) => ({
      name,
      type: name === 'content_sum' ? 'NUMERIC' : 'INTEGER',
    })),
    rows: [{ row_count: table.rows.length, content_xor: xor, content_sum: sum.toString() }],
    bytesProcessed: tableBytes(table),
  };
};

// The statement the GoogleSQL grammar has parsed already; this matches the one shape stable-copy sends.
const createTableAs =
  /^CREATE OR REPLACE TABLE `([^`]+)`(?: PARTITION BY RANGE_BUCKET\((\w+), GENERATE_ARRAY\((-?\d+), (-?\d+), (\d+)\)\))?(?: CLUSTER BY ([\w, ]+?))?(?: OPTIONS\(labels = \[\('([\w-]+)', '([\w-]+)'\)\]\))? AS SELECT \* FROM `([^`]+)`$/;

/**
 * stable-copy's publish of a changed layout (`tools/stable-copy/src/publish.ts`). As on BigQuery
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#create_table_statement)
 * it replaces the table in one step (new layout, only the OPTIONS' labels) and bills a scan of the source;
 * a dry run or a query over `maximumBytesBilled` changes nothing.
 */
export const createTableAsHandler: QueryHandler = ({ query, model }) => {
  const m = createTableAs.exec(query.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const [, destId = '', field, start = '0', end = '0', interval = '1', cluster, labelKey, labelValue] = m;
  const source = model.requireTable(m[9] ?? '');
  const [projectId = '', datasetId = '', tableId = ''] = destId.split('.');
  const apply = () =>
    model.addTable({
      projectId,
      datasetId,
      tableId,
      location: source.location,
      numBytes: source.numBytes,
      schema: structuredClone(source.schema),
      rows: source.rows.map((r) => ({ ...r })),
      labels: labelKey && labelValue ? { [labelKey]: labelValue } : {},
      rangePartitioning: field ? { field, range: { start, end, interval } } : undefined,
      clustering: cluster ? { fields: cluster.split(', ') } : undefined,
    });
  return { schema: [], rows: [], bytesProcessed: tableBytes(source), apply };
};
