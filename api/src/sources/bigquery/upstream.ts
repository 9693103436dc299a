import {
  type BigQueryError,
  type BigQueryRest,
  Deadline,
  type JobId,
  type PageConsumer,
  type ParameterValue,
  runQuery,
  type TableRef,
  type TableResource,
  toBigQueryError,
} from '@tilestack/bigquery';
import type { FastifyBaseLogger } from 'fastify';
import {
  type ApiError,
  NotFoundError,
  UnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../errors.js';
import type { SourceObserver } from '../types.js';

type CallKind = Parameters<SourceObserver['query']>[0]['kind'];

export interface Target {
  resource: 'tileset' | 'table';
  id: string;
}

export interface UpstreamSettings {
  maxBytesBilled: number;
  timeoutMs: number;
  location?: string;
}

export interface QuerySpec {
  kind: CallKind;
  /** The tileset or table the query is about. */
  table: TableRef;
  sql: string;
  params?: Record<string, ParameterValue>;
  /** Rows per page (`maxResults`). */
  pageSize: number;
}

/**
 * Every call this source makes to BigQuery goes through here, so each one gets the guarantees
 * listed in this folder's README: time budget, bytes cap, job mode, labels, observer event, and
 * errors mapped to our classes.
 */
export class BigQueryUpstream {
  constructor(
    private readonly rest: BigQueryRest,
    private readonly settings: UpstreamSettings,
    private readonly observer: SourceObserver,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /** tables.get (free), mapped: a missing or forbidden table is a 404. */
  getTable(resource: Target['resource'], ref: TableRef): Promise<TableResource> {
    const target = { resource, id: ref.id };
    return this.observe(resource, target, (deadline) => deadline.race(this.rest.getTable(ref)));
  }

  /**
   * Readiness: a free dry run of `SELECT 1` (jobs.insert, as the official client sends one) proves
   * credentials, reachability and the billing project's query permission; nothing to poll.
   */
  async ping(): Promise<void> {
    const labels = { app: 'tilestack', kind: 'ping' };
    await this.observe('ping', { resource: 'table', id: 'readiness probe' }, (deadline) =>
      deadline.race(this.rest.dryRunJob('SELECT 1', labels)),
    );
  }

  /** Runs a query and hands its pages to `consume` until it returns false or the rows run out. */
  async query(spec: QuerySpec, consume: PageConsumer): Promise<void> {
    const target: Target = { resource: spec.kind === 'table' ? 'table' : 'tileset', id: spec.table.id };
    await this.observe(spec.kind, target, async (deadline, onJob) => {
      const { maxBytesBilled, timeoutMs, location } = this.settings;
      const labels = { app: 'tilestack', kind: spec.kind };
      const query = { ...spec, maximumBytesBilled: maxBytesBilled, jobTimeoutMs: timeoutMs, location };
      const run = { ...query, jobOptional: true, labels, deadline, onJob };
      return (await runQuery(this.rest, run, consume)).bytesBilled;
    });
  }

  /** Times `call`, reports it, and maps its failure (cancelling a job left running past the deadline). */
  private async observe<T>(
    kind: CallKind,
    target: Target,
    call: (deadline: Deadline, onJob: (job?: JobId) => void) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    const event = (outcome: 'ok' | 'error', bytesBilled: number) =>
      this.observer.query({ kind, outcome, seconds: (performance.now() - started) / 1000, bytesBilled });
    let running: JobId | undefined;
    try {
      const result = await call(new Deadline(this.settings.timeoutMs), (job) => {
        running = job;
      });
      const bytesBilled = typeof result === 'number' ? result : 0; // a query resolves to its bytes billed
      event('ok', bytesBilled);
      this.logger.debug({ kind, [target.resource]: target.id, bytesBilled }, 'BigQuery call');
      return result;
    } catch (cause) {
      event('error', 0);
      const error = toBigQueryError(cause);
      const { apiError, log } = mapError(error, target, this.settings);
      if (error.kind === 'timeout' && running) {
        const job = running;
        this.rest.cancelJob(job).catch((e: unknown) => {
          this.logger.debug({ job, upstream: toBigQueryError(e) }, 'could not cancel a BigQuery job');
        });
      }
      const details = { kind, [target.resource]: target.id, status: apiError.statusCode, upstream: error };
      if (log || apiError.statusCode >= 500) this.logger.error(details, log ?? 'BigQuery call failed');
      else this.logger.info(details, 'BigQuery call rejected');
      throw apiError;
    }
  }
}

/** BIGQUERY_MAX_BYTES_BILLED stopped a query before it ran. */
export class BytesCapError extends UnavailableError {}

/**
 * A BigQuery failure as one of the API's errors, with messages of our own (BigQuery's own words
 * are logged, never returned), and the ERROR line operators need when the cause is ours to fix.
 * Only the request itself causes a 4xx; the table is in this folder's README.
 */
function mapError(
  e: BigQueryError,
  { resource, id }: Target,
  { maxBytesBilled, timeoutMs }: UpstreamSettings,
): { apiError: ApiError; log?: string } {
  const cap = `BIGQUERY_MAX_BYTES_BILLED=${maxBytesBilled}`;
  switch (e.kind) {
    case 'timeout':
      return { apiError: new UpstreamTimeoutError(timeoutMs) };
    case 'bytesCap':
      return {
        apiError: new BytesCapError(`the query would bill more than ${cap} bytes; it was not run`),
        log: `BigQuery query stopped by ${cap}`,
      };
    case 'busy':
      return { apiError: new UnavailableError(undefined, e.retryAfter) };
    case 'resources':
      return { apiError: new UnavailableError(`BigQuery cannot run this query within its resource limits`) };
    case 'notFound':
    case 'accessDenied':
      return { apiError: new NotFoundError(resource, id) };
    case 'forbidden':
      return {
        apiError: new UnavailableError('the data source refuses this deployment; see the server log'),
        log: `BigQuery refuses our service account or billing project (${e.reasons.join(', ') || e.status}): check BIGQUERY_BILLING_PROJECT, its billing and the service account's roles`,
      };
    case 'invalid':
      return {
        apiError: new UpstreamError(`BigQuery cannot run this query on ${resource} '${id}'`),
        log: 'BigQuery rejected a query we sent: a bug, a table that changed shape, or a wrong BIGQUERY_LOCATION',
      };
    default:
      return { apiError: new UpstreamError() };
  }
}
