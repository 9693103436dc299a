import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { SourceObserver } from '../sources/types.js';

/** Label objects by their values, built once: the request path allocates none (values are few). */
type Labels = Record<string, string>;
function labelCache(make: (a: string, b: string, c: string) => [Labels, Labels]) {
  const sets = new Map<string, [Labels, Labels]>();
  return (a: string, b: string, c: string) => {
    const key = `${a} ${b} ${c}`;
    let labels = sets.get(key);
    if (!labels) {
      labels = make(a, b, c);
      sets.set(key, labels);
    }
    return labels;
  };
}

/**
 * The API's Prometheus metrics. One registry per app instance (tests build many apps); the
 * source reports upstream calls through the `SourceObserver` side of this class.
 */
export class Metrics implements SourceObserver {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly sourceQueries = new Counter({
    name: 'tilestack_source_queries_total',
    help: 'Calls to the data source by kind and outcome',
    labelNames: ['source', 'kind', 'outcome'],
    registers: [this.registry],
  });
  private readonly sourceDuration = new Histogram({
    name: 'tilestack_source_query_duration_seconds',
    help: 'Data source call latency by kind',
    labelNames: ['source', 'kind'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly bytesBilled = new Counter({
    name: 'tilestack_bigquery_bytes_billed_total',
    help: 'Bytes billed by BigQuery queries, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly coalesced = new Counter({
    name: 'tilestack_coalesced_requests_total',
    help: 'Requests answered by joining an identical request already in flight',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly partitionFallbacks = new Counter({
    name: 'tilestack_partition_fallbacks_total',
    help: 'Tilesets served without carto_partition pruning (missing parameters or failed self-check)',
    labelNames: ['tileset'],
    registers: [this.registry],
  });

  private readonly fallbackRefusals = new Counter({
    name: 'tilestack_partition_fallback_refusals_total',
    help: 'Tile queries refused by BIGQUERY_MAX_BYTES_BILLED: tileset has no partition metadata; raise BIGQUERY_MAX_BYTES_BILLED or add metadata',
    labelNames: ['tileset'],
    registers: [this.registry],
  });
  private readonly httpLabels = labelCache((route, method, status) => [
    { route, method, status },
    { route, method },
  ]);
  private readonly sourceLabels = labelCache((source, kind, outcome) => [
    { source, kind, outcome },
    { source, kind },
  ]);

  constructor(private readonly sourceKind: string) {
    collectDefaultMetrics({ register: this.registry });
  }

  query(event: Parameters<SourceObserver['query']>[0]): void {
    const [counted, timed] = this.sourceLabels(this.sourceKind, event.kind, event.outcome);
    this.sourceQueries.inc(counted);
    this.sourceDuration.observe(timed, event.seconds);
    if (event.bytesBilled) this.bytesBilled.inc({ kind: event.kind }, event.bytesBilled);
  }

  partitionFallback(tilesetId: string): void {
    this.partitionFallbacks.inc({ tileset: tilesetId });
  }

  fallbackRefused(tilesetId: string): void {
    this.fallbackRefusals.inc({ tileset: tilesetId });
  }

  coalescedRequest(kind: 'tile' | 'table'): void {
    this.coalesced.inc({ kind });
  }

  /** Counts a response and its latency (app.ts calls it from its one onResponse hook). */
  recordResponse(request: FastifyRequest, reply: FastifyReply): void {
    const [counted, timed] = this.httpLabels(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      String(reply.statusCode),
    );
    this.requests.inc(counted);
    this.duration.observe(timed, reply.elapsedTime / 1000);
  }

  /** Serves `GET /metrics`. */
  routes(app: FastifyInstance): void {
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', this.registry.contentType).header('cache-control', 'no-store');
      return this.registry.metrics();
    });
  }
}
