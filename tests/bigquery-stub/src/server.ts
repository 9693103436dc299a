import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bigQueryError, type ErrorReason, StubError } from './errors.js';
import { QueryEngine, type QueryHandler } from './jobs.js';
import { StubModel } from './model.js';
import { type Route, routes } from './routes.js';

export interface StubOptions {
  /** Location of datasets created without one (BigQuery's default multi-region is US). */
  defaultLocation?: string;
  /** Largest page of rows the stub returns, whatever `maxResults` asks. */
  maxPageRows?: number;
}

/** One HTTP request as the stub received it. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string, e.g. `/bigquery/v2/projects/p/queries`. */
  path: string;
  /** The matched route's name (`jobs.query`, `tables.get`, …), null when none matched. */
  route: string | null;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON body (undefined when the request had none)
  body: any;
  receivedAt: number;
}

/**
 * For requests of `route` (one or several; all when omitted) that satisfy `match`, the next `times` of
 * them (forever when omitted): wait `delayMs`, then answer `error` if given, else normally.
 */
export interface Fault {
  route?: string | string[];
  match?: (request: RecordedRequest) => boolean;
  times?: number;
  delayMs?: number;
  error?: StubError | ErrorReason;
}

// `/datasets/:datasetId/tables/:tableId:testIamPermissions`: a segment starting with `:` is captured,
// up to a literal custom-method suffix.
const patterns = routes.map((route) => {
  const source = `/bigquery/v2/projects/:projectId${route.path}`.replace(/\/:(\w+)/g, '/(?<$1>[^/]+?)');
  return { route, pattern: new RegExp(`^${source}$`) };
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
  /** Largest page of rows returned; lower it to force paging with small tables. */
  maxPageRows: number;
  private readonly engine: QueryEngine;
  private faults: { fault: Fault; remaining: number }[] = [];
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private closed = false;

  private constructor(options: StubOptions) {
    this.model = new StubModel(options.defaultLocation);
    this.engine = new QueryEngine(this.model);
    this.maxPageRows = options.maxPageRows ?? 100_000;
  }

  static async start(options: StubOptions = {}): Promise<BigQueryStub> {
    const stub = new BigQueryStub(options);
    await new Promise<void>((resolve, reject) => {
      stub.server.once('error', reject);
      stub.server.listen(0, '127.0.0.1', resolve);
    });
    return stub;
  }

  /** Base URL to give the client as `apiEndpoint`, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds query handlers, consulted in the order added, before the built-in `SELECT 1`. */
  onQuery(...handlers: QueryHandler[]): this {
    this.engine.handlers.push(...handlers);
    return this;
  }

  /** Replaces every query handler added so far (e.g. to put a special case before the usual ones). */
  setQueryHandlers(...handlers: QueryHandler[]): this {
    this.engine.handlers = [...handlers];
    return this;
  }

  /** Adds a fault; the first one that applies to a request is used up. */
  inject(fault: Fault): this {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Requests that matched route `name`, e.g. `requestsTo('jobs.query')`. */
  requestsTo(name: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === name);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Forgets recorded requests and faults; the model and the query handlers stay. */
  reset(): void {
    this.clearRequests();
    this.clearFaults();
  }

  /** Stops at once: pending delays end and sockets are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status = 200;
    let body: unknown;
    try {
      const { request, route } = await this.record(req);
      const fault = this.takeFault(request);
      if (fault?.delayMs) await this.sleep(fault.delayMs);
      if (fault?.error) throw typeof fault.error === 'string' ? bigQueryError(fault.error) : fault.error;
      if (!route) throw bigQueryError('notFound', `stub: no route for ${request.method} ${request.path}`);
      const { projectId = '', datasetId = '', tableId = '', jobId = '' } = request.pathParams;
      const dataset = `${projectId}.${datasetId}`;
      const ids = { projectId, datasetId, tableId, jobId, dataset, table: `${dataset}.${tableId}` };
      const { model, engine, maxPageRows } = this;
      const context = { request, body: request.body, ids, model, engine, maxPageRows };
      const routeContext = { ...context, sleep: (ms: number) => this.sleep(ms) };
      for (const [resource, permission] of route.needs?.(routeContext) ?? []) {
        if (!model.hasPermission(resource, permission))
          throw bigQueryError('accessDenied', `Access Denied: ${resource}: Permission ${permission} denied`);
      }
      body = await route.handle(routeContext);
      if (body === undefined) status = 204;
    } catch (error) {
      const stubError = error instanceof StubError ? error : bigQueryError('internalError', String(error));
      status = stubError.status;
      body = stubError.toBody();
    }
    if (res.destroyed || this.closed) return;
    if (status === 204) res.writeHead(204).end();
    else
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  }

  private async record(req: IncomingMessage): Promise<{ request: RecordedRequest; route?: Route }> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const method = req.method ?? 'GET';
    const match = patterns.find(
      ({ route, pattern }) => route.method === method && pattern.test(url.pathname),
    );
    const groups = match?.pattern.exec(url.pathname)?.groups ?? {};
    const pathParams = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method,
      path: url.pathname,
      route: match?.route.name ?? null,
      pathParams,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text ? parseJson(text) : undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    return { request, route: match?.route };
  }

  private takeFault(request: RecordedRequest): Fault | undefined {
    const entry = this.faults.find(({ fault, remaining }) => {
      const names = fault.route === undefined ? undefined : [fault.route].flat();
      const named = !names || (request.route !== null && names.includes(request.route));
      return remaining > 0 && named && (fault.match?.(request) ?? true);
    });
    if (entry) entry.remaining -= 1;
    return entry?.fault;
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }
}

/** Starts a stub on a free port of 127.0.0.1. */
export function startBigQueryStub(options?: StubOptions): Promise<BigQueryStub> {
  return BigQueryStub.start(options);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
