import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiError } from '../../errors.js';
import type { SourceObserver } from '../types.js';
import { Deadline } from './deadline.js';
import { DeadlineExceededError, type ErrorContext, mapError, upstreamDetails } from './errors.js';
import type { TableRef } from './identifiers.js';
import { type ParameterValue, toQueryParameters } from './parameters.js';
import type { BigQueryRest } from './rest.js';
import type { FieldSchema, JobId, QueryResultsPage, TableResource, WireRow } from './wire-types.js';

type CallKind = Parameters<SourceObserver['query']>[0]['kind'];

export interface UpstreamSettings {
  maxBytesBilled: number;
  timeoutMs: number;
  location?: string;
}

export interface QuerySpec {
  kind: CallKind;
  /** The tileset or table the query is about (for error messages and logs). */
  target: Pick<ErrorContext, 'resource' | 'id'>;
  sql: string;
  params?: Record<string, ParameterValue>;
  /** Rows per page (`maxResults`). */
  pageSize: number;
}

export interface ResultPage {
  fields: FieldSchema[];
  rows: WireRow[];
}

/** Return false to stop reading pages. */
export type PageConsumer = (page: ResultPage) => boolean | undefined;

/**
 * Every call this source makes to BigQuery goes through here, so each one gets the same
 * guarantees: the BIGQUERY_TIMEOUT_MS budget (server-side `timeoutMs`/`jobTimeoutMs` and a
 * client-side deadline), the BIGQUERY_MAX_BYTES_BILLED cap, JOB_CREATION_OPTIONAL, named
 * parameters, cost-attribution labels, an observer event, and errors mapped to our classes.
 */
