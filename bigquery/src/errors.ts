/**
 * What went wrong, by cause (https://cloud.google.com/bigquery/docs/error-messages). Each consumer
 * maps a kind to its own outcome: the API to an HTTP status, stable-copy to an exit code.
 */
export type BigQueryErrorKind =
  | 'timeout' // our deadline, a network timeout, reason `timeout`
  | 'bytesCap' // `bytesBilledLimitExceeded`: maximumBytesBilled stopped the query before it ran
  | 'busy' // rate, quota, backend; 429, 503: worth retrying after `retryAfter` seconds
  | 'resources' // the query is too big for BigQuery's limits
  | 'notFound' // `notFound`, 404
  | 'accessDenied' // `accessDenied` naming a table or dataset: the data is not ours to read
  | 'forbidden' // any other 403 (`billingNotEnabled`, our identity or billing project)
  | 'duplicate' // 409: the table, dataset or job already exists
  | 'invalid' // `invalidQuery`, `invalid`, 400: the request we sent
  | 'failed'; // anything else (`internalError`, …)

const BUSY = ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'backendError'];
const RESOURCES = ['resourcesExceeded', 'billingTierLimitExceeded', 'responseTooLarge'];
const TIMEOUT_CODES: unknown[] = ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 408, 504];
/** Seconds a client should wait after BigQuery said it is busy. */
export const RETRY_AFTER_SECONDS = 5;

/** The one error every call of this package rejects with. */
export class BigQueryError extends Error {
  override readonly name = 'BigQueryError';
  readonly kind: BigQueryErrorKind;
  /** `reasons[0]`, or what the HTTP status stands for. */
  readonly reason: string;
  readonly retryAfter?: number;
  /** Set when a job finished with `status.errorResult`: it certainly did not change anything. */
  readonly failedJob?: string;

  constructor(
    message: string,
    readonly status?: number,
    readonly reasons: string[] = [],
    extra: { failedJob?: string; timedOut?: boolean } = {},
  ) {
    super(message);
    this.failedJob = extra.failedJob;
    this.kind = extra.timedOut ? 'timeout' : classify(status, reasons, message);
    this.reason =
      reasons[0] ?? { 404: 'notFound', 403: 'accessDenied', 409: 'duplicate' }[status ?? 0] ?? this.kind;
    if (this.kind === 'busy') this.retryAfter = RETRY_AFTER_SECONDS;
  }

  /** What loggers print: BigQuery's own words, for operators only. */
  toJSON() {
    return { status: this.status, reasons: this.reasons, message: this.message };
  }
}

function classify(status: number | undefined, reasons: string[], message: string): BigQueryErrorKind {
  const has = (...list: string[]) => reasons.some((r) => list.includes(r));
  if (has('timeout')) return 'timeout';
  if (has('bytesBilledLimitExceeded')) return 'bytesCap';
  if (has(...BUSY) || status === 429 || status === 503) return 'busy';
  if (has(...RESOURCES)) return 'resources';
  if (has('notFound') || status === 404) return 'notFound';
  if (has('accessDenied') && /\b(Table|Dataset)\b/.test(message)) return 'accessDenied';
  if (status === 403 || has('accessDenied', 'billingNotEnabled')) return 'forbidden';
  if (has('duplicate') || status === 409) return 'duplicate';
  if (has('invalidQuery', 'invalid') || status === 400) return 'invalid';
  return 'failed';
}

/** Any failure of the client or the HTTP layer under it, as a BigQueryError. */
export function toBigQueryError(error: unknown): BigQueryError {
  if (error instanceof BigQueryError) return error;
  const e = error as { code?: unknown; type?: unknown; name?: unknown; errors?: { reason?: unknown }[] };
  const reasons = Array.isArray(e?.errors)
    ? e.errors.map((x) => String(x?.reason ?? '')).filter(Boolean)
    : [];
  const timedOut =
    TIMEOUT_CODES.includes(e?.code) || e?.type === 'request-timeout' || e?.name === 'AbortError';
  const status = typeof e?.code === 'number' ? e.code : undefined;
  return new BigQueryError(error instanceof Error ? error.message : String(error), status, reasons, {
    timedOut,
  });
}
