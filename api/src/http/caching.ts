import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

export type CachePolicy = 'default' | 'immutable' | 'short' | 'none';

/**
 * Cache-Control for each kind of answer. `s-maxage` drives Varnish (and any CDN), `max-age` browsers;
 * the stale windows let the cache answer while refreshing and while the API is failing.
 * Responses are never `private` and never carry Set-Cookie: every answer is shareable.
 */
export function cacheControl(config: Config, policy: CachePolicy): string {
  switch (policy) {
    case 'immutable':
      return `public, max-age=${config.CACHE_IMMUTABLE_MAX_AGE}, s-maxage=${config.CACHE_IMMUTABLE_MAX_AGE}, immutable`;
    case 'short':
      return 'public, max-age=30, s-maxage=60';
    case 'none':
      return 'no-store';
    default:
      return [
        'public',
        `max-age=${config.CACHE_MAX_AGE}`,
        `s-maxage=${config.CACHE_S_MAXAGE}`,
        `stale-while-revalidate=${config.CACHE_STALE_WHILE_REVALIDATE}`,
        `stale-if-error=${config.CACHE_STALE_IF_ERROR}`,
      ].join(', ');
  }
}

/** Strong validator from the exact bytes sent; each representation (gzip, identity) gets its own. */
export function strongEtag(body: Buffer | string, representation = ''): string {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return `"${hash}${representation}"`;
}

/** True when the request's If-None-Match lists `etag` (or `*`): answer 304 instead of the body. */
export function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** Whether the client accepts gzip (`Accept-Encoding`, honouring q=0). */
export function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** Sends `body` with its validator, or 304 when the client already has it. */
export function sendWithEtag(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Buffer | string,
  etag: string,
) {
  reply.header('etag', etag);
  if (notModified(request, etag)) return reply.code(304).send();
  return reply.send(body);
}
