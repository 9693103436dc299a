/** The parts of BigQuery's REST resources this source reads (jobs.query, getQueryResults, tables.get). */

export interface FieldSchema {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: FieldSchema[];
}

export interface WireCell {
  v: unknown;
}

export interface WireRow {
  f: WireCell[];
}

/** A dry run's reference has no jobId (no job exists). */
export interface JobReference {
  projectId: string;
  jobId?: string;
  location?: string;
}

/** A reference to a job that exists: the only kind that may be polled, read or cancelled. */
export type JobId = JobReference & { jobId: string };

/** The part of a Job (jobs.get) this source reads. */
export interface JobResource {
  statistics?: { query?: { totalBytesBilled?: string } };
}

/** `QueryResponse` (jobs.query) and `GetQueryResultsResponse` share these fields. */
export interface QueryResultsPage {
  schema?: { fields?: FieldSchema[] };
  rows?: WireRow[];
  jobComplete?: boolean;
  jobReference?: JobReference;
  /** Set instead of `jobReference` when JOB_CREATION_OPTIONAL ran the query without a job. */
  queryId?: string;
  pageToken?: string;
  totalRows?: string;
  totalBytesBilled?: string;
  totalBytesProcessed?: string;
  cacheHit?: boolean;
}

export interface TableResource {
  type?: string;
  schema?: { fields?: FieldSchema[] };
  lastModifiedTime?: string;
  etag?: string;
}
