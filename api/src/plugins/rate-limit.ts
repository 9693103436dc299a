import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Per-client request limit (in memory, per replica). The edge (Cloud Armor) is the real limit; this
 * stops one client from turning cache misses into unbounded BigQuery queries if the edge is bypassed.
 * No rate-limit headers on normal answers: they would be cached and shown to other clients.
 */
export async function registerRateLimit(app: FastifyInstance, config: Config): Promise<void> {
  if (config.RATE_LIMIT_PER_MINUTE === 0) return;
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    allowList: (request) => EXEMPT.has(request.routeOptions.url ?? ''), // the route's pattern: no parsing
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `more than ${context.max} requests per minute from this client; retry after ${context.after}`,
    }),
  });
}
