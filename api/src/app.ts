import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AppContext } from './context.js';
import { ApiError } from './errors.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandler } from './http/error-handler.js';
import { clientAddress, HOST, requestId, trustProxy } from './http/request-checks.js';
import { RESPONSE_HEADERS } from './http/response-headers.js';
import { tileFastPath } from './http/tile-fast-path.js';
import { traceLogFields } from './http/trace.js';
import { rateLimit } from './plugins/rate-limit.js';
import { healthRoutes } from './routes/health.js';
import { rootRoutes } from './routes/root.js';
import { tableRoutes } from './routes/tables.js';
import { tilesetRoutes } from './routes/tilesets.js';
import { viewerRoutes } from './routes/viewer.js';

const SLOW_REQUEST_MS = 1000;
const ALLOW = 'GET, HEAD, OPTIONS';
// Fastify's own defaults (keep-alive: longer than the cache's idle backend connections); duplicate headers joined.
const SERVER_OPTIONS = {
  joinDuplicateHeaders: true,
  connectionsCheckingInterval: 1000,
  keepAliveTimeout: 72_000,
};

declare module 'fastify' {
  interface FastifyRequest {
    routeUrl: string; // the matched route's pattern, read once (Fastify builds `routeOptions` per read)
  }
}

/** Builds the HTTP application; `server.ts` listens and owns the process lifecycle. */
export async function buildApp(
  context: AppContext,
  logger: FastifyBaseLogger | false,
): Promise<FastifyInstance> {
  const { config, lifecycle, metrics } = context;
  const limit = rateLimit(config.RATE_LIMIT_PER_MINUTE);
  const logEveryRequest = logger !== false && ['debug', 'trace'].includes(logger.level);
  // It logs nothing (its answers are never errors, nor slow: a read of a mapped file), so not at debug level.
  const fastTile = logEveryRequest
    ? () => false
    : tileFastPath(context, { clientIp: clientAddress(config), limit });
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    trustProxy: trustProxy(config),
    // Fastify would take a request id header as is; ours is read, and kept only when valid, here.
    requestIdHeader: false,
    genReqId: (request) => requestId(request.headers),
    // The server Fastify would make, with the tile fast path in front of Fastify's handler. A request (headers
    // and any body) not fully arrived within REQUEST_TIMEOUT_MS gets 408; checked every second.
    serverFactory: (handler) =>
      createServer(
        { ...SERVER_OPTIONS, requestTimeout: config.REQUEST_TIMEOUT_MS },
        (req, res) => fastTile(req, res) || handler(req, res),
      ),
    // The load balancer logs every request; we log errors and slow ones.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    clientErrorHandler,
    frameworkErrors,
  });

  const traceProject = config.GOOGLE_CLOUD_PROJECT ?? config.BIGQUERY_BILLING_PROJECT;
  app.decorateRequest('routeUrl', 'unmatched');
  // One hook before routing does all per-request work: every answer's headers (they do not depend on the
  // route, and a header set now survives into error answers), then the refusals, trace context, rate limit.
  app.addHook('onRequest', (request, reply, done) => {
    const { method, raw } = request;
    const route = request.routeOptions.url ?? 'unmatched';
    request.routeUrl = route;
    reply.headers(RESPONSE_HEADERS).header('x-request-id', request.id);
    // While draining, ask keep-alive clients (the cache) to open their next request elsewhere.
    if (lifecycle.shuttingDown) reply.header('connection', 'close');
    if (method === 'OPTIONS') reply.header('allow', ALLOW);
    if (raw.httpVersionMajor !== 1)
      return done(new ApiError(505, 'http_version_not_supported', 'only HTTP/1.x is served'));
    if (!HOST.test(raw.headers.host ?? ''))
      return done(
        new ApiError(400, 'bad_request', 'the request needs exactly one Host header of the form host[:port]'),
      );
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      // Answered before any body is read; the connection closes so an unread body cannot hold it.
      reply.header('allow', ALLOW).header('connection', 'close');
      return done(new ApiError(405, 'method_not_allowed', `only ${ALLOW} are served`));
    }
    if (raw.headers['transfer-encoding'] !== undefined || (raw.headers['content-length'] ?? '0') !== '0') {
      reply.header('connection', 'close');
      return done(new ApiError(400, 'bad_request', 'request bodies are not accepted'));
    }
    const trace = traceLogFields(request.headers, traceProject);
    if (trace) request.log = request.log.child(trace);
    done(limit(request.ip, route));
  });

  app.addHook('onResponse', (request, reply, done) => {
    const { statusCode: status, elapsedTime } = reply;
    metrics.recordResponse(request.routeUrl, request.method, status, elapsedTime / 1000);
    const slow = elapsedTime > SLOW_REQUEST_MS;
    if (status >= 500 || slow || logEveryRequest) {
      const fields = { method: request.method, url: request.url, status, ms: Math.round(elapsedTime), slow };
      request.log[status >= 500 || slow ? 'warn' : 'debug'](fields, 'request completed');
    }
    done();
  });

  // CORS preflight: GET and HEAD from anywhere; a plain OPTIONS gets the same 204 with `Allow` (onRequest).
  app.options('*', (request, reply) => {
    const { 'access-control-request-method': method, 'access-control-request-headers': headers } =
      request.headers;
    if (method)
      reply.header('access-control-allow-methods', 'GET, HEAD').header('access-control-max-age', '86400');
    if (method && headers)
      reply.header('access-control-allow-headers', headers).header('vary', 'Access-Control-Request-Headers');
    reply.code(204).header('content-length', '0').send();
  });

  registerErrorHandler(app, config);
  metrics.routes(app);
  rootRoutes(app, context);
  healthRoutes(app, context);
  tilesetRoutes(app, context);
  tableRoutes(app, context);
  viewerRoutes(app, context);
  app.addHook('onClose', async () => context.source.close());
  return app;
}
