import type { FastifyError, FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { ApiError, UnavailableError } from '../errors.js';
import { cacheControl } from './caching.js';

/**
 * Every error becomes `{ error, message }` with an honest status. 4xx answers may be cached briefly
 * (a burst of requests for a missing tileset hits the cache, not BigQuery); 5xx never are.
 */
export function registerErrorHandler(app: FastifyInstance, config: Config): void {
  app.setErrorHandler<FastifyError | ApiError>((error, request, reply) => {
    let status = 500;
    let code = 'internal_error';
    let message = 'internal error';
    if (error instanceof ApiError) {
      ({ statusCode: status, code, message } = error);
    } else if (error.validation || (error.statusCode && error.statusCode < 500)) {
      status = error.statusCode ?? 400;
      code = status === 429 ? 'rate_limited' : 'bad_request';
      message = error.message;
    }
    if (status >= 500) request.log.error({ err: error }, message);
    else request.log.info({ status, code }, message);
    reply.header('cache-control', cacheControl(config, status >= 500 || status === 429 ? 'none' : 'short'));
    if (error instanceof UnavailableError && error.retryAfterSeconds)
      reply.header('retry-after', error.retryAfterSeconds);
    reply.code(status).send({ error: code, message });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.header('cache-control', cacheControl(config, 'short'));
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}
