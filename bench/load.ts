import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./wrk.lua', import.meta.url));

export type LoadResult = Awaited<ReturnType<typeof load>>;

/** `rate`: at most this many requests per second in all (each connection paces itself); default: flat out. */
export type LoadOptions = { connections?: number; threads?: number; rate?: number };

/** wrk (native: the generator must not limit a fast server) for `size` seconds or requests over `paths`. */
export async function load(
  label: string,
  baseUrl: string,
  paths: string[],
  size: number | { requests: number },
  { connections = 64, threads = 2, rate = 0 }: LoadOptions = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-load-'));
  writeFileSync(join(dir, 'paths'), `${paths.join('\n')}\n`);
  const seconds = typeof size === 'number' ? size : 600;
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--timeout', '10s'];
  const wrk = spawn('wrk', [...args, '-H', 'accept-encoding: gzip', '-s', SCRIPT, baseUrl], {
    env: {
      ...process.env,
      BENCH_PATHS: join(dir, 'paths'),
      BENCH_THREADS: String(threads),
      BENCH_REQUESTS: typeof size === 'number' ? '0' : String(size.requests),
      BENCH_PAUSE_MS: rate > 0 ? String(Math.round((connections * 1000) / rate)) : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  wrk.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.split('thread done').length > threads) wrk.kill('SIGINT');
  });
  const [code] = await once(wrk, 'exit'); // rejects on 'error' (no wrk)
  rmSync(dir, { recursive: true, force: true });
  const json = /RESULT (\{.*\})/.exec(output)?.[1];
  if (code !== 0 || !json) throw new Error(`wrk failed (exit ${code}):\n${output}`);
  const r = JSON.parse(json) as Record<
    'requests' | 'us' | 'p50' | 'p99' | 'non2xx' | 'errors' | 'cpuMs',
    number
  >;
  return {
    label,
    requests: r.requests,
    rps: Math.round((r.requests * 1e6) / r.us),
    p50: Math.round(r.p50 / 100) / 10,
    p99: Math.round(r.p99 / 100) / 10,
    non2xx: r.non2xx,
    errors: r.errors,
    // The load generator's own CPU: µs per request, and the share of a core each of its threads used.
    generatorUsPerRequest: Math.round((r.cpuMs * 1000) / Math.max(1, r.requests)),
    generatorCoreShare: (r.cpuMs * 1000) / r.us / threads,
  };
}
