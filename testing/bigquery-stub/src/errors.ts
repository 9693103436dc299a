/** Error reasons BigQuery puts in `error.errors[].reason`, with the HTTP status it answers them with. */
export const reasonStatus = {
  invalid: 400,
  invalidQuery: 400,
  bytesBilledLimitExceeded: 400,
  stopped: 400,
  accessDenied: 403,
  rateLimitExceeded: 403,
  quotaExceeded: 403,
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
  stopped: 'Job execution was cancelled: User requested cancellation',
  accessDenied: 'Access Denied: User does not have permission',
  rateLimitExceeded: 'Exceeded rate limits: too many api requests per user per method for this user_method',
  quotaExceeded: 'Quota exceeded: Your project exceeded quota for free query bytes scanned',
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
