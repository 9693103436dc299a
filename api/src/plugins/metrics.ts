import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import type { SourceObserver } from '../sources/types.js';
import { FastHistogram, type Series } from './histogram.js';

/** A counter and a histogram fed by plain numbers, per label values (few), read at scrape time. */
interface Entry {
  counted: Record<string, string>;
  count: number;
  timed: Series;
}

function at<V>(map: Map<string, V>, key: string, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
}
const newMap = () => new Map();

function entries(counter: Counter, histogram: FastHistogram, [na, nb, nc]: [string, string, string]) {
  const all: Entry[] = [];
  const index = new Map<string, Map<string, Map<string, Entry>>>(); // a → b → c: no key string per call
  const timed = new Map<string, Series>();
  // prom-client calls a metric's `collect` before reading it (at scrape time).
  Object.assign(counter, {
    collect: () => {
      counter.reset();
      for (const { counted, count } of all) counter.inc(counted, count);
    },
  });
  const add = (byC: Map<string, Entry>, a: string, b: string, c: string): Entry => {
    const series = at(timed, `${a} ${b}`, () => histogram.series({ [na]: a, [nb]: b }));
    const entry = { counted: { [na]: a, [nb]: b, [nc]: c }, count: 0, timed: series };
    all.push(entry);
    byC.set(c, entry);
    return entry;
  };
  return (a: string, b: string, c: string): Entry => {
    const byC: Map<string, Entry> = at(at(index, a, newMap), b, newMap);
    return byC.get(c) ?? add(byC, a, b, c);
  };
}

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
  private readonly duration = new FastHistogram(
    'http_request_duration_seconds',
    'HTTP request latency by route pattern',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    this.registry,
  );
  private readonly sourceQueries = this.counter(
    'tilestack_source_queries_total',
    'Calls to the data source by kind and outcome',
    ['source', 'kind', 'outcome'],
  );
  private readonly sourceDuration = new FastHistogram(
    'tilestack_source_query_duration_seconds',
    'Data source call latency by kind',
    [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    this.registry,
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
  private readonly http = entries(this.requests, this.duration, ['route', 'method', 'status']);
  private readonly sourceCalls = entries(this.sourceQueries, this.sourceDuration, [
    'source',
    'kind',
    'outcome',
  ]);

  constructor(private readonly sourceKind: string) {
    collectDefaultMetrics({ register: this.registry });
  }

  query(event: Parameters<SourceObserver['query']>[0]): void {
    const entry = this.sourceCalls(this.sourceKind, event.kind, event.outcome);
    entry.count++;
    this.sourceDuration.observe(entry.timed, event.seconds);
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
    const entry = this.http(request.routeUrl, request.method, String(reply.statusCode));
    entry.count++;
    this.duration.observe(entry.timed, reply.elapsedTime / 1000);
  }

  /** Serves `GET /metrics`. */
  routes(app: FastifyInstance): void {
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('content-type', this.registry.contentType).header('cache-control', 'no-store');
      return this.registry.metrics();
    });
  }
}
