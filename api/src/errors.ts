/** Errors a source or route throws; the error handler sends `{ error: code, message }` with the status
 * (and `Retry-After` when `retryAfterSeconds` is set). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
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
  constructor(limit: number) {
    super(413, 'response_too_large', `the response would exceed ${limit} bytes (MAX_JSON_RESPONSE_SIZE)`);
  }
}

/** The upstream failed in a way we cannot attribute to the request; the message is ours, never its text. */
export class UpstreamError extends ApiError {
  constructor(message = 'the data source failed to answer') {
    super(502, 'upstream_error', message);
  }
}

/** Unavailable, over quota, or a cost cap stopped the query. */
export class UnavailableError extends ApiError {
  constructor(message = 'the data source is unavailable, try again later', retryAfterSeconds?: number) {
    super(503, 'unavailable', message, retryAfterSeconds);
  }
}

export class UpstreamTimeoutError extends ApiError {
  constructor(timeoutMs: number) {
    super(504, 'upstream_timeout', `the data source did not answer within ${timeoutMs} ms`);
  }
}
