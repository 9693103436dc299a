import type {
  BigQueryRest,
  JobId,
  PageConsumer,
  ParameterValue,
  TableRef,
  TableResource,
} from '@tilestack/bigquery';
import { Deadline, runQuery, toBigQueryError } from '@tilestack/bigquery';
import type { FastifyBaseLogger } from 'fastify';
import type { SourceObserver } from '../types.js';
import { type ErrorContext, mapError } from './errors.js';

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
  getTable(kind: CallKind, ref: TableRef, resource: ErrorContext['resource']): Promise<TableResource> {
    return this.observe(kind, { resource, id: ref.id }, async (deadline) => ({
      result: await deadline.race(this.rest.getTable(ref)),
      bytesBilled: 0,
    }));
  }

  /** A free dry run of `sql` (jobs.insert, as the official client sends one): nothing to poll, nothing billed. */
  async dryRun(kind: CallKind, target: QuerySpec['target'], sql: string): Promise<void> {
    await this.observe(kind, target, async (deadline) => ({
      result: await deadline.race(this.rest.dryRunJob(sql, { app: 'tilestack', kind })),
      bytesBilled: 0,
    }));
  }

  /** Runs a query and hands its pages to `consume` until it returns false or the rows run out. */
  async query(spec: QuerySpec, consume: PageConsumer): Promise<void> {
    await this.observe(spec.kind, spec.target, async (deadline, onJob) => {
      const { bytesBilled } = await runQuery(
        this.rest,
        {
          ...spec,
          maximumBytesBilled: this.settings.maxBytesBilled,
          jobTimeoutMs: this.settings.timeoutMs,
          jobOptional: true,
          labels: { app: 'tilestack', kind: spec.kind },
          location: this.settings.location,
          deadline,
          onJob,
        },
        consume,
      );
      return { result: undefined, bytesBilled };
    });
  }

  /** Times `call`, reports it, and maps its failure (cancelling a job left running past the deadline). */
  private async observe<T>(
    kind: CallKind,
    target: QuerySpec['target'],
    call: (deadline: Deadline, onJob: (job?: JobId) => void) => Promise<{ result: T; bytesBilled: number }>,
  ): Promise<T> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let running: JobId | undefined;
    try {
      const { result, bytesBilled } = await call(new Deadline(this.settings.timeoutMs), (job) => {
        running = job;
      });
      this.observer.query({ kind, outcome: 'ok', seconds: seconds(), bytesBilled });
      this.logger.debug({ kind, [target.resource]: target.id, bytesBilled }, 'BigQuery call');
      return result;
    } catch (error) {
      this.observer.query({ kind, outcome: 'error', seconds: seconds(), bytesBilled: 0 });
      const { apiError, log } = mapError(error, { ...target, ...this.settings });
      if (apiError.statusCode === 504 && running) this.cancel(running);
      const details = {
        kind,
        [target.resource]: target.id,
        status: apiError.statusCode,
        upstream: toBigQueryError(error).toJSON(),
      };
      if (log) this.logger.error(details, log);
      else if (apiError.statusCode >= 500) this.logger.error(details, 'BigQuery call failed');
      else this.logger.info(details, 'BigQuery call rejected');
      throw apiError;
    }
  }

  private cancel(job: JobId): void {
    this.rest.cancelJob(job).catch((error: unknown) => {
      this.logger.debug(
        { job, upstream: toBigQueryError(error).toJSON() },
        'could not cancel a BigQuery job',
      );
    });
  }
}
