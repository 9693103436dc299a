import { resolve } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { MbtilesSource } from './mbtiles/mbtiles-source.js';
import type { DataSource, SourceObserver } from './types.js';

/** Picks the data source from configuration; the HTTP layer only ever sees `DataSource`. */
export async function createSource(
  config: Config,
  deps: { logger: FastifyBaseLogger; observer: SourceObserver },
): Promise<DataSource> {
  if (config.DATA_SOURCE === 'bigquery') {
    const { createBigQuerySource } = await import('./bigquery/bigquery-source.js');
    return createBigQuerySource(config, deps);
  }
  return new MbtilesSource(resolve(config.DATA_DIR), config.METADATA_TTL_SECONDS, deps.observer);
}
