const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
const WINDOW_MS = 60_000;

/**
 * Per-client limit in fixed one-minute windows, in memory per replica, keyed by the address the trusted
 * proxy saw: a backstop for the edge's limit (Cloud Armor), so one client cannot turn cache misses into
 * unbounded BigQuery queries. No limit headers on normal answers: caches would show them to others.
 * (@fastify/rate-limit ran an IPv6 regex and its store per request.) Counts a request of `ip` to
 * `route` and returns 0 when it is allowed, else the seconds until the window resets (app.ts answers 429).
 */
export function rateLimit(max: number) {
  let counts = new Map<string, number>();
  let resetsAt = 0;
  return (ip: string, route: string): number => {
    if (max === 0 || EXEMPT.has(route)) return 0;
    const now = Date.now();
    if (now >= resetsAt) {
      counts = new Map();
      resetsAt = now + WINDOW_MS;
    }
    const count = (counts.get(ip) ?? 0) + 1;
    counts.set(ip, count);
    return count <= max ? 0 : Math.ceil((resetsAt - now) / 1000);
  };
}
