import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Metrics } from '../../src/plugins/metrics.js';
import { MbtilesSource } from '../../src/sources/mbtiles/mbtiles-source.js';
import type { DataSource } from '../../src/sources/types.js';

export interface LocalApi {
  url: string;
  app: FastifyInstance;
  metrics: Metrics;
  close(): Promise<void>;
}

/** The real HTTP server, in-process, on a free port (mbtiles source unless one is given). */
export async function startLocalApi(
  env: Record<string, string>,
  source?: DataSource,
  logger: FastifyBaseLogger | false = false,
): Promise<LocalApi> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const metrics = new Metrics(config.DATA_SOURCE);
  const dataSource = source ?? new MbtilesSource(config.DATA_DIR, config.METADATA_TTL_SECONDS, metrics);
  const app = await buildApp(
    { config, source: dataSource, metrics, lifecycle: { shuttingDown: false } },
    logger,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, metrics, close: () => app.close() };
}
