/**
 * Error reasons BigQuery puts in `error.errors[].reason`, with the HTTP status it answers them with,
 * as listed in https://cloud.google.com/bigquery/docs/error-messages (backendError is 500 or 503).
 */
export const reasonStatus = {
  invalid: 400,
  invalidQuery: 400,
  bytesBilledLimitExceeded: 400,
  resourcesExceeded: 400,
  billingTierLimitExceeded: 400,
  stopped: 400,
  accessDenied: 403,
  billingNotEnabled: 403,
  rateLimitExceeded: 403,
  quotaExceeded: 403,
  responseTooLarge: 403,
  notFound: 404,
  duplicate: 409,
  backendError: 500,
  internalError: 500,
} as const;

export type ErrorReason = keyof typeof reasonStatus;

const defaultMessages: Record<ErrorReason, string> = {
  invalid: 'Invalid value',
  invalidQuery: 'Syntax error: Unexpected end of script at [1:1]',
  bytesBilledLimitExceeded: 'Query exceeded limit for bytes billed',
  resourcesExceeded:
    'Resources exceeded during query execution: The query could not be executed in the allotted memory.',
  billingTierLimitExceeded:
    'Query exceeded resource limits. This query used too many CPU seconds per byte scanned.',
  stopped: 'Job execution was cancelled: User requested cancellation',
  // The data-access form; our identity's own denials name the project (see the API's error tests).
  accessDenied:
    'Access Denied: Table p:d.t: User does not have permission to query table p:d.t, or perhaps it does not exist.',
  billingNotEnabled:
    'Billing has not been enabled for this project. Enable billing at https://console.cloud.google.com/billing.',
  rateLimitExceeded: 'Exceeded rate limits: too many api requests per user per method for this user_method',
  quotaExceeded: 'Quota exceeded: Your project exceeded quota for free query bytes scanned',
  responseTooLarge:
    'Response too large to return. Consider specifying a destination table in your job configuration.',
  notFound: 'Not found: Resource',
  duplicate: 'Already Exists: Resource',
  backendError: 'Error encountered during execution. Retrying may solve the problem.',
  internalError: 'An internal error occurred and the request could not be completed.',
};

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

  /** The JSON body BigQuery sends with an error status. */
  toBody() {
    return {
      error: {
        code: this.status,
        message: this.message,
        errors: [{ message: this.message, domain: 'global', reason: this.reason }],
        status: statusNames[this.status] ?? 'UNKNOWN',
      },
    };
  }
}

/**
 * Builds the error BigQuery answers for `reason`; `status` overrides the usual one
 * (e.g. `bigQueryError('backendError', undefined, 503)` for a 503 UNAVAILABLE).
 */
export function bigQueryError(reason: ErrorReason, message?: string, status?: number): StubError {
  return new StubError(status ?? reasonStatus[reason], reason, message ?? defaultMessages[reason]);
}
