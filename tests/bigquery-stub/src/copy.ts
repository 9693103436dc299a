import { bigQueryError, duplicate, StubError } from './errors.js';
import { type JobStart, newJob, type StubJob } from './jobs.js';
import type { StubModel, StubTable } from './model.js';

/** `configuration.copy` (JobConfigurationTableCopy) as stable-copy sends it: one of `sourceTables`. */
// biome-ignore lint/suspicious/noExplicitAny: as sent
type CopyConfiguration = any;

/**
 * Runs a copy job at once. As on BigQuery, a failure found while running (missing source or dataset,
 * existing destination, another layout) does not fail `jobs.insert`: the job is DONE with `status.errorResult`.
 */
export function runCopyJob(model: StubModel, start: JobStart, copy: CopyConfiguration): StubJob {
  const job = newJob(start, model.defaultLocation, 'COPY');
  try {
    job.location = applyCopy(model, copy, job.createdAt).location;
  } catch (error) {
    if (!(error instanceof StubError)) throw error;
    job.errorResult = { reason: error.reason, message: error.message };
  }
  return job;
}

function applyCopy(model: StubModel, copy: CopyConfiguration, now: number): StubTable {
  const {
    sourceTables: [sourceRef],
    destinationTable: destRef,
    destinationExpirationTime,
  } = copy;
  const source = model.requireTable(sourceRef);
  const dataset = model.requireDataset(destRef.projectId, destRef.datasetId);
  const existing = model.getTable(destRef);
  if (existing && (copy.writeDisposition ?? 'WRITE_EMPTY') === 'WRITE_EMPTY')
    throw duplicate('Table', `${destRef.projectId}:${destRef.datasetId}.${destRef.tableId}`);
  // WRITE_TRUNCATE keeps the destination table, so its partitioning and clustering must match
  // (https://cloud.google.com/bigquery/docs/managing-tables#copy-table); a new layout takes a new table.
  if (existing && layout(existing) !== layout(source)) {
    const message = `Incompatible table partitioning specification. Expects partitioning specification ${layout(existing)}, but input partitioning specification is ${layout(source)}`;
    throw bigQueryError('invalid', message);
  }
  // Rows are copied one level deep; cells are shared, which is safe as the stub never mutates one.
  const { schema, rows, numBytes, rangePartitioning, timePartitioning, clustering } = source;
  const content = { schema: structuredClone(schema), rows: rows.map((r) => ({ ...r })), numBytes };
  const data = { ...content, rangePartitioning, timePartitioning, clustering };
  // WRITE_TRUNCATE replaces data and schema; the table resource (labels, description) stays.
  if (existing) return model.updateTable(destRef, data);
  const snapshot = copy.operationType === 'SNAPSHOT';
  return model.addTable({
    ...destRef,
    ...data,
    type: snapshot ? 'SNAPSHOT' : 'TABLE',
    location: dataset.location,
    expirationTime: destinationExpirationTime ? Date.parse(destinationExpirationTime) : undefined,
    snapshotDefinition: snapshot
      ? { baseTableReference: { ...sourceRef }, snapshotTime: new Date(now).toISOString() }
      : undefined,
  });
}

const layout = (t: StubTable) =>
  JSON.stringify([t.rangePartitioning ?? 'none', t.timePartitioning ?? 'none', t.clustering?.fields ?? []]);

/**
 * Copy jobs' permissions: https://cloud.google.com/bigquery/docs/managing-tables#copy-table,
 * https://cloud.google.com/bigquery/docs/table-snapshots-create (an expiration also needs deleteSnapshot),
 * https://cloud.google.com/bigquery/docs/table-snapshots-restore. Project-level ones are not modelled.
 */
export function copyPermissions(copy?: CopyConfiguration): [resource: string, permission: string][] {
  if (!copy) return [];
  const [{ projectId, datasetId, tableId }] = copy.sourceTables;
  const { operationType: operation, destinationExpirationTime: expires, destinationTable: dest } = copy;
  const onSource = ['getData'];
  if (operation === 'SNAPSHOT') onSource.push('createSnapshot', ...(expires ? ['deleteSnapshot'] : []));
  if (operation === 'RESTORE') onSource.push('restoreSnapshot');
  const needs = onSource.map((p) => [`${projectId}.${datasetId}.${tableId}`, p]);
  needs.push(...['create', 'updateData'].map((p) => [`${dest.projectId}.${dest.datasetId}`, p]));
  return needs.map(([resource = '', permission]) => [resource, `bigquery.tables.${permission}`]);
}
