/**
 * Runs `load` once per key at a time: concurrent callers for the same key share one promise.
 * `onShared` is told each time a caller joined a call already in flight (for metrics).
 */
export class Coalescer<V> {
  private readonly inflight = new Map<string, Promise<V>>();

  constructor(private readonly onShared: () => void = () => {}) {}

  run(key: string, load: () => Promise<V>): Promise<V> {
    const pending = this.inflight.get(key);
    if (pending) {
      this.onShared();
      return pending;
    }
    const started = load().finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }
}

/**
 * A coalescing in-memory cache with a time-to-live. Failures are cached for `errorTtlMs`
 * (0 = not at all) so a burst of requests for a missing tileset costs one upstream call.
 */
export class TtlMemo<V> {
  private readonly entries = new Map<string, { expires: number; value: Promise<V>; settled?: V }>();
  private readonly coalescer = new Coalescer<V>();

  constructor(
    private readonly ttlMs: number,
    private readonly errorTtlMs = 0,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    return this.coalescer.run(key, async () => {
      try {
        const value = await load();
        this.remember(key, Promise.resolve(value), this.ttlMs, value);
        return value;
      } catch (error) {
        if (this.errorTtlMs > 0) this.remember(key, Promise.reject(error), this.errorTtlMs);
        throw error;
      }
    });
  }

  /** The value, when a fresh one is already known: no promise to await. */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > Date.now() ? hit.settled : undefined;
  }

  clear(): void {
    this.entries.clear();
  }

  private remember(key: string, value: Promise<V>, ttlMs: number, settled?: V): void {
    if (ttlMs <= 0) return;
    value.catch(() => {}); // a cached rejection is observed by whoever reads it later
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { expires: Date.now() + ttlMs, value, settled });
  }
}

/** A Map that forgets its oldest entries beyond `maxEntries` (insertion order). */
export class BoundedMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }
}
