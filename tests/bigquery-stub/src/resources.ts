import { bigQueryError } from './errors.js';
import { isComplete, type StubJob } from './jobs.js';
import { type StubDataset, type StubTable, tableBytes } from './model.js';
import { encodeRow } from './wire.js';

// REST resources as BigQuery renders them: int64 fields as strings, times in epoch milliseconds.
const int64 = (value: number | undefined) => (value === undefined ? undefined : String(value));

const common = (r: StubDataset | StubTable) => ({
  etag: Buffer.from(String(r.lastModifiedTime)).toString('base64'),
  location: r.location,
  labels: r.labels,
  description: r.description,
  creationTime: String(r.creationTime),
  lastModifiedTime: String(r.lastModifiedTime),
});

/** https://cloud.google.com/bigquery/docs/reference/rest/v2/datasets#Dataset */
export function dataset(dataset: StubDataset) {
  const { projectId, datasetId } = dataset;
  const datasetReference = { projectId, datasetId };
  return { kind: 'bigquery#dataset', id: `${projectId}:${datasetId}`, datasetReference, ...common(dataset) };
}

/** https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Table */
export function table(table: StubTable) {
  const { projectId, datasetId, tableId, type, rangePartitioning, timePartitioning, clustering } = table;
  return {
    kind: 'bigquery#table',
    id: `${projectId}:${datasetId}.${tableId}`,
    ...common(table),
    tableReference: { projectId, datasetId, tableId },
    type,
    schema: { fields: table.schema },
    numRows: String(table.rows.length),
    numBytes: String(tableBytes(table)),
    expirationTime: int64(table.expirationTime),
    rangePartitioning,
    timePartitioning,
    clustering,
    snapshotDefinition: table.snapshotDefinition,
  };
}

/** tables.list entries: BigQuery lists tables without schema, rows or snapshot definition. */
export function tableEntry(t: StubTable) {
  const { kind, id, tableReference, type, labels, creationTime, expirationTime } = table(t);
  return { kind, id, tableReference, type, labels, creationTime, expirationTime };
}

/** A dry run's reference has no jobId: no job exists (as verified in googleapis/google-cloud-rust#6514). */
export const jobReference = ({ projectId, jobId, location, dryRun }: StubJob) =>
  dryRun ? { projectId, location } : { projectId, jobId, location };

/**
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/Job: `statistics.query.totalBytesBilled` once
 * the job is DONE (JobStatistics2), never for a dry run, which bills nothing.
 */
export function job(job: StubJob) {
  const done = isComplete(job);
  const errorResult = job.cancelled
    ? { reason: 'stopped', message: bigQueryError('stopped').message }
    : job.errorResult;
  const totalBytesProcessed = String(job.bytesProcessed);
  const billed = done && !job.dryRun ? { totalBytesBilled: String(job.bytesBilled) } : {};
  const query = { totalBytesProcessed, ...billed, ...(job.dryRun && { schema: { fields: job.schema } }) };
  return {
    kind: 'bigquery#job',
    jobReference: jobReference(job),
    configuration: { ...job.configuration, jobType: job.jobType },
    status: done
      ? { state: 'DONE', ...(errorResult && { errorResult, errors: [errorResult] }) }
      : { state: 'RUNNING' },
    statistics: {
      startTime: String(job.createdAt),
      totalBytesProcessed,
      ...(job.jobType === 'QUERY' && { query }),
    },
  };
}

/**
 * One page of a finished job's rows, with the next page's token when there is one. As BigQuery's
 * GetQueryResultsResponse (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults),
 * it has no `totalBytesBilled`; jobs.query adds it. The token is the next row's offset.
 */
export function page(job: StubJob, offset: number, size: number, int64Timestamps: boolean) {
  const end = Math.min(job.rows.length, offset + size);
  return {
    schema: { fields: job.schema },
    totalRows: String(job.rows.length),
    rows: job.rows.slice(offset, end).map((row) => encodeRow(job.schema, row, int64Timestamps)),
    pageToken: end < job.rows.length ? String(end) : undefined,
    totalBytesProcessed: String(job.bytesProcessed),
    cacheHit: false,
    jobComplete: true,
  };
}
