import { addProtocol } from 'maplibre-gl';
import type { TileStats } from './tile-stats.js';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `metered://<real url>`: the page, not MapLibre's worker, fetches tiles to see their headers and timing. */
export const meteredUrl = (url: string): string => `metered://${url}`;

export function registerMeteredProtocol(stats: TileStats, changed: () => void): void {
  addProtocol('metered', async (params, abortController) => {
    const url = params.url.slice(meteredUrl('').length);
    stats.requested++;
    changed();
    const startedAt = performance.now();
    // `no-store`: a browser-cache hit would replay the first answer's headers (X-Cache: MISS) at ~0 ms.
    const { response, data } = await fetch(url, { signal: abortController.signal, cache: 'no-store' })
      .then(async (response) => ({ response, data: await response.arrayBuffer() })) // the body is latency too
      .catch((error) => {
        stats.failed(errorText(error), url, abortController.signal.aborted);
        changed();
        throw error;
      });
    const { status, headers } = response;
    const ms = performance.now() - startedAt;
    stats.answered({ status, ms, xCache: headers.get('x-cache'), age: headers.get('age') }, url);
    changed();
    if (!response.ok) throw new Error(`HTTP ${status} for ${url}`);
    return { data }; // a 204 (no tile here) has an empty body: MapLibre draws nothing, which is right
  });
}

/** GET as JSON, never from the browser's cache; a failure is one line for the panel, named `what`. */
export async function fetchJson<T>(url: string, what: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' }).catch((error) => {
    throw new Error(`${what} unreachable (${errorText(error)}): ${url}`);
  });
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  throw new Error(`${what} HTTP ${response.status}${body.message ? `: ${body.message}` : ''}`);
}

/** Polls `<base>/readyz` (the API's readiness, through the cache) every 10 s until the returned stop. */
export function watchReadiness(base: string, report: (state: string, detail: string) => void): () => void {
  let stopped = false;
  const tick = () =>
    fetch(`${base}/readyz`, { cache: 'no-store', signal: AbortSignal.timeout(5000) })
      .then(async (r) => {
        const body = (await r.json().catch(() => ({}))) as { status?: string; dataSource?: string };
        if (r.ok) return ['ready', body.dataSource ? `source: ${body.dataSource}` : ''];
        return ['not ready', `HTTP ${r.status}${body.status ? ` ${body.status}` : ''}`]; // 503: draining, source down
      })
      .catch((error) => ['unreachable', errorText(error)]) // network, DNS, timeout or CORS: the browser hides which
      .then(([state = '', detail = '']) => stopped || report(state, detail));
  report('checking', '');
  void tick();
  const timer = setInterval(tick, 10_000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
