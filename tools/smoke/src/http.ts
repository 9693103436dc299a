import { setTimeout as sleep } from 'node:timers/promises';

/** `retries`: extra attempts after a network error or a 5xx (deploys: the load balancer may be settling). */
export type HttpOptions = { timeoutMs: number; retries: number; retryDelayMs: number };
export type HttpResponse = { status: number; headers: Headers; body: Buffer; ms: number };
const USER_AGENT = { 'user-agent': 'tilestack-smoke/1' };
type FetchError = { name?: string; message?: string; code?: string; cause?: FetchError };

/** The socket error code rather than undici's "fetch failed". */
function describeError(e: FetchError, origin: string, timeoutMs: number): string {
  if (e.name === 'TimeoutError') return `no response from ${origin} within ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.code;
  return code
    ? `cannot reach ${origin} (${code})`
    : `request to ${origin} failed: ${e.cause?.message ?? e.message}`;
}

/** GET with a timeout and bounded retries; throws an Error whose message is one clear line. */
export async function get(url: string, options: HttpOptions, headers = {}): Promise<HttpResponse> {
  let lastError = '';
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await sleep(options.retryDelayMs);
    const started = performance.now();
    try {
      const signal = AbortSignal.timeout(options.timeoutMs);
      const res = await fetch(url, { headers: { ...USER_AGENT, ...headers }, redirect: 'manual', signal });
      const body = Buffer.from(await res.arrayBuffer());
      const ms = Math.round(performance.now() - started);
      if (res.status < 500 || attempt === options.retries)
        return { status: res.status, headers: res.headers, body, ms };
    } catch (error) {
      lastError = describeError(error as FetchError, new URL(url).origin, options.timeoutMs);
    }
  }
  throw new Error(options.retries > 0 ? `${lastError} (after ${options.retries + 1} attempts)` : lastError);
}

/** Response summary for messages: `200, X-Cache: MISS, 12 ms`. */
export function brief(res: HttpResponse): string {
  const cache = res.headers.get('x-cache');
  return [res.status, cache && `X-Cache: ${cache}`, `${res.ms} ms`].filter(Boolean).join(', ');
}
