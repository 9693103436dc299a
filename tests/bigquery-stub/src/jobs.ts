import { randomUUID } from 'node:crypto';
import { bigQueryError, duplicate, notFound, StubError } from './errors.js';
import type { StubField, StubModel, StubRow } from './model.js';
import { type ParsedSelect, parseSelect, selects } from './sql.js';
import { billedBytes, decodeQueryParameters } from './wire.js';

export interface QueryResult {
  schema: StubField[];
  rows: StubRow[];
  /** Bytes read, billed as BigQuery does (≥ 10 MiB, whole MiB). Default 0. */
  bytesProcessed?: number;
  /** Simulated execution time: the job is RUNNING until it has passed. Default 0. */
  runMs?: number;
}

export interface QueryRequest {
  query: string;
  /** The statement as the GoogleSQL grammar parsed it; undefined for anything but a simple SELECT. */
  select?: ParsedSelect;
  /** Named parameters decoded (INT64 → number, or bigint beyond 2^53; ARRAY → array). */
  params: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: the raw JSON body
  body: any;
  model: StubModel;
}

/** Answers the queries it recognises, `undefined` for others; throw a `StubError` to answer an error. */
export type QueryHandler = (request: QueryRequest) => QueryResult | undefined;

/** `SELECT 1` (readiness probes, dry runs): answered by BigQuery without reading any table. */
export const constantSelectHandler: QueryHandler = ({ select }) =>
  selects(select, { columns: ['1'] }) && !select?.table
    ? { schema: [{ name: 'f0_', type: 'INTEGER', mode: 'NULLABLE' }], rows: [{ f0_: 1 }] }
    : undefined;

export interface StubJob {
  projectId: string;
  jobId: string;
  location: string;
  configuration: Record<string, unknown>;
  jobType: 'QUERY' | 'COPY';
  schema: StubField[];
  rows: StubRow[];
  bytesProcessed: number;
  bytesBilled: number;
  createdAt: number;
  completesAt: number;
  cancelled: boolean;
  dryRun: boolean;
  errorResult?: { reason: string; message: string; status?: number };
  copied?: { rows: number; bytes: number };
}

export type JobStart = Pick<StubJob, 'projectId' | 'configuration'> & { jobId?: string; location?: string };

export function newJob(start: JobStart, defaultLocation: string, jobType: StubJob['jobType']): StubJob {
  const now = Date.now();
  const { projectId, jobId = `job_${randomUUID().replaceAll('-', '_')}`, configuration } = start;
  const location = start.location ?? defaultLocation;
  const empty = { schema: [], rows: [], bytesProcessed: 0, bytesBilled: 0, cancelled: false, dryRun: false };
  return { projectId, jobId, location, configuration, jobType, ...empty, createdAt: now, completesAt: now };
}

export const isComplete = (job: StubJob, now = Date.now()) => job.cancelled || now >= job.completesAt;

/** A query, whichever route it came by: `query` is the QueryRequest or JobConfigurationQuery sent. */
export interface QuerySpec extends JobStart {
  // biome-ignore lint/suspicious/noExplicitAny: as sent
  query: any;
  dryRun: boolean;
  body: unknown;
}

export class QueryEngine {
  handlers: QueryHandler[] = [];
  private readonly jobs = new Map<string, StubJob>();

  constructor(private readonly model: StubModel) {}

  /**
   * jobs.insert: as on BigQuery, a query that cannot run (syntax, missing table, bytes cap) does not fail
   * the insert; the job is DONE with `status.errorResult`. Only a request without a query is refused.
   */
  start(spec: QuerySpec): StubJob {
    try {
      return this.run(spec);
    } catch (error) {
      if (!(error instanceof StubError) || error.reason === 'invalid') throw error;
      const failed = newJob(spec, this.model.defaultLocation, 'QUERY');
      failed.errorResult = { reason: error.reason, message: error.message, status: error.status };
      return failed;
    }
  }

  /** Runs `spec` through the handlers (tests' first, then `SELECT 1`); throws what BigQuery refuses. */
  run(spec: QuerySpec): StubJob {
    const { query, useLegacySql, queryParameters, maximumBytesBilled } = spec.query ?? {};
    if (typeof query !== 'string' || query.trim() === '')
      throw bigQueryError('invalid', 'Required parameter is missing: query');
    // The REST default is legacy SQL; a client that forgets `useLegacySql: false` is a bug.
    if (useLegacySql !== false)
      throw bigQueryError('invalidQuery', 'Invalid table name: legacy SQL is not supported by the stub');
    const select = parseSelect(query);
    const request = { query, select, params: decodeQueryParameters(queryParameters), body: spec.body };
    let result: QueryResult | undefined;
    for (const handler of [...this.handlers, constantSelectHandler])
      result ??= handler({ ...request, model: this.model });
    if (!result) throw bigQueryError('invalidQuery', `stub: no query handler recognises this SQL: ${query}`);
    const { schema, rows, bytesProcessed = 0, runMs = 0 } = result;
    const bytesBilled = spec.dryRun ? 0 : billedBytes(bytesProcessed);
    const cap = maximumBytesBilled === undefined ? undefined : Number(maximumBytesBilled);
    if (!spec.dryRun && cap !== undefined && bytesBilled > cap) {
      const message = `Query exceeded limit for bytes billed: ${cap}. ${bytesBilled} or higher required.`;
      throw bigQueryError('bytesBilledLimitExceeded', message);
    }
    const job = newJob(spec, this.model.defaultLocation, 'QUERY');
    const completesAt = job.createdAt + runMs;
    return Object.assign(job, {
      schema,
      rows,
      bytesProcessed,
      bytesBilled,
      dryRun: spec.dryRun,
      completesAt,
    });
  }

  claim(projectId: string, jobId: string | undefined): void {
    if (jobId && this.jobs.has(`${projectId}:${jobId}`)) throw duplicate('Job', `${projectId}:${jobId}`);
  }

  register(job: StubJob): StubJob {
    this.jobs.set(`${job.projectId}:${job.jobId}`, job);
    return job;
  }

  find(projectId: string, jobId: string): StubJob {
    const job = this.jobs.get(`${projectId}:${jobId}`);
    if (!job) throw notFound('Job', `${projectId}:${jobId}`);
    return job;
  }
}
