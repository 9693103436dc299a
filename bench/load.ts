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

/** Runs autocannon against `baseUrl` with a random path from `paths` on every request. */
export async function load(
  label: string,
  baseUrl: string,
  paths: string[],
  seconds: number,
  connections = 64,
) {
  let i = 0;
  const next = () => paths[(i++ * 7919) % paths.length] ?? '/';
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
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
  } satisfies LoadResult;
}
