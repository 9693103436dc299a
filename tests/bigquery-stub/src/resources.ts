import { isComplete, type StubJob } from './jobs.js';
import type { StubDataset, StubModel, StubTable } from './model.js';
import { type EncodeOptions, encodeRows } from './wire.js';

/** REST resources as BigQuery renders them: int64 fields as strings, times in epoch milliseconds. */

export function datasetResource(dataset: StubDataset) {
  const { projectId, datasetId } = dataset;
  return {
    kind: 'bigquery#dataset',
    etag: etag(dataset.lastModifiedTime),
    id: `${projectId}:${datasetId}`,
    datasetReference: { projectId, datasetId },
    location: dataset.location,
    labels: dataset.labels,
    description: dataset.description,
    friendlyName: dataset.friendlyName,
    creationTime: String(dataset.creationTime),
    lastModifiedTime: String(dataset.lastModifiedTime),
    type: 'DEFAULT',
  };
}

export function tableResource(model: StubModel, table: StubTable) {
  const { projectId, datasetId, tableId } = table;
  return {
    kind: 'bigquery#table',
    etag: etag(table.lastModifiedTime),
    id: `${projectId}:${datasetId}.${tableId}`,
    tableReference: { projectId, datasetId, tableId },
    type: table.type,
    schema: { fields: table.schema },
    numRows: String(table.rows.length),
    numBytes: String(model.tableBytes(table)),
    location: table.location,
    labels: table.labels,
    description: table.description,
    friendlyName: table.friendlyName,
    creationTime: String(table.creationTime),
    lastModifiedTime: String(table.lastModifiedTime),
    expirationTime: table.expirationTime === undefined ? undefined : String(table.expirationTime),
    rangePartitioning: table.rangePartitioning,
    timePartitioning: table.timePartitioning,
    clustering: table.clustering,
    snapshotDefinition: table.snapshotDefinition,
  };
}

/** A dry run's reference has no jobId: no job exists. */
export function jobReference(job: StubJob) {
  return job.dryRun
    ? { projectId: job.projectId, location: job.location }
    : { projectId: job.projectId, jobId: job.jobId, location: job.location };
}

/**
 * A Job (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job): statistics.query.totalBytesBilled
 * once the job is DONE (JobStatistics2), never for a dry run, which bills nothing.
 */
export function jobResource(job: StubJob, now = Date.now()) {
  const done = isComplete(job, now);
  const jobType = job.jobType ?? 'QUERY';
  const errorResult = job.cancelled ? stoppedError : job.errorResult;
  const typeStatistics =
    jobType === 'COPY'
      ? {
          copy: {
            copiedRows: String(job.copied?.rows ?? 0),
            copiedLogicalBytes: String(job.copied?.bytes ?? 0),
          },
        }
      : {
          query: {
            totalBytesProcessed: String(job.bytesProcessed),
            ...(done && !job.dryRun ? { totalBytesBilled: String(job.bytesBilled) } : {}),
            cacheHit: false,
            statementType: 'SELECT',
            ...(job.dryRun ? { schema: { fields: job.schema } } : {}),
          },
        };
  return {
    kind: 'bigquery#job',
    etag: etag(job.createdAt),
    ...(job.dryRun ? {} : { id: `${job.projectId}:${job.location}.${job.jobId}` }),
    jobReference: jobReference(job),
    configuration: { ...job.configuration, jobType },
    status: done
      ? { state: 'DONE', ...(errorResult ? { errorResult, errors: [errorResult] } : {}) }
      : { state: 'RUNNING' },
    statistics: {
      creationTime: String(job.createdAt),
      startTime: String(job.createdAt),
      endTime: done ? String(Math.min(now, job.completesAt)) : undefined,
      totalBytesProcessed: String(job.bytesProcessed),
      ...typeStatistics,
    },
    user_email: 'stub@tilestack.invalid',
  };
}

/** tables.list entries: BigQuery lists tables without schema, rows or snapshot definition. */
export function tableListEntry(table: StubTable) {
  const { projectId, datasetId, tableId } = table;
  return {
    kind: 'bigquery#table',
    id: `${projectId}:${datasetId}.${tableId}`,
    tableReference: { projectId, datasetId, tableId },
    type: table.type,
    labels: table.labels,
    creationTime: String(table.creationTime),
    expirationTime: table.expirationTime === undefined ? undefined : String(table.expirationTime),
  };
}

const stoppedError = {
  reason: 'stopped',
  message: 'Job execution was cancelled: User requested cancellation',
};

/**
 * One page of a finished job's rows, with the token of the next page when there is one. Like
 * BigQuery's GetQueryResultsResponse it has no `totalBytesBilled`; jobs.query adds it.
 */
export function resultPage(job: StubJob, offset: number, size: number, options: EncodeOptions) {
  const end = Math.min(job.rows.length, offset + size);
  return {
    schema: { fields: job.schema },
    totalRows: String(job.rows.length),
    rows: encodeRows(job.schema, job.rows.slice(offset, end), options),
    pageToken: end < job.rows.length ? encodePageToken(end) : undefined,
    totalBytesProcessed: String(job.bytesProcessed),
    cacheHit: false,
    jobComplete: true,
  };
}

export function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodePageToken(token: string): number {
  const offset = Number(/^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString())?.[1]);
  return Number.isSafeInteger(offset) ? offset : 0;
}

function etag(seed: number): string {
  return Buffer.from(String(seed)).toString('base64');
}
