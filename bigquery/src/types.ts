/** The parts of BigQuery's REST resources (v2) the API and stable-copy read. */

export interface FieldSchema {
  name: string;
  type: string;
  mode?: string;
  fields?: FieldSchema[];
}

export interface WireRow {
  f: { v: unknown }[];
}

/** A table: `project.dataset.table` split (see identifiers.ts for the checked form). */
export interface TableName {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/** A dry run's reference has no jobId (no job exists). */
export interface JobReference {
  projectId: string;
  jobId?: string;
  location?: string;
}

/** A job that exists: the only kind that may be polled, read or cancelled. */
export type JobId = JobReference & { jobId: string };

export interface JobResource {
  jobReference: JobId;
  status?: { state?: string; errorResult?: { reason?: string; message?: string } };
  statistics?: { startTime?: string; totalBytesProcessed?: string; query?: { totalBytesBilled?: string } };
}

/** `QueryResponse` (jobs.query) and `GetQueryResultsResponse` share these fields. */
export interface QueryResultsPage {
  schema?: { fields?: FieldSchema[] };
  rows?: WireRow[];
  jobComplete?: boolean;
  jobReference?: JobReference;
  pageToken?: string;
  /** Only jobs.query reports it, and only when it answers with the finished query. */
  totalBytesBilled?: string;
  totalBytesProcessed?: string;
}

export interface TableResource {
  tableReference: TableName;
  type?: string;
  schema?: { fields?: FieldSchema[] };
  numRows?: string;
  numBytes?: string;
  location?: string;
  labels?: Record<string, string>;
  description?: string;
  etag?: string;
  lastModifiedTime?: string;
  creationTime?: string;
  expirationTime?: string;
  rangePartitioning?: { field: string; range: { start: string; end: string; interval: string } };
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  snapshotDefinition?: { baseTableReference: TableName; snapshotTime: string };
}

export interface DatasetResource {
  location?: string;
  labels?: Record<string, string>;
}
