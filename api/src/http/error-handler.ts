import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';
import { cacheControl } from './caching.js';
import { RESPONSE_HEADERS } from './response-headers.js';

/** Our messages for what the framework or Node's parser rejects: fixed text, never the request's input. */
const MESSAGES: Record<number, string> = {
  400: 'the request is not valid HTTP or its URL is not valid percent-encoding',
  403: 'that path is not served',
  405: 'only GET, HEAD and OPTIONS are served',
  408: 'the request did not arrive in time',
  414: 'a path segment is longer than 500 characters',
  431: 'the request headers are too large',
  501: 'the request method is not implemented',
  505: 'only HTTP/1.x is served',
};

/** `{ error, message }`: the code is the status's reason phrase in snake case (`not_found`, `uri_too_long`). */
export function errorBody(status: number, message = MESSAGES[status] ?? STATUS_CODES[status] ?? 'error') {
  const error =
    status === 429 ? 'rate_limited' : (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/\W+/g, '_');
  return { error, message };
}

/** Node's parser rejected the request before Fastify saw it (bad syntax, huge headers, too slow). */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status =
    { ERR_HTTP_REQUEST_TIMEOUT: 408, HPE_HEADER_OVERFLOW: 431, HPE_INVALID_METHOD: 501 }[error.code ?? ''] ??
    400;
  const body = JSON.stringify(errorBody(status));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A URL the router cannot decode (`%ff`) or a path segment over 500 characters (no hook has run). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  reply.headers(RESPONSE_HEADERS).header('x-request-id', request.id).header('cache-control', 'no-store');
  reply.code(status).send(errorBody(status));
}

/** Every error becomes `{ error, message }`; 400 and 404 are cached briefly (a burst for a missing tileset hits the cache). */
export function registerErrorHandler(app: FastifyInstance, config: Config): void {
  app.setErrorHandler<FastifyError | ApiError>((error, request, reply) => {
    const ours = error instanceof ApiError;
    const status =
      ours || error.validation || (error.statusCode ?? 500) < 500 ? (error.statusCode ?? 400) : 500;
    const body = ours
      ? { error: error.code, message: error.message }
      : errorBody(status, status === 500 ? 'internal error' : error.validation ? error.message : undefined);
    if (status >= 500 && status !== 505) request.log.error({ err: error }, body.message);
    else request.log.info({ status, code: body.error }, body.message);
    reply.header('cache-control', cacheControl(config, status === 400 || status === 404 ? 'short' : 'none'));
    if (error instanceof ApiError && error.retryAfterSeconds)
      reply.header('retry-after', error.retryAfterSeconds);
    reply.code(status).send(body);
  });

  app.setNotFoundHandler((_request, reply) => {
    reply.header('cache-control', cacheControl(config, 'short'));
    reply.code(404).send(errorBody(404, 'nothing is served at this URL'));
  });
}
