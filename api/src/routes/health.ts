import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { TtlMemo } from '../sources/memo.js';

const PING_MS = 2000; // a ping's time limit, and how long its answer is shared
const timeout = () =>
  sleep(PING_MS, undefined, { ref: false }).then(() => Promise.reject(new Error('no answer')));

/**
 * `/healthz`: the process answers (liveness; never depends on BigQuery, so an outage upstream does
 * not make Kubernetes restart healthy pods). `/readyz`: the source is reachable and we are not
 * shutting down. Pings are shared for a moment so probes from many callers cost one upstream call.
 */
export function healthRoutes(app: FastifyInstance, { source, lifecycle }: AppContext): void {
  const pings = new TtlMemo<void>(PING_MS, PING_MS);

  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (lifecycle.shuttingDown) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await pings.get('', () => Promise.race([source.ping(), timeout()]));
      return { status: 'ready', dataSource: source.kind };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed: data source unreachable');
      return reply.code(503).send({ status: 'unavailable', dataSource: source.kind });
    }
  });
}
