import { BigQueryError } from './errors.js';

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

  /** BigQuery's `timeoutMs`: 80 % of what is left, so an unfinished query is reported (to cancel it) in time. */
  serverWaitMs(): number {
    return Math.floor(this.remainingMs() * 0.8);
  }

  /** Too little time left for another round trip: give up now rather than poll in a tight loop. */
  assertTimeForAnotherCall(): void {
    if (this.remainingMs() < 50) throw this.expired();
  }

  race<T>(step: Promise<T>): Promise<T> {
    step.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.expired()), this.remainingMs());
    });
    return Promise.race([step, expiry]).finally(() => clearTimeout(timer));
  }

  private expired(): BigQueryError {
    return new BigQueryError(`no answer from BigQuery within ${this.budgetMs} ms`, undefined, [], {
      timedOut: true,
    });
  }
}
