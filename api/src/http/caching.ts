import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';
import type { TilesetInfo } from '../sources/types.js';

export type CachePolicy = 'default' | 'immutable' | 'short' | 'none';

/** Cache-Control per kind of answer (`s-maxage` drives Varnish, `max-age` browsers); never `private`. */
export function cacheControl(config: Config, policy: CachePolicy): string {
  let values = cacheControls.get(config);
  if (!values) {
    values = {
      immutable: `public, max-age=${config.CACHE_IMMUTABLE_MAX_AGE}, s-maxage=${config.CACHE_IMMUTABLE_MAX_AGE}, immutable`,
      short: 'public, max-age=30, s-maxage=60',
      none: 'no-store',
      default: [
        'public',
        `max-age=${config.CACHE_MAX_AGE}`,
        `s-maxage=${config.CACHE_S_MAXAGE}`,
        `stale-while-revalidate=${config.CACHE_STALE_WHILE_REVALIDATE}`,
        `stale-if-error=${config.CACHE_STALE_IF_ERROR}`,
      ].join(', '),
    };
    cacheControls.set(config, values);
  }
  return values[policy];
}
const cacheControls = new WeakMap<Config, Record<CachePolicy, string>>();

/** Strong validator from the exact bytes sent; each representation (gzip, identity) gets its own. */
export function strongEtag(body: Buffer | string, representation = ''): string {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return `"${hash}${representation}"`;
}

/** Whether an If-Match (strong comparison) or If-None-Match (weak) header lists `etag` or `*`. */
export function lists(header: string, etag: string, weak: boolean): boolean {
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || (weak && t === `W/${etag}`);
  });
}

/** Whether the client accepts gzip (`Accept-Encoding`, honouring q=0). Clients send few distinct values. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let accepts = gzipAccepted.get(header);
  if (accepts === undefined) {
    accepts = header.split(',').some((part) => {
      const [coding = '', ...params] = part.trim().toLowerCase().split(';');
      if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') return false;
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return !q || Number(q.slice(2)) > 0;
    });
    if (gzipAccepted.size >= 256) gzipAccepted.clear();
    gzipAccepted.set(header, accepts);
  }
  return accepts;
}
const gzipAccepted = new Map<string, boolean>();

// Hashing costs ~10 µs per 14 KB tile; same data version (`info` object), coordinates and size is the same
// tile, so its validator (never the bytes) is remembered under a number key (a fresh string costs more).
const tileEtags = new WeakMap<TilesetInfo, Map<number, { length: number; etag: string }>>();

/** The strong validator of a stored (gzip) tile. */
export function tileEtag(info: TilesetInfo, z: number, x: number, y: number, gzip: Buffer): string {
  let known = tileEtags.get(info);
  if (!known || known.size >= 50_000) {
    known = new Map();
    tileEtags.set(info, known);
  }
  const key = (z * 2 ** 24 + x) * 2 ** 24 + y;
  const hit = known.get(key);
  if (hit?.length === gzip.length) return hit.etag;
  const etag = strongEtag(gzip);
  known.set(key, { length: gzip.length, etag });
  return etag;
}

/** Sends `body` with its validator; 412 when If-Match fails, 304 (no body headers) when the client has it. */
export function sendWithEtag(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Buffer | string,
  etag: string,
) {
  const { 'if-match': ifMatch, 'if-none-match': ifNoneMatch } = request.headers;
  if (ifMatch && !lists(ifMatch, etag, false))
    throw new ApiError(412, 'precondition_failed', 'If-Match does not list the current ETag');
  reply.header('etag', etag);
  if (!ifNoneMatch || !lists(ifNoneMatch, etag, true)) return reply.send(body);
  reply.removeHeader('content-type').removeHeader('content-encoding');
  return reply.code(304).send();
}
