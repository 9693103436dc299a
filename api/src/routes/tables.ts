import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { ResponseTooLargeError } from '../errors.js';
import { cacheControl, sendWithEtag, strongEtag } from '../http/caching.js';
import { Coalescer } from '../sources/memo.js';

const schema = {
  params: Type.Object({ table: Type.String() }),
  querystring: Type.Object({
    // A column name (BigQuery's rule), never an expression.
    geomField: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,299}$' }),
    format: Type.Optional(Type.Literal('geojson')),
  }),
};

type Body = { json: string; etag: string };

/** `GET /maps/table/:table?geomField=geom&format=geojson`: every row as a GeoJSON FeatureCollection. */
export function tableRoutes(app: FastifyInstance, { config, source, metrics }: AppContext): void {
  const inflight = new Coalescer<Body>(() => metrics.coalescedRequest('table'));
  const maxBytes = config.MAX_JSON_RESPONSE_SIZE;

  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get('/maps/table/:table', { schema }, async (request, reply) => {
      const { geomField } = request.query;
      const { table } = request.params;
      const body = await inflight.run(`${table}\n${geomField}`, async () => {
        const json = JSON.stringify(await source.getTable(table, { geomField, maxBytes }));
        if (Buffer.byteLength(json) > maxBytes) throw new ResponseTooLargeError(maxBytes);
        return { json, etag: strongEtag(json) };
      });
      // RFC 7946 §12's type; a JSON subtype, so clients that parse any response as JSON are unaffected.
      reply.header('content-type', 'application/geo+json; charset=utf-8');
      reply.header('cache-control', cacheControl(config, 'default'));
      return sendWithEtag(request, reply, body.json, body.etag);
    });
}
