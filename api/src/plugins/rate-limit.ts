import { ApiError } from '../errors.js';

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
const WINDOW_MS = 60_000;

/**
 * Per-client limit in fixed one-minute windows, in memory per replica, keyed by the address the trusted
 * proxy saw: a backstop for the edge's limit (Cloud Armor), so one client cannot turn cache misses into
 * unbounded BigQuery queries. No limit headers on normal answers: caches would show them to others.
 * (@fastify/rate-limit ran an IPv6 regex and its store per request.) Counts a request of `ip` to
 * `route`: undefined when it is allowed, else the 429 to answer (with Retry-After).
 */
export function rateLimit(max: number) {
  let counts = new Map<string, number>();
  let resetsAt = 0;
  return (ip: string, route: string): ApiError | undefined => {
    if (max === 0 || EXEMPT.has(route)) return undefined;
    const now = Date.now();
    if (now >= resetsAt) {
      counts = new Map();
      resetsAt = now + WINDOW_MS;
    }
    const count = (counts.get(ip) ?? 0) + 1;
    counts.set(ip, count);
    if (count <= max) return undefined;
    const seconds = Math.ceil((resetsAt - now) / 1000);
    const message = `more than ${max} requests per minute from this client; retry after ${seconds} s`;
    return new ApiError(429, 'rate_limited', message, seconds);
  };
}
