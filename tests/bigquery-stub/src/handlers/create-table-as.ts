import type { QueryHandler } from '../types.js';
import { billedBytes } from '../wire.js';

/**
 * The stable-copy tool's publish when the layout changes (`tools/stable-copy/src/publish.ts`):
 * ``CREATE OR REPLACE TABLE `d` [PARTITION BY RANGE_BUCKET(f, GENERATE_ARRAY(a, b, i))]
 * [CLUSTER BY c, …] [OPTIONS(labels = [('k', 'v')])] AS SELECT * FROM `s` ``. Like BigQuery
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#create_table_statement)
 * it replaces the table in one step with a new one (new layout, only the OPTIONS' labels) and
 * bills a scan of `s`; a dry run or a query over `maximumBytesBilled` changes nothing. The engine has
 * parsed the statement with the GoogleSQL grammar already; this matches the one shape the tool sends.
 */
const shape =
  /^CREATE OR REPLACE TABLE `([^`]+)`(?: PARTITION BY RANGE_BUCKET\((\w+), GENERATE_ARRAY\((-?\d+), (-?\d+), (\d+)\)\))?(?: CLUSTER BY ([\w, ]+?))?(?: OPTIONS\(labels = \[\('([\w-]+)', '([\w-]+)'\)\]\))? AS SELECT \* FROM `([^`]+)`$/;

export const createTableAsHandler: QueryHandler = ({ query, model, body }) => {
  const m = shape.exec(query.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const [, destId = '', field, start, end, interval, cluster, labelKey, labelValue, sourceId = ''] = m;
  const source = model.requireTable(sourceId);
  const bytesProcessed = model.tableBytes(source);
  const config = body?.configuration ?? body ?? {};
  const cap = config.query?.maximumBytesBilled ?? config.maximumBytesBilled;
  const capped = cap !== undefined && billedBytes(bytesProcessed) > Number(cap);
  if (config.dryRun !== true && !capped) {
    const [projectId = '', datasetId = '', tableId = ''] = destId.split('.');
    model.deleteTable({ projectId, datasetId, tableId });
    model.addTable({
      projectId,
      datasetId,
      tableId,
      schema: structuredClone(source.schema),
      rows: source.rows.map((r) => ({ ...r })),
      numBytes: source.numBytes,
      location: source.location,
      labels: labelKey && labelValue ? { [labelKey]: labelValue } : {},
      rangePartitioning: field
        ? { field, range: { start: start ?? '0', end: end ?? '0', interval: interval ?? '1' } }
        : undefined,
      clustering: cluster ? { fields: cluster.split(', ') } : undefined,
    });
  }
  return { schema: [], rows: [], bytesProcessed };
};
