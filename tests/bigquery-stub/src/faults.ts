import { bigQueryError, type ErrorReason, type StubError } from './errors.js';
import type { RecordedRequest } from './types.js';

/**
 * A fault to inject: applies to requests of `route` (a route name or several; all routes when
 * omitted) that also satisfy `match`, for the next `times` such requests (forever when omitted).
 * The stub waits `delayMs`, then answers with `error` if given, else normally.
 */
export interface Fault {
  route?: string | string[];
  match?: (request: RecordedRequest) => boolean;
  times?: number;
  delayMs?: number;
  error?: StubError | ErrorReason;
}

export interface FaultEffect {
  delayMs: number;
  error?: StubError;
}

/** Faults in the order they were added; the first one that applies to a request is used up. */
export class FaultInjector {
  private faults: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  take(request: RecordedRequest): FaultEffect | undefined {
    const entry = this.faults.find(({ fault, remaining }) => remaining > 0 && applies(fault, request));
    if (!entry) return undefined;
    entry.remaining -= 1;
    const { delayMs = 0, error } = entry.fault;
    return { delayMs, error: typeof error === 'string' ? bigQueryError(error) : error };
  }
}

function applies(fault: Fault, request: RecordedRequest): boolean {
  if (fault.route !== undefined) {
    const routes = Array.isArray(fault.route) ? fault.route : [fault.route];
    if (request.route === null || !routes.includes(request.route)) return false;
  }
  return fault.match ? fault.match(request) : true;
}
