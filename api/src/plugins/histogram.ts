import type { Registry } from 'prom-client';

/** One label set's counts; kept by the caller, so observing it hashes no labels and allocates nothing. */
export interface Series {
  readonly labels: Record<string, string>;
  readonly buckets: Float64Array; // per bucket (not cumulative), the last one is +Inf
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram read by the registry at scrape time (it calls `get()`), in prom-client's
 * output shape. prom-client's own Histogram allocates and hashes the label object on every observation,
 * which on the tile path cost more than the rest of the metrics together.
 */
export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  series(labels: Record<string, string>): Series {
    const series = { labels, buckets: new Float64Array(this.upperBounds.length + 1), sum: 0, count: 0 };
    this.all.push(series);
    return series;
  }

  observe(series: Series, value: number): void {
    let i = 0;
    while (i < this.upperBounds.length && value > (this.upperBounds[i] as number)) i++;
    series.buckets[i] = (series.buckets[i] ?? 0) + 1;
    series.sum += value;
    series.count++;
  }

  get() {
    const values = this.all.flatMap(({ labels, buckets, sum, count }) => {
      let cumulative = 0;
      const bucket = `${this.name}_bucket`;
      return [
        ...this.upperBounds.map((le, i) => {
          cumulative += buckets[i] ?? 0;
          return { labels: { ...labels, le }, value: cumulative, metricName: bucket };
        }),
        { labels: { ...labels, le: '+Inf' }, value: count, metricName: bucket },
        { labels, value: sum, metricName: `${this.name}_sum` },
        { labels, value: count, metricName: `${this.name}_count` },
      ];
    });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
