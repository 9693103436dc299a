import { LRUCache } from 'lru-cache';

/** Runs `load` once per key at a time (concurrent callers share its promise; `onShared` counts them). */
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

/** A coalescing LRU cache with a TTL; failures are kept `errorTtlMs` (0: not) so a burst costs one call. */
export class TtlMemo<V> {
  private readonly entries: LRUCache<string, { value: Promise<V>; settled?: V }>;
  private readonly coalescer = new Coalescer<V>();

  constructor(
    private readonly ttlMs: number,
    private readonly errorTtlMs = 0,
    maxEntries = 1000,
  ) {
    this.entries = new LRUCache({ max: maxEntries, ttl: Math.max(ttlMs, errorTtlMs, 1) });
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit.value;
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
    return this.entries.get(key)?.settled;
  }

  clear(): void {
    this.entries.clear();
  }

  private remember(key: string, value: Promise<V>, ttl: number, settled?: V): void {
    if (ttl <= 0) return;
    value.catch(() => {}); // a cached rejection is observed by whoever reads it later
    this.entries.set(key, { value, settled }, { ttl });
  }
}
