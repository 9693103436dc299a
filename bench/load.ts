import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const NEXT_PATH = fileURLToPath(new URL('./next-path.cjs', import.meta.url));

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

/**
 * Runs autocannon against `baseUrl` with a path from `paths` (in a scrambled order) on every request.
 * With `workers` > 1 the load generator runs on that many threads, so it is not what limits a fast
 * server (one autocannon thread tops out near 15 000 req/s on this machine).
 */
export async function load(
  label: string,
  baseUrl: string,
  paths: string[],
  size: LoadSize,
  connections = 64,
  workers = 1,
): Promise<LoadResult> {
  let i = 0;
  const next = () => paths[(i++ * 7919) % paths.length] ?? '/';
  let setupRequest: NonNullable<autocannon.Request['setupRequest']> | string = (req) => ({
    ...req,
    path: next(),
  });
  if (workers > 1) {
    const file = join(mkdtempSync(join(tmpdir(), 'tilestack-load-')), 'paths.json');
    writeFileSync(file, JSON.stringify(paths));
    process.env.BENCH_PATHS_FILE = file;
    setupRequest = NEXT_PATH;
  }
  const result = await autocannon({
    url: baseUrl,
    connections,
    ...(workers > 1 ? { workers } : {}),
    ...(typeof size === 'number' ? { duration: size } : { amount: size.requests, duration: 600 }),
    headers: { 'accept-encoding': 'gzip' },
    requests: [{ setupRequest: setupRequest as NonNullable<autocannon.Request['setupRequest']> }],
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
