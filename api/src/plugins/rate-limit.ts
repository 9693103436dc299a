import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors.js';

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
const WINDOW_MS = 60_000;

/**
 * Per-client request limit (in memory, per replica), counted in fixed one-minute windows keyed by the
 * client address the trusted proxy saw. The edge (Cloud Armor) is the real limit; this stops one client
 * from turning cache misses into unbounded BigQuery queries if the edge is bypassed.
 * No rate-limit headers on normal answers: they would be cached and shown to other clients.
 * (Hand-written: @fastify/rate-limit ran an IPv6 regex and its store on every request, for the same answer.)
 * Returns the check app.ts runs in its one onRequest hook: the 429 error past the limit, else undefined.
 */
export function rateLimit(max: number) {
  let counts = new Map<string, number>();
  let resetsAt = 0;
  return (ip: string, route: string, reply: FastifyReply): ApiError | undefined => {
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
    reply.header('retry-after', String(seconds));
    const message = `more than ${max} requests per minute from this client; retry after ${seconds} s`;
    return new ApiError(429, 'rate_limited', message);
  };
}
