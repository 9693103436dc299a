import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { SourceObserver } from '../sources/types.js';

type Labels = Record<string, string | number>;

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

  query({ kind, outcome, seconds, bytesBilled }: Parameters<SourceObserver['query']>[0]): void {
    const [key, source] = [`${kind} ${outcome}`, this.sourceKind];
    const timer =
      this.bound.get(key) ??
      this.bind(key, this.sourceQueries, this.sourceDuration, { source, kind }, { outcome });
    timer(seconds);
    if (bytesBilled) this.bytesBilled.inc({ kind }, bytesBilled);
  }

  readonly partitionFallback = (tileset: string) => this.partitionFallbacks.inc({ tileset });
  readonly fallbackRefused = (tileset: string) => this.fallbackRefusals.inc({ tileset });
  readonly coalescedRequest = (kind: 'tile' | 'table') => this.coalesced.inc({ kind });

  /** Counts a response and its latency. */
  recordResponse(route: string, method: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    const timer =
      this.bound.get(key) ?? this.bind(key, this.requests, this.duration, { route, method }, { status });
    timer(seconds);
  }

  // A counter and a histogram bound to one label set; the arguments of `bind` are only evaluated on a miss,
  // so each set's label objects are made, and checked by prom-client, once.
  private readonly bound = new Map<string, (seconds: number) => void>();
  private bind(key: string, counter: Counter, histogram: Histogram, labels: Labels, extra: Labels) {
    const [count, time] = [counter.labels({ ...labels, ...extra }), histogram.labels(labels)];
    const timer = (seconds: number) => {
      count.inc();
      time.observe(seconds);
    };
    this.bound.set(key, timer);
    return timer;
  }

  /** Serves `GET /metrics`. */
  routes(app: FastifyInstance): void {
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', this.registry.contentType).header('cache-control', 'no-store');
      return this.registry.metrics();
    });
  }
}
