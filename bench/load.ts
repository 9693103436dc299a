import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** How long to load: a duration in seconds, or a number of requests. */
export type LoadSize = number | { requests: number };

/** Runs autocannon against `baseUrl` with a path from `paths` (in a scrambled order) on every request. */
export async function load(
  label: string,
  baseUrl: string,
  paths: string[],
  size: LoadSize,
  connections = 64,
): Promise<LoadResult> {
  let i = 0;
  const next = () => paths[(i++ * 7919) % paths.length] ?? '/';
  const result = await autocannon({
    url: baseUrl,
    connections,
    ...(typeof size === 'number' ? { duration: size } : { amount: size.requests, duration: 600 }),
    headers: { 'accept-encoding': 'gzip' },
    requests: [{ setupRequest: (req) => ({ ...req, path: next() }) }],
  });
  return {
    label,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
