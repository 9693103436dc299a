import { randomUUID } from 'node:crypto';
import { bigQueryError, orNotFound, StubError } from './errors.js';
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
  /** The statement's effect on the model (DDL), applied only when it runs: not for a dry run or over the cap. */
  apply?(): void;
}

export interface QueryRequest {
  query: string;
  /** The statement as the GoogleSQL grammar parsed it; undefined for anything but a simple SELECT. */
  select?: ParsedSelect;
  /** Named parameters decoded (INT64 → number, ARRAY → array). */
  params: Record<string, unknown>;
  model: StubModel;
}

/** Answers the queries it recognises, `undefined` for others; throw a `StubError` to answer an error. */
export type QueryHandler = (request: QueryRequest) => QueryResult | undefined;

/** `SELECT 1` (readiness probes, dry runs): answered by BigQuery without reading any table. */
export const constantSelectHandler: QueryHandler = ({ select }) =>
  selects(select, { columns: ['1'] }) && !select?.table
    ? { schema: [{ name: 'f0_', type: 'INTEGER', mode: 'NULLABLE' }], rows: [{ f0_: 1 }] }
    : undefined;

export interface JobStart {
  projectId: string;
  jobId?: string;
  location?: string;
  /** JobConfiguration as sent (jobs.query's request becomes `{ query, dryRun }`). */
  // biome-ignore lint/suspicious/noExplicitAny: as sent
  configuration: { query?: any; copy?: any; dryRun?: boolean };
}

export type StubJob = ReturnType<typeof newJob>;

export function newJob(start: JobStart, defaultLocation: string, jobType: 'QUERY' | 'COPY') {
  const { projectId, jobId = `job_${randomUUID().replaceAll('-', '_')}`, configuration } = start;
  const now = Date.now();
  const job = { projectId, jobId, location: start.location ?? defaultLocation, configuration, jobType };
  const result = { schema: [] as StubField[], rows: [] as StubRow[], bytesProcessed: 0, bytesBilled: 0 };
  const state = { createdAt: now, completesAt: now, cancelled: false, dryRun: configuration.dryRun === true };
  const errorResult = undefined as { reason: string; message: string; status?: number } | undefined;
  return { ...job, ...result, ...state, errorResult };
}

export const isComplete = (job: StubJob) => job.cancelled || Date.now() >= job.completesAt;

export class QueryEngine {
  handlers: QueryHandler[] = [];
  private readonly jobs = new Map<string, StubJob>();

  constructor(private readonly model: StubModel) {}

  /**
   * Runs `configuration.query` through the handlers (tests' first, then `SELECT 1`) and throws what BigQuery
   * refuses; with `failInJob` (jobs.insert) a query that cannot run (syntax, missing table, bytes cap) gives a DONE job
   * with `status.errorResult` instead, as on BigQuery.
   */
  run(start: JobStart, failInJob = false): StubJob {
    const job = this.add(newJob(start, this.model.defaultLocation, 'QUERY'));
    try {
      return Object.assign(job, this.execute(job));
    } catch (error) {
      if (!failInJob || !(error instanceof StubError)) throw error;
      job.errorResult = { reason: error.reason, message: error.message, status: error.status };
      return job;
    }
  }

  private execute({ configuration, dryRun }: StubJob) {
    const { query, useLegacySql, queryParameters, maximumBytesBilled } = configuration.query;
    // The REST default is legacy SQL; a client that forgets `useLegacySql: false` is a bug.
    if (useLegacySql !== false)
      throw bigQueryError('invalidQuery', 'Invalid table name: legacy SQL is not supported by the stub');
    const request = { query, select: parseSelect(query), params: decodeQueryParameters(queryParameters) };
    let result: QueryResult | undefined;
    for (const handler of [...this.handlers, constantSelectHandler])
      result ??= handler({ ...request, model: this.model });
    if (!result) throw bigQueryError('invalidQuery', `stub: no query handler recognises this SQL: ${query}`);
    const { schema, rows, bytesProcessed = 0, runMs = 0 } = result;
    const bytesBilled = dryRun ? 0 : billedBytes(bytesProcessed);
    if (bytesBilled > Number(maximumBytesBilled ?? Number.POSITIVE_INFINITY)) {
      const message = `Query exceeded limit for bytes billed: ${maximumBytesBilled}. ${bytesBilled} or higher required.`;
      throw bigQueryError('bytesBilledLimitExceeded', message);
    }
    if (!dryRun) result.apply?.();
    return { schema, rows, bytesProcessed, bytesBilled, completesAt: Date.now() + runMs };
  }

  /** Keeps `job` for jobs.get, jobs.getQueryResults and jobs.cancel. */
  add(job: StubJob): StubJob {
    this.jobs.set(`${job.projectId}:${job.jobId}`, job);
    return job;
  }

  find(projectId: string, jobId: string): StubJob {
    return orNotFound(this.jobs.get(`${projectId}:${jobId}`), 'Job', `${projectId}:${jobId}`);
  }
}
