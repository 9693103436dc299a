import {
  ApiError,
  BadRequestError,
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

const UNAVAILABLE_REASONS = ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'];
const TIMEOUT_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT'];

/**
 * Maps a BigQuery failure to the API's error classes, with messages of our own:
 *
 * | BigQuery                                             | API                          |
 * |------------------------------------------------------|------------------------------|
 * | our deadline, a network timeout, reason `timeout`    | 504 UpstreamTimeoutError     |
 * | `bytesBilledLimitExceeded`                           | 503 UnavailableError (names the cap) |
 * | `rateLimitExceeded`, `quotaExceeded`, HTTP 429 / 503 | 503 UnavailableError         |
 * | `notFound`, `accessDenied` (404, 403)                | 404 NotFoundError            |
 * | `invalidQuery`, `invalid` (400)                      | 400 BadRequestError          |
 * | 500 `backendError`, anything else                    | 502 UpstreamError            |
 */
export function toApiError(error: unknown, context: ErrorContext): ApiError {
  if (error instanceof ApiError) return error;
  if (isTimeout(error)) return new UpstreamTimeoutError(context.timeoutMs);
  const { status, reasons } = upstreamDetails(error);
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return new UnavailableError(
      `the query would bill more than BIGQUERY_MAX_BYTES_BILLED=${context.maxBytesBilled} bytes; it was not run`,
    );
  }
  if (reasons.some((r) => UNAVAILABLE_REASONS.includes(r)) || status === 429 || status === 503) {
    return new UnavailableError();
  }
  if (reasons.includes('notFound') || reasons.includes('accessDenied') || status === 404 || status === 403) {
    return new NotFoundError(context.resource, context.id);
  }
  if (reasons.includes('invalidQuery') || reasons.includes('invalid') || status === 400) {
    return new BadRequestError(`BigQuery cannot run this query on ${context.resource} '${context.id}'`);
  }
  return new UpstreamError();
}

function isTimeout(error: unknown): boolean {
  if (error instanceof DeadlineExceededError) return true;
  const e = error as { name?: unknown; type?: unknown; code?: unknown; errors?: { reason?: unknown }[] };
  if (e?.type === 'request-timeout' || e?.name === 'AbortError') return true;
  if (typeof e?.code === 'string' && TIMEOUT_CODES.includes(e.code)) return true;
  return upstreamDetails(error).reasons.includes('timeout') || e?.code === 408 || e?.code === 504;
}
