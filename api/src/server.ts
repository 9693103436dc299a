import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import type { Lifecycle } from './context.js';
import { createLogger } from './logger.js';
import { Metrics } from './plugins/metrics.js';
import { MbtilesSource } from './sources/mbtiles/mbtiles-source.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config);
const metrics = new Metrics(config.DATA_SOURCE);
const lifecycle: Lifecycle = { shuttingDown: false };
// The HTTP layer only ever sees `DataSource`; the BigQuery client is loaded only when configured.
const deps = { logger, observer: metrics };
const source =
  config.DATA_SOURCE === 'bigquery'
    ? (await import('./sources/bigquery/bigquery-source.js')).createBigQuerySource(config, deps)
    : new MbtilesSource(resolve(config.DATA_DIR), config.METADATA_TTL_SECONDS, metrics);
const app = await buildApp({ config, source, metrics, lifecycle }, logger);

/** SIGTERM: readiness fails at once, we serve SHUTDOWN_DRAIN_MS more, then drain; all within SHUTDOWN_TIMEOUT_MS. */
async function shutdown(signal: string): Promise<void> {
  if (lifecycle.shuttingDown) return;
  lifecycle.shuttingDown = true;
  logger.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, 'shutting down: readiness now fails');
  setTimeout(() => {
    logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out with requests in flight');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS).unref();
  await sleep(config.SHUTDOWN_DRAIN_MS);
  await app.close();
  logger.info('shutdown complete');
  process.exit(0);
}

for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void shutdown(signal));

try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  logger.fatal({ err: error }, 'could not start listening');
  process.exit(1);
}
