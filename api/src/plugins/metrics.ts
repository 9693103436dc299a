import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { SourceObserver } from '../sources/types.js';

/**
 * The API's Prometheus metrics. One registry per app instance (tests build many apps); the
 * source reports upstream calls through the `SourceObserver` side of this class.
 */
export class Metrics implements SourceObserver {
  readonly registry = new Registry();
  private readonly counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [this.registry] });
  private readonly requests = this.counter(
    'http_requests_total',
    'HTTP requests by route pattern, method and status code',
    ['route', 'method', 'status'],
  );
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly sourceQueries = this.counter(
    'tilestack_source_queries_total',
    'Calls to the data source by kind and outcome',
    ['source', 'kind', 'outcome'],
  );
  private readonly sourceDuration = new Histogram({
    name: 'tilestack_source_query_duration_seconds',
    help: 'Data source call latency by kind',
    labelNames: ['source', 'kind'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly bytesBilled = this.counter(
    'tilestack_bigquery_bytes_billed_total',
    'Bytes billed by BigQuery queries, by kind',
    ['kind'],
  );
  private readonly coalesced = this.counter(
    'tilestack_coalesced_requests_total',
    'Requests answered by joining an identical request already in flight',
    ['kind'],
  );
  private readonly partitionFallbacks = this.counter(
    'tilestack_partition_fallbacks_total',
    'Tilesets served without carto_partition pruning (missing parameters or failed self-check)',
    ['tileset'],
  );
  private readonly fallbackRefusals = this.counter(
    'tilestack_partition_fallback_refusals_total',
    'Tile queries refused by BIGQUERY_MAX_BYTES_BILLED: tileset has no partition metadata; raise BIGQUERY_MAX_BYTES_BILLED or add metadata',
    ['tileset'],
  );

  constructor(private readonly sourceKind: string) {
    collectDefaultMetrics({ register: this.registry });
  }

  query(event: Parameters<SourceObserver['query']>[0]): void {
    const labels = { source: this.sourceKind, kind: event.kind };
    this.sourceQueries.inc({ ...labels, outcome: event.outcome });
    this.sourceDuration.observe(labels, event.seconds);
    if (event.bytesBilled) this.bytesBilled.inc({ kind: event.kind }, event.bytesBilled);
  }

  readonly partitionFallback = (tileset: string) => this.partitionFallbacks.inc({ tileset });
  readonly fallbackRefused = (tileset: string) => this.fallbackRefusals.inc({ tileset });
  readonly coalescedRequest = (kind: 'tile' | 'table') => this.coalesced.inc({ kind });

  private readonly responses = new Map<string, (seconds: number) => void>();

  /** Counts a response and its latency; the label objects of each label set are made (and checked) once. */
  recordResponse(route: string, method: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let record = this.responses.get(key);
    if (!record) {
      const [count, time] = [
        this.requests.labels({ route, method, status }),
        this.duration.labels({ route, method }),
      ];
      record = (s: number) => {
        count.inc();
        time.observe(s);
      };
      this.responses.set(key, record);
    }
    record(seconds);
  }

  /** Serves `GET /metrics`. */
  routes(app: FastifyInstance): void {
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', this.registry.contentType).header('cache-control', 'no-store');
      return this.registry.metrics();
    });
  }
}
