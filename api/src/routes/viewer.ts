import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

// `viewer/dist`, whether we run from `api/src` (tsx) or `api/dist` (built).
const DEFAULT_VIEWER_DIR = fileURLToPath(new URL('../../../viewer/dist/', import.meta.url));
const BUILD_COMMAND = 'npm run build -w @tilestack/viewer';
const ASSET_MAX_AGE_MS = 300_000; // short: asset names carry no content hash

/** `/viewer/`: the viewer's build; until it exists (checked per request, no restart) `/viewer/` says how. */
export function viewerRoutes(app: FastifyInstance, { config }: AppContext): void {
  if (!config.VIEWER_ENABLED) return;
  const root = resolve(config.VIEWER_DIR ?? DEFAULT_VIEWER_DIR);
  const built = () => existsSync(join(root, 'index.html'));

  app.register(
    async (scope) => {
      if (!built())
        scope.log.warn({ root }, `viewer not built; /viewer/ answers 404 until: ${BUILD_COMMAND}`);
      // The page loads its assets by relative URL, so `/viewer` must become `/viewer/`.
      scope.addHook('onRequest', async (request, reply) => {
        const [path = '', query] = request.url.split('?', 2);
        if (path === '/viewer')
          return reply.redirect(`/viewer/${query === undefined ? '' : `?${query}`}`, 301);
      });

      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        preCompressed: true, // the build writes `.gz` twins (1.6 MB → 0.5 MB)
        maxAge: ASSET_MAX_AGE_MS,
        suppressWarning: true,
      });

      // Explicit, because the router's ignoreTrailingSlash keeps `/viewer/` off the static wildcard.
      scope.get('/', async (_request, reply) =>
        built() ? reply.sendFile('index.html') : reply.callNotFound(),
      );

      scope.setNotFoundHandler((_request, reply) => {
        if (built()) {
          reply.header('cache-control', 'public, max-age=30, s-maxage=60');
          return reply.code(404).send({ error: 'not_found', message: 'no such viewer file' });
        }
        reply.header('cache-control', 'no-store');
        return reply.code(404).send({
          error: 'viewer_not_built',
          message: `the viewer is not built (no ${join(root, 'index.html')}): run \`${BUILD_COMMAND}\` (or set VIEWER_DIR)`,
        });
      });
    },
    { prefix: '/viewer' },
  );
}
