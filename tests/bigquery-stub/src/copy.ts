import { randomUUID } from 'node:crypto';
import { bigQueryError, StubError } from './errors.js';
import type { StubJob } from './jobs.js';
import type { StubModel, StubTable, TableReference } from './model.js';

/** `configuration.copy` of a copy job, as the REST API takes it (`JobConfigurationTableCopy`). */
export interface CopyConfiguration {
  sourceTable?: TableReference;
  sourceTables?: TableReference[];
  destinationTable: TableReference;
  /** COPY (default), SNAPSHOT (table → snapshot) or RESTORE (snapshot → table). */
  operationType?: 'COPY' | 'SNAPSHOT' | 'RESTORE';
  writeDisposition?: 'WRITE_EMPTY' | 'WRITE_TRUNCATE' | 'WRITE_APPEND';
  createDisposition?: 'CREATE_IF_NEEDED' | 'CREATE_NEVER';
  /** Epoch milliseconds (or an RFC 3339 time) when the destination expires. */
  destinationExpirationTime?: string;
}

/**
 * Runs a copy job at once on the model. Like BigQuery, failures found while running (missing
 * source, location mismatch, existing destination with WRITE_EMPTY) do not fail `jobs.insert`:
 * the job is DONE with `status.errorResult`, which the client must check.
 */
export function runCopyJob(
  model: StubModel,
  projectId: string,
  body: { jobReference?: { jobId?: string; location?: string }; configuration: { copy: CopyConfiguration } },
): StubJob {
  const now = Date.now();
  const job: StubJob = {
    projectId,
    jobId: body.jobReference?.jobId ?? `job_${randomUUID().replaceAll('-', '_')}`,
    location: body.jobReference?.location ?? model.defaultLocation,
    configuration: body.configuration as unknown as Record<string, unknown>,
    schema: [],
    rows: [],
    bytesProcessed: 0,
    bytesBilled: 0,
    createdAt: now,
    completesAt: now,
    cancelled: false,
    dryRun: false,
    jobType: 'COPY',
  };
  try {
    const copied = applyCopy(model, body.configuration.copy, now);
    job.location = copied.location;
    job.copied = { rows: copied.rows.length, bytes: model.tableBytes(copied) };
  } catch (error) {
    if (!(error instanceof StubError)) throw error;
    job.errorResult = { reason: error.reason, message: error.message };
  }
  return job;
}

function applyCopy(model: StubModel, copy: CopyConfiguration, now: number): StubTable {
  const sources = copy.sourceTables ?? (copy.sourceTable ? [copy.sourceTable] : []);
  if (sources.length !== 1 || !sources[0])
    throw bigQueryError('invalid', 'stub: a copy job takes one source');
  const sourceRef = sources[0];
  const destRef = copy.destinationTable;
  const source = model.getTable(sourceRef);
  if (!source) throw bigQueryError('notFound', `Not found: Table ${describe(sourceRef)}`);
  const dataset = model.getDataset(destRef.projectId, destRef.datasetId);
  if (!dataset)
    throw bigQueryError('notFound', `Not found: Dataset ${destRef.projectId}:${destRef.datasetId}`);
  if (dataset.location !== source.location) {
    throw bigQueryError(
      'invalid',
      `Cannot read and write in different locations: source: ${source.location}, destination: ${dataset.location}`,
    );
  }
  const operation = copy.operationType ?? 'COPY';
  const expectedSource = operation === 'RESTORE' ? 'SNAPSHOT' : 'TABLE';
  if (source.type !== expectedSource) {
    throw bigQueryError(
      'invalid',
      `${operation} needs a ${expectedSource} source; ${describe(sourceRef)} is a ${source.type}`,
    );
  }
  const existing = model.getTable(destRef);
  const write = copy.writeDisposition ?? 'WRITE_EMPTY';
  if (existing && (write === 'WRITE_EMPTY' || operation === 'SNAPSHOT' || existing.type !== 'TABLE')) {
    throw bigQueryError('duplicate', `Already Exists: Table ${describe(destRef)}`);
  }
  // WRITE_TRUNCATE keeps the destination table, so its partitioning and clustering must match
  // (https://cloud.google.com/bigquery/docs/managing-tables#copy-table: "Incompatible table
  // partitioning specification"); replacing the layout takes a new table (CREATE OR REPLACE TABLE).
  if (existing && layout(existing) !== layout(source)) {
    throw bigQueryError(
      'invalid',
      `Incompatible table partitioning specification. Expects partitioning specification ${layout(existing)}, but input partitioning specification is ${layout(source)}`,
    );
  }
  if (!existing && copy.createDisposition === 'CREATE_NEVER') {
    throw bigQueryError('notFound', `Not found: Table ${describe(destRef)}`);
  }
  // Rows are copied one level deep: the new table has its own rows; cell values are shared,
  // which is safe because the stub never mutates a cell in place.
  const content = {
    schema: structuredClone(source.schema),
    rows:
      existing && write === 'WRITE_APPEND'
        ? [...existing.rows, ...source.rows.map((r) => ({ ...r }))]
        : source.rows.map((r) => ({ ...r })),
    numBytes: write === 'WRITE_APPEND' ? undefined : source.numBytes,
    rangePartitioning: source.rangePartitioning,
    timePartitioning: source.timePartitioning,
    clustering: source.clustering,
  };
  // WRITE_TRUNCATE replaces data and schema; the table resource (labels, description) stays.
  if (existing) return model.updateTable(destRef, content);
  const expiration = copy.destinationExpirationTime;
  return model.addTable({
    ...destRef,
    ...content,
    type: operation === 'SNAPSHOT' ? 'SNAPSHOT' : 'TABLE',
    location: dataset.location,
    expirationTime: expiration === undefined ? undefined : parseTime(expiration),
    snapshotDefinition:
      operation === 'SNAPSHOT'
        ? { baseTableReference: { ...sourceRef }, snapshotTime: new Date(now).toISOString() }
        : undefined,
  });
}

const layout = (t: StubTable) =>
  JSON.stringify([t.rangePartitioning ?? 'none', t.timePartitioning ?? 'none', t.clustering?.fields ?? []]);

function parseTime(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

function describe(ref: TableReference): string {
  return `${ref.projectId}:${ref.datasetId}.${ref.tableId}`;
}
