import type { BigQueryError } from '@tilestack/bigquery';
import {
  type ApiError,
  NotFoundError,
  UnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../errors.js';

export interface Target {
  resource: 'tileset' | 'table';
  id: string;
}

/** BIGQUERY_MAX_BYTES_BILLED stopped a query before it ran. */
export class BytesCapError extends UnavailableError {}

/**
 * A BigQuery failure as one of the API's errors, with messages of our own (BigQuery's own words
 * are logged, never returned), and the ERROR line operators need when the cause is ours to fix.
 * Only the request itself causes a 4xx; the table is in this folder's README.
 */
export function mapError(
  e: BigQueryError,
  { resource, id }: Target,
  { maxBytesBilled, timeoutMs }: { maxBytesBilled: number; timeoutMs: number },
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
