import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

// The image's OCI version label comes from the same package.json.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** `GET /`: liveness text of the original API, now a small JSON document with links. */
export function rootRoutes(app: FastifyInstance, { source, config }: AppContext): void {
  app.get('/', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return {
      service: 'tilestack-api',
      version,
      dataSource: source.kind,
      links: {
        tilejson: '/maps/tileset/{tileset}',
        tile: '/maps/tileset/{tileset}/{z}/{x}/{y}',
        table: '/maps/table/{table}?geomField={column}&format=geojson',
        health: '/healthz',
        ready: '/readyz',
        metrics: '/metrics',
        ...(config.VIEWER_ENABLED ? { viewer: '/viewer/' } : {}),
      },
    };
  });
}
