import {
  ApiError,
  NotFoundError,
  UnavailableError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../errors.js';

/** Our own client-side bound on a call (the budget ran out before BigQuery answered). */
export class DeadlineExceededError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer from BigQuery within ${timeoutMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

export interface ErrorContext {
  resource: 'tileset' | 'table';
  id: string;
  maxBytesBilled: number;
  timeoutMs: number;
}

/** What BigQuery (or the HTTP layer under the client) said, for logs only — never for responses. */
export interface UpstreamDetails {
  status?: number;
  reasons: string[];
  message: string;
}

export function upstreamDetails(error: unknown): UpstreamDetails {
  const e = error as { code?: unknown; errors?: { reason?: unknown }[]; message?: unknown };
  return {
    status: typeof e?.code === 'number' ? e.code : undefined,
    reasons: Array.isArray(e?.errors) ? e.errors.map((x) => String(x?.reason ?? '')).filter(Boolean) : [],
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}

/** BIGQUERY_MAX_BYTES_BILLED stopped a query before it ran. */
export class BytesCapError extends UnavailableError {}

/** Seconds a client should wait after BigQuery said it is busy (rate, quota, backend). */
export const RETRY_AFTER_SECONDS = 5;
// Reasons and statuses: https://cloud.google.com/bigquery/docs/error-messages
const BUSY = ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'backendError'];
const RESOURCES = ['resourcesExceeded', 'billingTierLimitExceeded', 'responseTooLarge'];
const TIMEOUT_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT'];

/** What went wrong, by cause; `log` is the ERROR line operators need when the cause is ours to fix. */
export interface MappedError {
  apiError: ApiError;
  log?: string;
}

/**
 * Maps a BigQuery failure to the API's error classes, with messages of our own. Only the request
 * itself can cause a 4xx (a missing or forbidden table looks like any unknown id); everything
 * BigQuery or our deployment causes is a 5xx, which is never cached:
 *
 * | BigQuery                                                       | API                          |
 * |----------------------------------------------------------------|------------------------------|
 * | our deadline, a network timeout, reason `timeout`              | 504                          |
 * | `bytesBilledLimitExceeded`                                     | 503, names the cap           |
 * | `rateLimitExceeded`, `quotaExceeded`, `backendError`, 429, 503 | 503 with Retry-After         |
 * | `resourcesExceeded`, `billingTierLimitExceeded`, `responseTooLarge` | 503                     |
 * | `notFound`; `accessDenied` naming a table or dataset           | 404 NotFoundError            |
 * | `billingNotEnabled`, any other 403 (our identity or billing project) | 503, ERROR log naming it |
 * | `invalidQuery`, `invalid` (our SQL or a changed table)         | 502, ERROR log               |
 * | anything else (500 `internalError`, …)                         | 502                          |
 */
export function mapError(error: unknown, context: ErrorContext): MappedError {
  if (error instanceof ApiError) return { apiError: error };
  if (isTimeout(error)) return { apiError: new UpstreamTimeoutError(context.timeoutMs) };
  const { status, reasons, message } = upstreamDetails(error);
  const has = (list: string[]) => reasons.some((r) => list.includes(r));
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return {
      apiError: new BytesCapError(
        `the query would bill more than BIGQUERY_MAX_BYTES_BILLED=${context.maxBytesBilled} bytes; it was not run`,
      ),
      log: `BigQuery query stopped by BIGQUERY_MAX_BYTES_BILLED=${context.maxBytesBilled}`,
    };
  }
  if (has(BUSY) || status === 429 || status === 503) {
    return { apiError: new UnavailableError(undefined, RETRY_AFTER_SECONDS) };
  }
  if (has(RESOURCES)) {
    return {
      apiError: new UnavailableError(
        `BigQuery cannot run this query on ${context.resource} '${context.id}' within its resource limits`,
      ),
    };
  }
  const dataDenied = reasons.includes('accessDenied') && /\b(Table|Dataset)\b/.test(message);
  if (reasons.includes('notFound') || status === 404 || dataDenied) {
    return { apiError: new NotFoundError(context.resource, context.id) };
  }
  if (status === 403) {
    return {
      apiError: new UnavailableError('the data source refuses this deployment; see the server log'),
      log: `BigQuery refuses our service account or billing project (${reasons.join(', ') || 403}): check BIGQUERY_BILLING_PROJECT, its billing and the service account's roles`,
    };
  }
  if (reasons.includes('invalidQuery') || reasons.includes('invalid') || status === 400) {
    return {
      apiError: new UpstreamError(`BigQuery cannot run this query on ${context.resource} '${context.id}'`),
      log: 'BigQuery rejected a query we sent: a bug, a table that changed shape, or a wrong BIGQUERY_LOCATION',
    };
  }
  return { apiError: new UpstreamError() };
}

function isTimeout(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true;
  const e = error as { name?: unknown; type?: unknown; code?: unknown; errors?: { reason?: unknown }[] };
  if (e?.type === 'request-timeout' || e?.name === 'AbortError') return true;
  if (typeof e?.code === 'string' && TIMEOUT_CODES.includes(e.code)) return true;
  return upstreamDetails(error).reasons.includes('timeout') || e?.code === 408 || e?.code === 504;
}
