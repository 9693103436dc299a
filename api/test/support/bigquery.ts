import { cartoTilesetHandler, geoJsonTableHandler, startBigQueryStub } from '@tilestack/bigquery-stub';
import { BILLING_PROJECT, TILESET_DATASET } from '@tilestack/test-support';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createBigQuerySource } from '../../src/sources/bigquery/bigquery-source.js';
import type { SourceObserver } from '../../src/sources/types.js';

const TABLE_DATASET = 'carto-demo-data.demo_tables';
export const MAX_BYTES_BILLED = 50 * 1024 * 1024;

/** A source observer that keeps every event for assertions. */
function recordingObserver() {
  const queries: Parameters<SourceObserver['query']>[0][] = [];
  const fallbacks: { tilesetId: string; reason: string }[] = [];
  const refused: string[] = [];
  const observer: SourceObserver = {
    query: (event) => queries.push(event),
    partitionFallback: (tilesetId, reason) => fallbacks.push({ tilesetId, reason }),
    fallbackRefused: (tilesetId) => refused.push(tilesetId),
  };
  return { observer, queries, fallbacks, refused };
}

/** A pino logger (what Fastify hands the source) whose lines land in `lines`. */
function recordingLogger() {
  const lines: { level: number; msg?: string; [key: string]: unknown }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, errors: () => lines.filter((l) => l.level >= 50) };
}

/**
 * A BigQuery stub with the CARTO and GeoJSON handlers, and a BigQuery source (the real client)
 * pointed at it. `env` overrides configuration variables.
 */
export async function startStubbedBigQuery(env: Record<string, string> = {}) {
  const stub = await startBigQueryStub();
  stub.onQuery(cartoTilesetHandler, geoJsonTableHandler);
  const observer = recordingObserver();
  const logs = recordingLogger();
  const config = loadConfig({
    DATA_SOURCE: 'bigquery',
    BIGQUERY_BILLING_PROJECT: BILLING_PROJECT,
    BIGQUERY_API_ENDPOINT: stub.url,
    BIGQUERY_ALLOWED_DATASETS: `${TILESET_DATASET},${TABLE_DATASET}`,
    BIGQUERY_MAX_BYTES_BILLED: String(MAX_BYTES_BILLED),
    BIGQUERY_TIMEOUT_MS: '2000',
    ...env,
  });
  const source = createBigQuerySource(config, { logger: logs.logger, observer: observer.observer });
  const close = () => source.close().then(() => stub.close());
  return { stub, source, observer, logs, close };
}

export type StubbedBigQuery = Awaited<ReturnType<typeof startStubbedBigQuery>>;
