import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import type { rateLimit } from '../plugins/rate-limit.js';
import { isGzip } from '../sources/mbtiles/writer.js';
import { MAX_ZOOM } from '../sources/types.js';
import { acceptsGzip, cacheControl, lists, tileEtag } from './caching.js';
import { HOST, requestId } from './request-checks.js';
import { RESPONSE_HEADERS } from './response-headers.js';

/** The tile route's pattern: the `route` label of both paths' metrics. */
export const TILE_ROUTE = '/maps/tileset/:tileset/:z/:x/:y';
const MVT = 'application/vnd.mapbox-vector-tile';
// Plain ids and coordinates, at most a plain `?v=` (nothing to decode); every other form is Fastify's.
const TILE_URL = /^\/maps\/tileset\/([^/?%]{1,500})\/(\d{1,8})\/(\d{1,8})\/(\d{1,8})\/?(?:\?v=([^&%+#]*))?$/;

/**
 * The common tile request — GET or HEAD, gzip accepted, a tile the source has at hand (`tileNow`) — answered
 * with node:http alone: the same headers, validators, rate limit and metrics as the tile route, without
 * Fastify's per-request objects, child logger and hooks, which cost more than the read itself
 * (docs/benchmarks.md). Returns false, having sent nothing, for any other request: Fastify answers those,
 * errors included, so there is one error shape.
 */
export function tileFastPath(
  { config, source, metrics, lifecycle }: AppContext,
  deps: { clientIp: (raw: IncomingMessage) => string; limit: ReturnType<typeof rateLimit> },
) {
  if (!source.tileNow) return () => false;
  const tileNow = source.tileNow.bind(source);
  const fixed = { ...RESPONSE_HEADERS, vary: 'Accept-Encoding' };
  const immutable = cacheControl(config, 'immutable');
  const normal = cacheControl(config, 'default');

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const started = performance.now();
    const { method, headers } = req;
    const match = (method === 'GET' || method === 'HEAD') && TILE_URL.exec(req.url ?? '');
    if (!match || lifecycle.shuttingDown || req.httpVersionMajor !== 1 || !HOST.test(headers.host ?? ''))
      return false;
    // A body, a precondition to check or no gzip: the route answers those.
    const { 'content-length': length = '0', 'transfer-encoding': chunked, 'if-match': ifMatch } = headers;
    if (length !== '0' || chunked || ifMatch || !acceptsGzip(headers['accept-encoding'])) return false;
    const [, tileset = '', zText, xText, yText, version] = match;
    const [z, x, y] = [Number(zText), Number(xText), Number(yText)];
    if (z > MAX_ZOOM || x >= 2 ** z || y >= 2 ** z) return false;
    // What falls through after this is counted (and, past tileNow, read) again by the route: a 429, a tileset's
    // first request each METADATA_TTL_SECONDS (its file is checked), an uncompressed tile (rare: ours are gzip).
    if (deps.limit(deps.clientIp(req), TILE_ROUTE)) return false;
    const local = tileNow(tileset, z, x, y);
    if (!local || (local.data && !isGzip(local.data))) return false;

    const answer: Record<string, string | number> = {
      ...fixed,
      'x-request-id': requestId(headers),
      'cache-control': version !== undefined && version === local.info.version ? immutable : normal,
    };
    let status = 204;
    if (local.data) {
      answer.etag = tileEtag(local.info, z, x, y, local.data);
      const ifNoneMatch = headers['if-none-match'];
      status = ifNoneMatch && lists(ifNoneMatch, answer.etag, true) ? 304 : 200;
    }
    if (status === 200) {
      answer['content-type'] = MVT;
      answer['content-encoding'] = 'gzip';
      answer['content-length'] = local.data?.length ?? 0;
    }
    res.writeHead(status, answer).end(status === 200 ? local.data : undefined);
    metrics.recordResponse(TILE_ROUTE, method, status, (performance.now() - started) / 1000);
    return true;
  };
}
