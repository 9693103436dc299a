/**
 * Errors a data source or route may throw. The HTTP error handler turns each into its status code
 * and a JSON body `{ error, message }`; `message` is always ours, never an upstream's raw text.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string) {
    super(400, 'bad_request', message);
  }
}

/** Unknown *or* not allowed: the message never says which. */
export class NotFoundError extends ApiError {
  constructor(kind: 'tileset' | 'table', id: string) {
    super(404, 'not_found', `${kind} '${id}' was not found`);
  }
}

export class ResponseTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(
      413,
      'response_too_large',
      `the response would exceed ${limitBytes} bytes (MAX_JSON_RESPONSE_SIZE)`,
    );
  }
}

/** The upstream answered with an error we cannot attribute to the request (bad gateway). */
export class UpstreamError extends ApiError {
  constructor(message = 'the data source failed to answer') {
    super(502, 'upstream_error', message);
  }
}

/** The upstream is unavailable, over quota, or a cost cap stopped the query. */
export class UnavailableError extends ApiError {
  constructor(
    message = 'the data source is unavailable, try again later',
    /** Sent as `Retry-After` when waiting is what helps (rate limits, quota, backend trouble). */
    readonly retryAfterSeconds?: number,
  ) {
    super(503, 'unavailable', message);
  }
}

export class UpstreamTimeoutError extends ApiError {
  constructor(timeoutMs: number) {
    super(504, 'upstream_timeout', `the data source did not answer within ${timeoutMs} ms`);
  }
}
