import type { BrowserContext, Request, Route } from 'playwright-core';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Loopback http(s), or data:/blob: URLs (made inside the browser, never sent). */
export function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return (protocol === 'http:' || protocol === 'https:') && LOCAL_HOSTS.has(hostname);
}

/** Answers a stopped request without the network, or returns undefined to abort it. */
export type FakeAnswer = (url: URL) => Promise<Parameters<Route['fulfill']>[0] | undefined>;

/**
 * Records every request of the browser context and stops each non-local one before it leaves the
 * machine: answered by `fake` when it can (e.g. a TileJSON), aborted otherwise. Either way it is
 * counted as stopped, never as sent.
 */
export class NetworkGuard {
  readonly requests: string[] = [];
  readonly stopped: string[] = [];
  readonly answeredLocally: string[] = [];

  constructor(private readonly fake: FakeAnswer = async () => undefined) {}

  async install(context: BrowserContext): Promise<void> {
    context.on('request', (request: Request) => this.requests.push(request.url()));
    await context.route(
      (url) => !isLocal(url.href),
      async (route) => {
        const url = route.request().url();
        this.stopped.push(url);
        const answer = await this.fake(new URL(url));
        if (answer) {
          this.answeredLocally.push(url);
          await route.fulfill(answer);
        } else {
          await route.abort('internetdisconnected');
        }
      },
    );
  }

  /** Requests that went out to a non-local host (must be none). */
  leaked(): string[] {
    return this.requests.filter((url) => !isLocal(url) && !this.stopped.includes(url));
  }

  since(index: number, pattern: RegExp): string[] {
    return this.requests.slice(index).filter((url) => pattern.test(url));
  }
}
