import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bigQueryError, StubError } from './errors.js';
import { type Fault, FaultInjector } from './faults.js';
import { constantSelectHandler } from './handlers/constant-select.js';
import { requiredPermissions } from './iam.js';
import { QueryEngine } from './jobs.js';
import { StubModel } from './model.js';
import { type Route, type RouteAnswer, routes } from './routes.js';
import type { QueryHandler, RecordedRequest } from './types.js';

export interface StubOptions {
  /** Location of datasets created without one (BigQuery's default multi-region is US). */
  defaultLocation?: string;
  /** Largest page of rows the stub returns, whatever `maxResults` asks. */
  maxPageRows?: number;
}

/**
 * A local BigQuery REST API v2 on 127.0.0.1 for the real `@google-cloud/bigquery` client
 * (`apiEndpoint: stub.url`). It records every request, answers from an in-memory model and
 * query handlers, and injects delays and BigQuery errors on demand.
 */
export class BigQueryStub {
  readonly model: StubModel;
  /** Every request received, in order (including those answered with an injected fault). */
  readonly requests: RecordedRequest[] = [];
  /** Largest page of rows returned; lower it to force paging with small tables. */
  maxPageRows: number;
  private readonly engine: QueryEngine;
  private readonly faults = new FaultInjector();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    options: StubOptions,
  ) {
    this.model = new StubModel(options.defaultLocation);
    this.engine = new QueryEngine(this.model, [constantSelectHandler]);
    this.maxPageRows = options.maxPageRows ?? 100_000;
    server.on('request', (req, res) => void this.handle(req, res));
  }

  static async start(options: StubOptions = {}): Promise<BigQueryStub> {
    const server = createServer();
    const stub = new BigQueryStub(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return stub;
  }

  /** Base URL to give the client as `apiEndpoint`, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Adds query handlers, consulted in the order added, before the built-in `SELECT 1`. */
  onQuery(...handlers: QueryHandler[]): this {
    this.engine.addHandlers(handlers);
    return this;
  }

  /** Replaces every query handler added so far (e.g. to put a special case before the usual ones). */
  setQueryHandlers(...handlers: QueryHandler[]): this {
    this.engine.resetHandlers();
    return this.onQuery(...handlers);
  }

  inject(fault: Fault): this {
    this.faults.add(fault);
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
    this.faults.clear();
  }

  /** Forgets recorded requests and faults; the model and the query handlers stay. */
  reset(): void {
    this.clearRequests();
    this.clearFaults();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: RouteAnswer;
    try {
      const { recorded, route } = await this.record(req);
      const fault = this.faults.take(recorded);
      if (fault?.delayMs) await this.sleep(fault.delayMs);
      if (fault?.error) throw fault.error;
      if (!route) throw bigQueryError('notFound', `stub: no route for ${recorded.method} ${recorded.path}`);
      for (const [resource, permission] of requiredPermissions(recorded, this.model)) {
        if (!this.model.hasPermission(resource, permission))
          throw bigQueryError('accessDenied', `Access Denied: ${resource}: Permission ${permission} denied`);
      }
      answer = await route.handle({
        request: recorded,
        model: this.model,
        engine: this.engine,
        maxPageRows: this.maxPageRows,
        sleep: (ms) => this.sleep(ms),
      });
    } catch (error) {
      const stubError = error instanceof StubError ? error : bigQueryError('internalError', String(error));
      answer = { status: stubError.status, body: stubError.toBody() };
    }
    if (res.destroyed || this.closed) return;
    if (answer.status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(answer.body));
  }

  private async record(req: IncomingMessage): Promise<{ recorded: RecordedRequest; route?: Route }> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const method = req.method ?? 'GET';
    const match = matchRoute(method, url.pathname);
    const text = await readBody(req);
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      route: match?.route.name ?? null,
      pathParams: match?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text ? parseJson(text) : undefined,
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    return { recorded, route: match?.route };
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(pending);
    });
  }
}

/** Starts a stub on a free port of 127.0.0.1. */
export function startBigQueryStub(options?: StubOptions): Promise<BigQueryStub> {
  return BigQueryStub.start(options);
}

function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) {
        // `:tableId:testIamPermissions`: a parameter followed by a literal custom-method suffix.
        const suffixAt = part.indexOf(':', 1);
        const suffix = suffixAt === -1 ? '' : part.slice(suffixAt);
        const name = suffixAt === -1 ? part.slice(1) : part.slice(1, suffixAt);
        if (!segment.endsWith(suffix)) return false;
        const value = segment.slice(0, segment.length - suffix.length);
        params[name] = decodeURIComponent(value);
        return value !== '';
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
