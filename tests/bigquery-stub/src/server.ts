import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text as streamText } from 'node:stream/consumers';
import { setTimeout as wait } from 'node:timers/promises';
import { bigQueryError, type ErrorReason, StubError } from './errors.js';
import { QueryEngine, type QueryHandler } from './jobs.js';
import { StubModel } from './model.js';
import { routes } from './routes.js';

export interface StubOptions {
  /** Location of datasets created without one (BigQuery's default multi-region is US). */
  defaultLocation?: string;
  maxPageRows?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  route: string | null;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON body (undefined when the request had none)
  body: any;
  receivedAt: number;
}

/** For the next `times` requests (forever when omitted) of `route` (all when omitted) that `match`. */
export interface Fault {
  route?: string | string[];
  match?: (request: RecordedRequest) => boolean;
  times?: number;
  delayMs?: number;
  error?: StubError | ErrorReason;
}

// `:name` segments are captured, up to a literal custom-method suffix (`:tableId:testIamPermissions`).
const patterns = routes.map((route) => {
  const [method, path] = route.at.split(' ');
  const source = `/bigquery/v2/projects/:projectId${path}`.replace(/\/:(\w+)/g, '/(?<$1>[^/]+?)');
  return { route, method, pattern: new RegExp(`^${source}$`) };
});

/**
 * A local BigQuery REST API v2 on 127.0.0.1 for the real `@google-cloud/bigquery` client
 * (`apiEndpoint: stub.url`): records every request, answers from an in-memory model and query
 * handlers, and injects delays and BigQuery errors on demand.
 */
export class BigQueryStub {
  readonly model: StubModel;
  /** Every request received, in order (including those answered with an injected fault). */
  readonly requests: RecordedRequest[] = [];
  /** Largest page returned, whatever `maxResults` asks (lower it to force paging). */
  maxPageRows: number;
  private readonly engine: QueryEngine;
  private faults: (Fault & { remaining: number })[] = [];
  private readonly closing = new AbortController();
  private readonly server = createServer((req, res) => void this.handle(req, res));

  private constructor(options: StubOptions) {
    this.model = new StubModel(options.defaultLocation);
    this.engine = new QueryEngine(this.model);
    this.maxPageRows = options.maxPageRows ?? 100_000;
  }

  static async start(options: StubOptions = {}): Promise<BigQueryStub> {
    const stub = new BigQueryStub(options);
    await once(stub.server.listen(0, '127.0.0.1'), 'listening');
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds query handlers, consulted in the order added, before the built-in `SELECT 1`. */
  onQuery(...handlers: QueryHandler[]): this {
    this.engine.handlers.push(...handlers);
    return this;
  }

  setQueryHandlers(...handlers: QueryHandler[]): this {
    this.engine.handlers = [...handlers];
    return this;
  }

  /** The first fault that applies to a request is used up. */
  inject(fault: Fault): this {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  requestsTo(name: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === name);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Stops at once: pending delays end and sockets are dropped. */
  async close(): Promise<void> {
    this.closing.abort();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private readonly sleep = (ms: number): Promise<void> =>
    wait(ms, undefined, { signal: this.closing.signal }).catch(() => undefined);

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url as string, 'http://stub');
    const method = req.method as string;
    const match = patterns.find((p) => p.method === method && p.pattern.test(url.pathname));
    const groups = match?.pattern.exec(url.pathname)?.groups ?? {};
    const text = await streamText(req);
    const request: RecordedRequest = {
      method,
      path: url.pathname,
      route: match?.route.name ?? null,
      pathParams: Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)])),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    let status = 200;
    let body: unknown;
    try {
      const fault = this.takeFault(request);
      if (fault?.delayMs) await this.sleep(fault.delayMs);
      if (fault?.error) throw typeof fault.error === 'string' ? bigQueryError(fault.error) : fault.error;
      if (!match) throw bigQueryError('notFound', `stub: no route for ${method} ${url.pathname}`);
      const { projectId = '', datasetId = '', tableId = '', jobId = '' } = request.pathParams;
      const dataset = `${projectId}.${datasetId}`;
      const ids = { projectId, datasetId, tableId, jobId, dataset, table: `${dataset}.${tableId}` };
      const { model, engine, maxPageRows } = this;
      const context = { request, body: request.body, ids, model, engine, maxPageRows, sleep: this.sleep };
      const { needs = () => [] } = match.route;
      const needed = typeof needs === 'function' ? needs(context) : [[ids[needs[0]], `bigquery.${needs[1]}`]];
      for (const [resource, permission] of needed as [string, string][]) {
        if (!model.hasPermission(resource, permission))
          throw bigQueryError('accessDenied', `Access Denied: ${resource}: Permission ${permission} denied`);
      }
      body = await match.route.handle(context);
      if (body === undefined) status = 204;
    } catch (error) {
      const stubError = error instanceof StubError ? error : bigQueryError('internalError', String(error));
      status = stubError.status;
      body = stubError.toBody();
    }
    if (res.destroyed || this.closing.signal.aborted) return;
    const json = { 'content-type': 'application/json; charset=UTF-8' };
    res.writeHead(status, status === 204 ? {} : json).end(status === 204 ? undefined : JSON.stringify(body));
  }

  private takeFault(request: RecordedRequest): Fault | undefined {
    const named = (route: Fault['route']) =>
      route === undefined || [route].flat().includes(request.route ?? '');
    const fault = this.faults.find((f) => f.remaining > 0 && named(f.route) && (f.match?.(request) ?? true));
    if (fault) fault.remaining -= 1;
    return fault;
  }
}

export const startBigQueryStub = (options?: StubOptions) => BigQueryStub.start(options);