export class BigQueryUpstream {
  constructor(
    private readonly rest: BigQueryRest,
    private readonly settings: UpstreamSettings,
    private readonly observer: SourceObserver,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /** tables.get (free), mapped: a missing or forbidden table is a 404. */
  async getTable(kind: CallKind, ref: TableRef, resource: ErrorContext['resource']): Promise<TableResource> {
    return this.observe(kind, { resource, id: ref.id }, async (deadline) => ({
      result: await deadline.race(this.rest.getTable(ref)),
      bytesBilled: 0,
    }));
  }

  /** A free dry run of `sql` (jobs.insert, as the official client sends one): nothing to poll, nothing billed. */
  async dryRun(kind: CallKind, target: QuerySpec['target'], sql: string): Promise<void> {
    await this.observe(kind, target, async (deadline) => ({
      result: await deadline.race(this.rest.dryRun(sql, { app: 'tilestack', kind })),
      bytesBilled: 0,
    }));
  }

  /** Runs a query and hands its pages to `consume` until it returns false or the rows run out. */
  async query(spec: QuerySpec, consume: PageConsumer): Promise<void> {
    await this.observe(spec.kind, spec.target, async (deadline, track) => {
      let page = await deadline.race(this.rest.query(this.requestBody(spec, deadline)));
      track(page.jobReference);
      // jobs.query reports bytes billed only when it answers with the finished query; getQueryResults
      // never does (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults).
      const firstBilled = page.totalBytesBilled;
      while (!page.jobComplete) {
        deadline.assertTimeForAnotherCall();
        page = await deadline.race(
          this.rest.getQueryResults(requireJob(page), {
            timeoutMs: deadline.serverWaitMs(),
            maxResults: spec.pageSize,
          }),
        );
      }
      track(undefined);
      // So a query that outlived the first reply is read from its job's statistics, alongside its rows.
      const billed =
        firstBilled === undefined ? this.billedBytes(page) : Promise.resolve(Number(firstBilled));
      const fields = page.schema?.fields ?? [];
      while (consume({ fields, rows: page.rows ?? [] }) !== false && page.pageToken) {
        page = await deadline.race(
          this.rest.getQueryResults(requireJob(page), {
            pageToken: page.pageToken,
            maxResults: spec.pageSize,
            timeoutMs: deadline.serverWaitMs(),
          }),
        );
      }
      // The rows are in: a statistics read cut short by the deadline costs the figure, not the answer.
      return { result: undefined, bytesBilled: await deadline.race(billed).catch(() => 0) };
    });
  }

  /** statistics.query.totalBytesBilled of the page's job (jobs.get); 0, logged, when it cannot be read. */
  private async billedBytes(page: QueryResultsPage): Promise<number> {
    if (!page.jobReference?.jobId) return 0;
    try {
      const job = await this.rest.getJob(requireJob(page));
      return Number(job.statistics?.query?.totalBytesBilled ?? 0);
    } catch (error) {
      this.logger.warn(
        { job: page.jobReference, upstream: upstreamDetails(error) },
        'could not read bytes billed',
      );
      return 0;
    }
  }

  private requestBody(spec: QuerySpec, deadline: Deadline): Record<string, unknown> {
    const params = spec.params ?? {};
    const hasParams = Object.keys(params).length > 0;
    return {
      query: spec.sql,
      useLegacySql: false,
      ...(hasParams ? { parameterMode: 'NAMED', queryParameters: toQueryParameters(params) } : {}),
      maximumBytesBilled: String(this.settings.maxBytesBilled),
      timeoutMs: deadline.serverWaitMs(),
      jobTimeoutMs: String(this.settings.timeoutMs),
      jobCreationMode: 'JOB_CREATION_OPTIONAL',
      labels: { app: 'tilestack', kind: spec.kind },
      maxResults: spec.pageSize,
      formatOptions: { useInt64Timestamp: true },
      requestId: randomUUID(),
      ...(this.settings.location ? { location: this.settings.location } : {}),
    };
  }

  /** Times `call`, reports it, and maps its failure (cancelling a job left running past the deadline). */
  private async observe<T>(
    kind: CallKind,
    target: QuerySpec['target'],
    call: (
      deadline: Deadline,
      track: (job: QueryResultsPage['jobReference']) => void,
    ) => Promise<{ result: T; bytesBilled: number }>,
  ): Promise<T> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const deadline = new Deadline(this.settings.timeoutMs);
    let runningJob: QueryResultsPage['jobReference'];
    try {
      const { result, bytesBilled } = await call(deadline, (job) => {
        runningJob = job;
      });
      this.observer.query({ kind, outcome: 'ok', seconds: seconds(), bytesBilled });
      this.logger.debug({ kind, [target.resource]: target.id, bytesBilled }, 'BigQuery call');
      return result;
    } catch (error) {
      this.observer.query({ kind, outcome: 'error', seconds: seconds(), bytesBilled: 0 });
      if (error instanceof DeadlineExceededError && runningJob?.jobId)
        this.cancel({ ...runningJob, jobId: runningJob.jobId });
      throw this.mapped(error, { ...target, ...this.settings }, kind);
    }
  }

  private mapped(error: unknown, context: ErrorContext, kind: CallKind): ApiError {
    const { apiError, log } = mapError(error, context);
    const upstream = upstreamDetails(error);
    const details = { kind, [context.resource]: context.id, status: apiError.statusCode, upstream };
    if (log) this.logger.error(details, log);
    else if (apiError.statusCode >= 500) this.logger.error(details, 'BigQuery call failed');
    else this.logger.info(details, 'BigQuery call rejected');
    return apiError;
  }

  private cancel(job: JobId): void {
    this.rest.cancelJob(job).catch((error: unknown) => {
      this.logger.debug({ job, upstream: upstreamDetails(error) }, 'could not cancel a BigQuery job');
    });
  }
}

/** The page's job, to poll or page through; a reply without a job id (a dry run) has nothing to follow. */
function requireJob(page: QueryResultsPage): JobId {
  const job = page.jobReference;
  if (!job?.jobId) throw new Error('BigQuery left a query unfinished without a job to follow');
  return { ...job, jobId: job.jobId };
}
