export interface HttpOptions {
  timeoutMs: number;
  /** Extra attempts after a network error or a 5xx (deploys: the load balancer may still be settling). */
  retries: number;
  retryDelayMs: number;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  ms: number;
}

const USER_AGENT = 'tilestack-smoke/1';

/** A one-line reason for a failed request: the socket error code rather than undici's "fetch failed". */
export function describeError(error: unknown, url: string, timeoutMs: number): string {
  const origin = new URL(url).origin;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no response from ${origin} within ${timeoutMs} ms`;
  }
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  if (code) return `cannot reach ${origin} (${code})`;
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `request to ${origin} failed: ${message}`;
}

async function attempt(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpResponse> {
  const started = performance.now();
  const res = await fetch(url, {
    headers: { 'user-agent': USER_AGENT, ...headers },
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { url, status: res.status, headers: res.headers, body, ms: Math.round(performance.now() - started) };
}

/** GET with a timeout and bounded retries; throws an Error whose message is one clear line. */
export async function get(
  url: string,
  options: HttpOptions,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  let lastError = '';
  for (let i = 0; i <= options.retries; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, options.retryDelayMs));
    try {
      const res = await attempt(url, headers, options.timeoutMs);
      if (res.status < 500 || i === options.retries) return res;
      lastError = `status ${res.status}`;
    } catch (error) {
      lastError = describeError(error, url, options.timeoutMs);
    }
  }
  throw new Error(options.retries > 0 ? `${lastError} (after ${options.retries + 1} attempts)` : lastError);
}

/** Response summary for messages: `200, X-Cache: MISS, 12 ms`. */
export function brief(res: HttpResponse): string {
  const cache = res.headers.get('x-cache');
  return [`${res.status}`, cache ? `X-Cache: ${cache}` : undefined, `${res.ms} ms`]
    .filter(Boolean)
    .join(', ');
}
