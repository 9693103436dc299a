/** One tile's HTTP answer: status, time to its last byte, and the cache's `X-Cache` and `Age` headers. */
export type TileAnswer = { status: number; ms: number; xCache: string | null; age: string | null };

/** Varnish's verdicts; any other `X-Cache` (or none) counts as "without X-Cache": no Varnish in front. */
const VERDICTS = ['HIT', 'MISS', 'STALE', 'PASS', 'SYNTH'];

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v)} ms`);

/** Counters of the tiles one environment served this page, as the panel's text; pure, unit-tested. */
export class TileStats {
  requested = 0;
  cancelled = 0;
  unreachable = 0;
  answers: TileAnswer[] = [];
  lastError = '';

  reset(): void {
    Object.assign(this, new TileStats());
  }

  /** An HTTP answer (any status): latency and cache verdict count; 4xx/5xx also as errors. */
  answered(answer: TileAnswer, url: string): void {
    this.answers.push(answer);
    if (answer.status >= 400) this.lastError = `HTTP ${answer.status} for ${url}`;
  }

  /** No answer: network, DNS or CORS (the browser hides which), or `aborted`: MapLibre no longer needs it. */
  failed(message: string, url: string, aborted: boolean): void {
    if (aborted) this.cancelled++;
    else {
      this.unreachable++;
      this.lastError = `${message} for ${url}`;
    }
  }

  cells(): Record<string, string> {
    const verdicts = this.answers.map((a) => {
      const v = a.xCache?.trim().toUpperCase() ?? '';
      return VERDICTS.includes(v) ? v : 'without X-Cache';
    });
    const count = (verdict: string) => verdicts.filter((v) => v === verdict).length;
    const hits = this.answers.filter((a, i) => /^(HIT|STALE)$/.test(verdicts[i] ?? '') && a.age !== null);
    const age = percentile(hits.map((a) => Number(a.age)).filter(Number.isFinite), 50);
    const latencies = this.answers.map((a) => a.ms);
    const inFlight = this.requested - this.answers.length - this.cancelled - this.unreachable;
    const other = ['STALE', 'PASS', 'SYNTH', 'without X-Cache'].filter(count).map((v) => `${count(v)} ${v}`);
    return {
      requested: `${this.requested}${inFlight > 0 ? ` (${inFlight} in flight)` : ''}`,
      hit: String(count('HIT')),
      miss: String(count('MISS')),
      other: other.join(' · ') || '0',
      age: age === undefined ? '–' : `${age} s`,
      median: ms(percentile(latencies, 50)),
      p95: ms(percentile(latencies, 95)),
      errors: String(this.unreachable + this.answers.filter((a) => a.status >= 400).length),
      'last-error': this.lastError,
    };
  }
}
