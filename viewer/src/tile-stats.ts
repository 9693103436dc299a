/** The cache's verdict on one tile: Varnish's `X-Cache`, or `none` when the answer carried no such header. */
export type CacheVerdict = 'HIT' | 'MISS' | 'STALE' | 'PASS' | 'SYNTH' | 'none';

export interface TileAnswer {
  status: number;
  ms: number;
  xCache: string | null;
  age: string | null;
}

export interface TileSummary {
  requested: number;
  answered: number;
  inFlight: number;
  cancelled: number;
  errors: number;
  cache: Record<CacheVerdict, number>;
  medianMs?: number;
  p95Ms?: number;
  /** Median `Age` (s) of the answers the cache served from storage (HIT/STALE). */
  medianAgeS?: number;
  lastError?: string;
}

const VERDICTS: readonly CacheVerdict[] = ['HIT', 'MISS', 'STALE', 'PASS', 'SYNTH'];

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function verdictOf(xCache: string | null): CacheVerdict {
  const v = xCache?.trim().toUpperCase() as CacheVerdict | undefined;
  return v && VERDICTS.includes(v) ? v : 'none';
}

/** Counters for the tiles one environment served this page; pure, so it is unit-tested in Node. */
export class TileStats {
  private requested = 0;
  private cancelled = 0;
  private httpErrors = 0;
  private networkErrors = 0;
  private cache = emptyCounts();
  private latencies: number[] = [];
  private ages: number[] = [];
  private lastError: string | undefined;

  reset(): void {
    Object.assign(this, new TileStats());
  }

  started(): void {
    this.requested++;
  }

  /** An HTTP answer arrived (any status): latency and cache verdict count; 4xx/5xx also as errors. */
  answered(answer: TileAnswer, url: string): void {
    this.latencies.push(answer.ms);
    const verdict = verdictOf(answer.xCache);
    this.cache[verdict]++;
    const age = Number(answer.age);
    if ((verdict === 'HIT' || verdict === 'STALE') && answer.age !== null && Number.isFinite(age)) {
      this.ages.push(age);
    }
    if (answer.status >= 400) {
      this.httpErrors++;
      this.lastError = `HTTP ${answer.status} for ${url}`;
    }
  }

  /** No answer at all: network failure, DNS, or a CORS refusal (the browser hides which). */
  unreachable(message: string, url: string): void {
    this.networkErrors++;
    this.lastError = `${message} for ${url}`;
  }

  /** MapLibre no longer needs the tile (panned away): neither an answer nor an error. */
  abandoned(): void {
    this.cancelled++;
  }

  summary(): TileSummary {
    const answered = this.latencies.length;
    return {
      requested: this.requested,
      answered,
      inFlight: this.requested - answered - this.cancelled - this.networkErrors,
      cancelled: this.cancelled,
      errors: this.httpErrors + this.networkErrors,
      cache: { ...this.cache },
      medianMs: percentile(this.latencies, 50),
      p95Ms: percentile(this.latencies, 95),
      medianAgeS: percentile(this.ages, 50),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}

function emptyCounts(): Record<CacheVerdict, number> {
  return { HIT: 0, MISS: 0, STALE: 0, PASS: 0, SYNTH: 0, none: 0 };
}
