import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { SourceObserver } from '../sources/types.js';
import { timedCounter } from './histogram.js';

/**
 * The API's Prometheus metrics. One registry per app instance (tests build many apps); the
 * source reports upstream calls through the `SourceObserver` side of this class.
 */
export class Metrics implements SourceObserver {
  readonly registry = new Registry();
  private readonly counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [this.registry] });
  private readonly http = timedCounter(
    this.registry,
    ['http_requests_total', 'HTTP requests by route pattern, method and status code', 'status'],
    ['http_request_duration_seconds', 'HTTP request latency by route pattern'],
    ['route', 'method'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  private readonly sourceCalls = timedCounter(
    this.registry,
    ['tilestack_source_queries_total', 'Calls to the data source by kind and outcome', 'outcome'],
    ['tilestack_source_query_duration_seconds', 'Data source call latency by kind'],
    ['source', 'kind'],
    [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
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
    this.sourceCalls(this.sourceKind, event.kind, event.outcome, event.seconds);
    if (event.bytesBilled) this.bytesBilled.inc({ kind: event.kind }, event.bytesBilled);
  }

  readonly partitionFallback = (tileset: string) => this.partitionFallbacks.inc({ tileset });
  readonly fallbackRefused = (tileset: string) => this.fallbackRefusals.inc({ tileset });
  readonly coalescedRequest = (kind: 'tile' | 'table') => this.coalesced.inc({ kind });

  /** Counts a response and its latency (app.ts calls it from its one onResponse hook). */
  recordResponse(request: FastifyRequest, reply: FastifyReply): void {
    this.http(request.routeUrl, request.method, String(reply.statusCode), reply.elapsedTime / 1000);
  }

  /** Serves `GET /metrics`. */
  routes(app: FastifyInstance): void {
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', this.registry.contentType).header('cache-control', 'no-store');
      return this.registry.metrics();
    });
  }
}
