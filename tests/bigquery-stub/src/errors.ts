/**
 * Error reasons BigQuery puts in `error.errors[].reason`, each with its usual HTTP status and a message,
 * as https://cloud.google.com/bigquery/docs/error-messages lists them (backendError is 500 or 503).
 */
const reasons = {
  invalid: [400, 'Invalid value'],
  invalidQuery: [400, 'Syntax error: Unexpected end of script at [1:1]'],
  bytesBilledLimitExceeded: [400, 'Query exceeded limit for bytes billed'],
  resourcesExceeded: [400, 'Resources exceeded during query execution: The query could not be executed.'],
  billingTierLimitExceeded: [400, 'Query exceeded resource limits. This query used too many CPU seconds.'],
  stopped: [400, 'Job execution was cancelled: User requested cancellation'],
  // The data-access form; our identity's own denials name the project (see the API's error tests).
  accessDenied: [403, 'Access Denied: Table p:d.t: User does not have permission to query table p:d.t.'],
  billingNotEnabled: [403, 'Billing has not been enabled for this project. Enable billing.'],
  rateLimitExceeded: [403, 'Exceeded rate limits: too many api requests per user per method'],
  quotaExceeded: [403, 'Quota exceeded: Your project exceeded quota for free query bytes scanned'],
  responseTooLarge: [403, 'Response too large to return. Consider specifying a destination table.'],
  notFound: [404, 'Not found: Resource'],
  duplicate: [409, 'Already Exists: Resource'],
  backendError: [500, 'Error encountered during execution. Retrying may solve the problem.'],
  internalError: [500, 'An internal error occurred and the request could not be completed.'],
} as const;

export type ErrorReason = keyof typeof reasons;

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** A BigQuery error response; throw it from a route or query handler to answer with it. */
export class StubError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'StubError';
  }

  toBody() {
    const { status: code, message, reason } = this;
    const errors = [{ message, domain: 'global', reason }];
    return { error: { code, message, errors, status: statusNames[code] ?? 'UNKNOWN' } };
  }
}

/** The error BigQuery answers for `reason`; `status` overrides the usual one (e.g. backendError as 503). */
export function bigQueryError(reason: ErrorReason, message?: string, status?: number): StubError {
  const [usual, text] = reasons[reason];
  return new StubError(status ?? usual, reason, message ?? text);
}

/** `found`, or BigQuery's `notFound` for it. */
export function orNotFound<T>(found: T | undefined, kind: 'Dataset' | 'Table' | 'Job', id: string): T {
  if (found === undefined) throw bigQueryError('notFound', `Not found: ${kind} ${id}`);
  return found;
}
export const duplicate = (kind: 'Dataset' | 'Table' | 'Job', id: string) =>
  bigQueryError('duplicate', `Already Exists: ${kind} ${id}`);
