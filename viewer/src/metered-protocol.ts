import { addProtocol } from 'maplibre-gl';
import type { TileStats } from './tile-stats.js';

/**
 * Tiles go through `metered://<real url>` so that we, not MapLibre's worker, fetch them: only the main
 * thread sees each response's headers (`X-Cache`, `Age`) and timing. MapLibre's workers hand requests
 * for protocols they do not know to the main thread, where this handler runs.
 */
const SCHEME = 'metered';
const PREFIX = `${SCHEME}://`;

export const meteredUrl = (url: string): string => `${PREFIX}${url}`;

export function registerMeteredProtocol(stats: TileStats, changed: () => void): void {
  addProtocol(SCHEME, async (params, abortController) => {
    const url = params.url.slice(PREFIX.length);
    stats.started();
    changed();
    const startedAt = performance.now();
    let response: Response;
    let data: ArrayBuffer;
    try {
      // `no-store`: we measure the environment (cache tier + API). A browser-cache hit would replay the
      // headers of the first answer (X-Cache: MISS) and a latency of ~0 ms, which says nothing about it.
      response = await fetch(url, { signal: abortController.signal, cache: 'no-store' });
      data = await response.arrayBuffer(); // the body is part of the tile's latency
    } catch (error) {
      if (abortController.signal.aborted) stats.abandoned();
      else stats.unreachable(error instanceof Error ? error.message : String(error), url);
      changed();
      throw error;
    }
    const ms = performance.now() - startedAt;
    stats.answered(
      {
        status: response.status,
        ms,
        xCache: response.headers.get('x-cache'),
        age: response.headers.get('age'),
      },
      url,
    );
    changed();
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
    // 204 (no tile here) has an empty body: MapLibre draws nothing for it, which is right.
    return { data };
  });
}
