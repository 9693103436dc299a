import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { BadRequestError } from '../errors.js';
import { acceptsGzip, cacheControl, sendWithEtag, strongEtag, tileEtag } from '../http/caching.js';
import { isGzip } from '../sources/mbtiles/writer.js';
import { Coalescer } from '../sources/memo.js';
import { MAX_ZOOM, type TilesetInfo } from '../sources/types.js';

const MVT = 'application/vnd.mapbox-vector-tile';
const [gzip, gunzip] = [promisify(gzipCallback), promisify(gunzipCallback)];
// Plain decimal digits only (no sign, exponent, hex or spaces), so one tile has one URL in the cache.
const coordinate = Type.String({ pattern: '^\\d{1,8}$' });
const tilesetParams = Type.Object({ tileset: Type.String() });
const tileSchema = {
  params: Type.Object({ tileset: Type.String(), z: coordinate, x: coordinate, y: coordinate }),
  querystring: Type.Object({ v: Type.Optional(Type.String()) }),
};

type Tile = { gzip: Buffer; etag: string };

/** Configured, or the (validated, cache-keyed) Host with the trusted proxy's scheme; never X-Forwarded-Host,
 * which caches do not key on, so one client could write its host into everyone's TileJSON. */
export function baseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${request.protocol === 'https' ? 'https' : 'http'}://${request.headers.host}`;
}

function tileJson(info: TilesetInfo, base: string) {
  const id = encodeURIComponent(info.id);
  return {
    tilejson: '3.0.0',
    name: info.name,
    description: info.description, // JSON.stringify leaves out what is undefined
    attribution: info.attribution,
    scheme: 'xyz',
    // The data version makes tile URLs change when the data does: caches never serve old tiles for new URLs.
    tiles: [`${base}/maps/tileset/${id}/{z}/{x}/{y}?v=${encodeURIComponent(info.version)}`],
    minzoom: info.minzoom,
    maxzoom: info.maxzoom,
    bounds: info.bounds,
    center: info.center,
    vector_layers: info.vector_layers,
  };
}

export function tilesetRoutes(fastify: FastifyInstance, { config, source, metrics }: AppContext): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const inflight = new Coalescer<Tile | null>(() => metrics.coalescedRequest('tile'));

  app.get('/maps/tileset/:tileset', { schema: { params: tilesetParams } }, async (request, reply) => {
    const info = await source.getTileset(request.params.tileset);
    const body = JSON.stringify(tileJson(info, baseUrl(request, config.PUBLIC_BASE_URL)));
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('cache-control', cacheControl(config, 'short'));
    return sendWithEtag(request, reply, body, strongEtag(body));
  });

  app.get('/maps/tileset/:tileset/:z/:x/:y', { schema: tileSchema }, async (request, reply) => {
    const { tileset } = request.params;
    const [z, x, y] = [Number(request.params.z), Number(request.params.x), Number(request.params.y)];
    if (z > MAX_ZOOM) throw new BadRequestError(`z must be between 0 and ${MAX_ZOOM}`);
    if (x >= 2 ** z || y >= 2 ** z) throw new BadRequestError(`x and y must be below 2^z at z=${z}`);
    // The common local read never gets here: the tile fast path (http/tile-fast-path.ts) answered it.
    const info = await source.getTileset(tileset);
    const tile = await inflight.run(`${tileset}/${z}/${x}/${y}`, async () => {
      const data = await source.getTile(tileset, z, x, y);
      const gzipped = data && (isGzip(data) ? data : await gzip(data));
      return gzipped && { gzip: gzipped, etag: tileEtag(info, z, x, y, gzipped) };
    });

    const current = request.query.v !== undefined && request.query.v === info.version;
    reply.header('cache-control', cacheControl(config, current ? 'immutable' : 'default'));
    reply.header('vary', 'Accept-Encoding');
    if (!tile) return reply.code(204).send();

    reply.header('content-type', MVT);
    if (acceptsGzip(request.headers['accept-encoding'])) {
      reply.header('content-encoding', 'gzip');
      return sendWithEtag(request, reply, tile.gzip, tile.etag);
    }
    const identity = await gunzip(tile.gzip);
    return sendWithEtag(request, reply, identity, tile.etag.replace(/"$/, '-identity"'));
  });
}
