import { BigQueryError } from './errors.js';

const SERVER_WAIT_SHARE = 0.8;
const MIN_CALL_MS = 50;

/**
 * The time budget of one call, shared by every HTTP request it makes. `race` rejects once the
 * budget is spent, so a caller awaiting each step through it stops at the first step after the
 * deadline instead of carrying on in the background.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    this.endsAt = Date.now() + budgetMs;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /**
   * How long BigQuery may wait for a query (`timeoutMs`): most of what is left, so an unfinished
   * query is reported (with its job reference, to cancel it) before our own deadline strikes.
   */
  serverWaitMs(): number {
    return Math.floor(this.remainingMs() * SERVER_WAIT_SHARE);
  }

  /** Too little time left for another round trip: give up now rather than poll in a tight loop. */
  assertTimeForAnotherCall(): void {
    if (this.remainingMs() < MIN_CALL_MS) throw this.expired();
  }

  race<T>(step: Promise<T>): Promise<T> {
    const remaining = this.remainingMs();
    if (remaining === 0) {
      step.catch(() => {});
      return Promise.reject(this.expired());
    }
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.expired()), remaining);
    });
    return Promise.race([step, expiry]).finally(() => clearTimeout(timer));
  }

  private expired(): BigQueryError {
    return new BigQueryError(
      `no answer from BigQuery within ${this.budgetMs} ms`,
      undefined,
      [],
      undefined,
      true,
    );
  }
}
