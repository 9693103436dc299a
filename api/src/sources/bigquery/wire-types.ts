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

export interface JobReference {
  projectId: string;
  jobId: string;
  location?: string;
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
