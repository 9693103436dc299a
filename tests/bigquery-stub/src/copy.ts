import { bigQueryError, duplicate, notFound, StubError } from './errors.js';
import { type JobStart, newJob, type StubJob } from './jobs.js';
import { type StubModel, type StubTable, tableBytes, tableName } from './model.js';

/** `configuration.copy` (JobConfigurationTableCopy): COPY, SNAPSHOT or RESTORE, one source. */
// biome-ignore lint/suspicious/noExplicitAny: as sent
type CopyConfiguration = any;

/**
 * Runs a copy job at once. As on BigQuery, a failure found while running (missing source, location
 * mismatch, existing destination) does not fail `jobs.insert`: the job is DONE with `status.errorResult`.
 */
export function runCopyJob(model: StubModel, start: JobStart, copy: CopyConfiguration): StubJob {
  const job = newJob(start, model.defaultLocation, 'COPY');
  try {
    const copied = applyCopy(model, copy, job.createdAt);
    job.location = copied.location;
    job.copied = { rows: copied.rows.length, bytes: tableBytes(copied) };
  } catch (error) {
    if (!(error instanceof StubError)) throw error;
    job.errorResult = { reason: error.reason, message: error.message };
  }
  return job;
}

function applyCopy(model: StubModel, copy: CopyConfiguration, now: number): StubTable {
  const sources = copy.sourceTables ?? (copy.sourceTable ? [copy.sourceTable] : []);
  const [sourceRef] = sources;
  if (sources.length !== 1 || !sourceRef) throw bigQueryError('invalid', 'stub: a copy job takes one source');
  const destRef = copy.destinationTable;
  const source = model.requireTable(sourceRef);
  const dataset = model.requireDataset(destRef.projectId, destRef.datasetId);
  if (dataset.location !== source.location) {
    const locations = `source: ${source.location}, destination: ${dataset.location}`;
    throw bigQueryError('invalid', `Cannot read and write in different locations: ${locations}`);
  }
  const operation = copy.operationType ?? 'COPY';
  const expected = operation === 'RESTORE' ? 'SNAPSHOT' : 'TABLE';
  if (source.type !== expected) {
    const message = `${operation} needs a ${expected} source; ${tableName(sourceRef)} is a ${source.type}`;
    throw bigQueryError('invalid', message);
  }
  const existing = model.getTable(destRef);
  const write = copy.writeDisposition ?? 'WRITE_EMPTY';
  if (existing && (write === 'WRITE_EMPTY' || operation === 'SNAPSHOT' || existing.type !== 'TABLE'))
    throw duplicate('Table', tableName(destRef));
  // WRITE_TRUNCATE keeps the destination table, so its partitioning and clustering must match
  // (https://cloud.google.com/bigquery/docs/managing-tables#copy-table); a new layout takes a new table.
  if (existing && layout(existing) !== layout(source)) {
    const message = `Incompatible table partitioning specification. Expects partitioning specification ${layout(existing)}, but input partitioning specification is ${layout(source)}`;
    throw bigQueryError('invalid', message);
  }
  if (!existing && copy.createDisposition === 'CREATE_NEVER') throw notFound('Table', tableName(destRef));
  // Rows are copied one level deep; cells are shared, which is safe as the stub never mutates one.
  const rows = source.rows.map((r) => ({ ...r }));
  const content = {
    schema: structuredClone(source.schema),
    rows: existing && write === 'WRITE_APPEND' ? [...existing.rows, ...rows] : rows,
    numBytes: write === 'WRITE_APPEND' ? undefined : source.numBytes,
    rangePartitioning: source.rangePartitioning,
    timePartitioning: source.timePartitioning,
    clustering: source.clustering,
  };
  // WRITE_TRUNCATE replaces data and schema; the table resource (labels, description) stays.
  if (existing) return model.updateTable(destRef, content);
  const expiration = copy.destinationExpirationTime;
  const snapshot = operation === 'SNAPSHOT';
  return model.addTable({
    ...destRef,
    ...content,
    type: snapshot ? 'SNAPSHOT' : 'TABLE',
    location: dataset.location,
    expirationTime: expiration === undefined ? undefined : Number(expiration) || Date.parse(expiration),
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
export function copyPermissions(copy: CopyConfiguration): [resource: string, permission: string][] {
  if (!copy?.destinationTable) return [];
  const { projectId, datasetId, tableId } =
    copy.sourceTables?.[0] ?? copy.sourceTable ?? copy.destinationTable;
  const source = `${projectId}.${datasetId}.${tableId}`;
  const dataset = `${copy.destinationTable.projectId}.${copy.destinationTable.datasetId}`;
  const snapshot = copy.operationType === 'SNAPSHOT';
  const needs = [
    [source, 'getData'],
    [dataset, 'create'],
    [dataset, 'updateData'],
  ];
  if (snapshot) needs.push([source, 'createSnapshot']);
  if (snapshot && copy.destinationExpirationTime) needs.push([source, 'deleteSnapshot']);
  if (copy.operationType === 'RESTORE') needs.push([source, 'restoreSnapshot']);
  return needs.map(([resource = '', permission]) => [resource, `bigquery.tables.${permission}`]);
}
