import { randomUUID } from 'node:crypto';
import { bigQueryError, StubError } from './errors.js';
import type { StubModel } from './model.js';
import { decodeQueryParameters } from './parameters.js';
import { parseSelect } from './sql.js';
import type { QueryHandler, QueryResult, StubField, StubRow } from './types.js';
import { billedBytes } from './wire.js';

/** A query the stub has run: its result is kept for `jobs.getQueryResults` paging. */
export interface StubJob {
  projectId: string;
  jobId: string;
  location: string;
  /** `configuration` as BigQuery echoes it in the Job resource. */
  configuration: Record<string, unknown>;
  schema: StubField[];
  rows: StubRow[];
  bytesProcessed: number;
  bytesBilled: number;
  createdAt: number;
  /** When the simulated execution ends; before that the job is RUNNING. */
  completesAt: number;
  cancelled: boolean;
  dryRun: boolean;
  /** QUERY unless set; copy jobs (`configuration.copy`) are COPY. */
  jobType?: 'QUERY' | 'COPY';
  /** Why a job failed: BigQuery reports it in `status.errorResult` of a DONE job. */
  errorResult?: { reason: string; message: string; status?: number };
  /** Copy jobs: rows and logical bytes copied (`statistics.copy`). */
  copied?: { rows: number; bytes: number };
}

/** The query part of a request, whichever route it came by (`jobs.query` or `jobs.insert`). */
export interface QuerySpec {
  projectId: string;
  query: unknown;
  queryParameters?: unknown;
  useLegacySql?: unknown;
  maximumBytesBilled?: unknown;
  dryRun?: boolean;
  location?: string;
  jobId?: string;
  configuration: Record<string, unknown>;
  body: unknown;
}

/**
 * Runs queries through the registered handlers (tests' handlers first, then the built-in ones),
 * applies BigQuery's billing rules and keeps the jobs a client may still page through.
 */
export class QueryEngine {
  private handlers: QueryHandler[] = [];
  private readonly jobs = new Map<string, StubJob>();

  constructor(
    private readonly model: StubModel,
    private readonly builtInHandlers: QueryHandler[],
  ) {}

  addHandlers(handlers: QueryHandler[]): void {
    this.handlers.push(...handlers);
  }

  resetHandlers(): void {
    this.handlers = [];
  }

  /**
   * Starts a query job (jobs.insert): as on BigQuery, a query that cannot run (syntax, missing table,
   * bytes cap) does not fail the insert; the job is DONE with `status.errorResult`, and reading its
   * results answers the error. Only a request without a query is refused outright.
   */
  start(spec: QuerySpec): StubJob {
    try {
      return this.run(spec);
    } catch (error) {
      if (!(error instanceof StubError) || error.reason === 'invalid') throw error;
      const failed = this.job(spec, { schema: [], rows: [] }, 0);
      failed.errorResult = { reason: error.reason, message: error.message, status: error.status };
      return failed;
    }
  }

  /** Runs `spec` now. Throws a `StubError` for what BigQuery rejects before running a query. */
  run(spec: QuerySpec): StubJob {
    if (typeof spec.query !== 'string' || spec.query.trim() === '') {
      throw bigQueryError('invalid', 'Required parameter is missing: query');
    }
    if (spec.useLegacySql !== false) {
      // The REST default is legacy SQL; a client that forgets `useLegacySql: false` is a bug.
      throw bigQueryError('invalidQuery', 'Invalid table name: legacy SQL is not supported by the stub');
    }
    const result = this.answer(spec);
    const bytesProcessed = result.bytesProcessed ?? 0;
    const bytesBilled = spec.dryRun ? 0 : billedBytes(bytesProcessed);
    const cap = spec.maximumBytesBilled === undefined ? undefined : Number(spec.maximumBytesBilled);
    if (!spec.dryRun && cap !== undefined && bytesBilled > cap) {
      throw bigQueryError(
        'bytesBilledLimitExceeded',
        `Query exceeded limit for bytes billed: ${cap}. ${bytesBilled} or higher required.`,
      );
    }
    return this.job(spec, result, bytesBilled);
  }

  private job(spec: QuerySpec, result: QueryResult, bytesBilled: number): StubJob {
    const now = Date.now();
    return {
      projectId: spec.projectId,
      jobId: spec.jobId ?? `job_${randomUUID().replaceAll('-', '_')}`,
      location: spec.location ?? this.model.defaultLocation,
      configuration: spec.configuration,
      schema: result.schema,
      rows: result.rows,
      bytesProcessed: result.bytesProcessed ?? 0,
      bytesBilled,
      createdAt: now,
      completesAt: now + (result.runMs ?? 0),
      cancelled: false,
      dryRun: spec.dryRun === true,
    };
  }

  /** Keeps `job` so `jobs.get`, `jobs.getQueryResults` and `jobs.cancel` can find it. */
  register(job: StubJob): void {
    this.jobs.set(`${job.projectId}/${job.jobId}`, job);
  }

  has(projectId: string, jobId: string): boolean {
    return this.jobs.has(`${projectId}/${jobId}`);
  }

  find(projectId: string, jobId: string): StubJob {
    const job = this.jobs.get(`${projectId}/${jobId}`);
    if (!job) throw bigQueryError('notFound', `Not found: Job ${projectId}:${jobId}`);
    return job;
  }

  private answer(spec: QuerySpec): QueryResult {
    const query = spec.query as string;
    const request = {
      query,
      select: parseSelect(query),
      params: decodeQueryParameters(spec.queryParameters),
      body: spec.body,
      model: this.model,
    };
    for (const handler of [...this.handlers, ...this.builtInHandlers]) {
      const result = handler(request);
      if (result) return result;
    }
    throw bigQueryError('invalidQuery', `stub: no query handler recognises this SQL: ${request.query}`);
  }
}

export function isComplete(job: StubJob, now = Date.now()): boolean {
  return job.cancelled || now >= job.completesAt;
}
