import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Config } from '../config.js';

// What every request is checked against, by the Fastify app and the tile fast path alike.

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** One Host field line (duplicates are joined with a comma, which fails this) holding host[:port]. */
export const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The caller's X-Request-Id when it is safe to log and echo, else a new one. */
export function requestId(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** TRUST_PROXY as Fastify's `trustProxy`: a hop count trusts exactly that many proxies (Fastify's own number option trusts none). */
export function trustProxy({ TRUST_PROXY: trust }: Pick<Config, 'TRUST_PROXY'>) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

/** The client address as Fastify's `request.ip` reads it (the same package, the same trust). */
export function clientAddress(config: Pick<Config, 'TRUST_PROXY'>) {
  const trust = trustProxy(config);
  if (trust === false) return (raw: IncomingMessage) => raw.socket.remoteAddress ?? '';
  const trusted = trust === true ? () => true : trust;
  return (raw: IncomingMessage) => proxyAddr.all(raw, trusted).at(-1) ?? '';
}
