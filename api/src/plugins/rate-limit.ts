import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
const WINDOW_MS = 60_000;

/**
 * Per-client request limit (in memory, per replica), counted in fixed one-minute windows keyed by the
 * client address the trusted proxy saw. The edge (Cloud Armor) is the real limit; this stops one client
 * from turning cache misses into unbounded BigQuery queries if the edge is bypassed.
 * No rate-limit headers on normal answers: they would be cached and shown to other clients.
 * (Hand-written: @fastify/rate-limit ran an IPv6 regex and its store on every request, for the same answer.)
 */
export function registerRateLimit(app: FastifyInstance, config: Config): void {
  const max = config.RATE_LIMIT_PER_MINUTE;
  if (max === 0) return;
  let counts = new Map<string, number>();
  let resetsAt = 0;
  app.addHook('onRequest', (request, reply, done) => {
    if (EXEMPT.has(request.routeOptions.url ?? '')) return done(); // the route's pattern: no parsing
    const now = Date.now();
    if (now >= resetsAt) {
      counts = new Map();
      resetsAt = now + WINDOW_MS;
    }
    const count = (counts.get(request.ip) ?? 0) + 1;
    counts.set(request.ip, count);
    if (count <= max) return done();
    const seconds = Math.ceil((resetsAt - now) / 1000);
    reply.header('retry-after', String(seconds));
    done(
      new ApiError(
        429,
        'rate_limited',
        `more than ${max} requests per minute from this client; retry after ${seconds} s`,
      ),
    );
  });
}
