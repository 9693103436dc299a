import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiError } from '../../errors.js';
import type { SourceObserver } from '../types.js';
import { Deadline } from './deadline.js';
import { DeadlineExceededError, type ErrorContext, toApiError, upstreamDetails } from './errors.js';
import type { TableRef } from './identifiers.js';
import { type ParameterValue, toQueryParameters } from './parameters.js';
import type { BigQueryRest } from './rest.js';
import type { FieldSchema, JobReference, QueryResultsPage, TableResource, WireRow } from './wire-types.js';

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
  /** Validate and price the query without running it (free). */
  dryRun?: boolean;
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

  /** Runs a query and hands its pages to `consume` until it returns false or the rows run out. */
  async query(spec: QuerySpec, consume: PageConsumer): Promise<void> {
    await this.observe(spec.kind, spec.target, async (deadline, track) => {
      let page = await deadline.race(this.rest.query(this.requestBody(spec, deadline)));
      track(page.jobReference);
      // jobs.query reports bytes billed; getQueryResults does not, so keep the first figure seen.
      let bytesBilled = Number(page.totalBytesBilled ?? 0);
      while (!page.jobComplete) {
        deadline.assertTimeForAnotherCall();
        page = await deadline.race(
          this.rest.getQueryResults(requireJob(page), {
            timeoutMs: deadline.serverWaitMs(),
            maxResults: spec.pageSize,
          }),
        );
        bytesBilled = Number(page.totalBytesBilled ?? bytesBilled);
      }
      track(undefined);
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
      return { result: undefined, bytesBilled };
    });
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
      ...(spec.dryRun ? { dryRun: true } : {}),
    };
  }

  /** Times `call`, reports it, and maps its failure (cancelling a job left running past the deadline). */
  private async observe<T>(
    kind: CallKind,
    target: QuerySpec['target'],
    call: (
      deadline: Deadline,
      track: (job: JobReference | undefined) => void,
    ) => Promise<{ result: T; bytesBilled: number }>,
  ): Promise<T> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const deadline = new Deadline(this.settings.timeoutMs);
    let runningJob: JobReference | undefined;
    try {
      const { result, bytesBilled } = await call(deadline, (job) => {
        runningJob = job;
      });
      this.observer.query({ kind, outcome: 'ok', seconds: seconds(), bytesBilled });
      return result;
    } catch (error) {
      this.observer.query({ kind, outcome: 'error', seconds: seconds(), bytesBilled: 0 });
      if (error instanceof DeadlineExceededError && runningJob) this.cancel(runningJob);
      throw this.mapped(error, { ...target, ...this.settings }, kind);
    }
  }

  private mapped(error: unknown, context: ErrorContext, kind: CallKind): ApiError {
    const apiError = toApiError(error, context);
    const upstream = upstreamDetails(error);
    const details = { kind, [context.resource]: context.id, status: apiError.statusCode, upstream };
    if (upstream.reasons.includes('bytesBilledLimitExceeded')) {
      this.logger.error(
        details,
        `BigQuery query stopped by BIGQUERY_MAX_BYTES_BILLED=${context.maxBytesBilled}`,
      );
    } else if (apiError.statusCode >= 500) {
      this.logger.error(details, 'BigQuery call failed');
    } else {
      this.logger.info(details, 'BigQuery call rejected');
    }
    return apiError;
  }

  private cancel(job: JobReference): void {
    this.rest.cancelJob(job).catch((error: unknown) => {
      this.logger.debug({ job, upstream: upstreamDetails(error) }, 'could not cancel a BigQuery job');
    });
  }
}

function requireJob(page: QueryResultsPage): JobReference {
  if (!page.jobReference) throw new Error('BigQuery left a query unfinished without a job to follow');
  return page.jobReference;
}
