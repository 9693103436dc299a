import type { Config } from './config.js';
import type { Metrics } from './plugins/metrics.js';
import type { DataSource } from './sources/types.js';

/** Whether the process is draining; /readyz reports it and responses ask clients to reconnect elsewhere. */
export type Lifecycle = { shuttingDown: boolean };

/** What every route needs; built once in `server.ts` (or by a test) and handed to `buildApp`. */
export interface AppContext {
  config: Config;
  source: DataSource;
  metrics: Metrics;
  lifecycle: Lifecycle;
}
