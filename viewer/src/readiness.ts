export interface Readiness {
  state: 'checking' | 'ready' | 'not ready' | 'unreachable';
  detail: string;
}

const INTERVAL_MS = 10_000;
const TIMEOUT_MS = 5_000;

async function check(baseUrl: string): Promise<Readiness> {
  try {
    const response = await fetch(`${baseUrl}/readyz`, {
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as { status?: string; dataSource?: string };
    if (response.ok) return { state: 'ready', detail: body.dataSource ? `source: ${body.dataSource}` : '' };
    return { state: 'not ready', detail: `HTTP ${response.status}${body.status ? ` ${body.status}` : ''}` };
  } catch (error) {
    // Network error, DNS, timeout, or CORS: the browser does not tell them apart.
    return { state: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Polls `<base>/readyz` (the API's own readiness, passed through the cache) until stopped. */
export function watchReadiness(baseUrl: string, report: (r: Readiness) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    const result = await check(baseUrl);
    if (stopped) return;
    report(result);
    timer = setTimeout(tick, INTERVAL_MS);
  };
  report({ state: 'checking', detail: '' });
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
