import type { Registry } from 'prom-client';

/** One label set's observations: found through nested maps, so observing hashes no labels and allocates nothing. */
interface Series {
  readonly labels: Record<string, string>;
  readonly buckets: Float64Array; // per bucket (not cumulative), the last one is +Inf
  readonly counts: Map<string, number>; // by the counter's own label
  sum: number;
  count: number;
}

type Names = [name: string, help: string];

/**
 * A Prometheus histogram by labels `a` and `b` and a counter of the same events by `a`, `b` and `c`,
 * registered as metrics the registry reads at scrape time (`get()`, prom-client's output shape).
 * prom-client's own metrics allocate and hash the label object on every observation, which on the tile
 * path cost more than the rest of the metrics together. Returns the observer: `(a, b, c, seconds)`.
 */
export function timedCounter(
  registry: Registry,
  [counter, counterHelp, c]: [...Names, label: string],
  [histogram, histogramHelp]: Names,
  [a, b]: [string, string],
  upperBounds: readonly number[],
) {
  const all: Series[] = [];
  const index = new Map<string, Map<string, Series>>(); // a → b
  const register = (name: string, help: string, type: string, values: () => object[]) => {
    const get = () => ({ name, help, type, aggregator: 'sum', values: values() });
    registry.registerMetric({ name, help, type, aggregator: 'sum', get } as never);
  };
  register(counter, counterHelp, 'counter', () =>
    all.flatMap(({ labels, counts }) =>
      [...counts].map(([v, value]) => ({ labels: { ...labels, [c]: v }, value })),
    ),
  );
  register(histogram, histogramHelp, 'histogram', () =>
    all.flatMap(({ labels, buckets, sum, count }) => {
      let cumulative = 0;
      const le = [...upperBounds, '+Inf'].map((bound, i) => {
        cumulative += buckets[i] ?? 0;
        return { labels: { ...labels, le: bound }, value: cumulative, metricName: `${histogram}_bucket` };
      });
      return [
        ...le,
        { labels, value: sum, metricName: `${histogram}_sum` },
        { labels, value: count, metricName: `${histogram}_count` },
      ];
    }),
  );
  const series = (va: string, vb: string): Series => {
    let byB = index.get(va);
    if (!byB) {
      byB = new Map();
      index.set(va, byB);
    }
    let found = byB.get(vb);
    if (!found) {
      const buckets = new Float64Array(upperBounds.length + 1);
      found = { labels: { [a]: va, [b]: vb }, buckets, counts: new Map(), sum: 0, count: 0 };
      all.push(found);
      byB.set(vb, found);
    }
    return found;
  };
  return (va: string, vb: string, vc: string, seconds: number): void => {
    const s = series(va, vb);
    s.counts.set(vc, (s.counts.get(vc) ?? 0) + 1);
    let i = 0;
    while (i < upperBounds.length && seconds > (upperBounds[i] as number)) i++;
    s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.sum += seconds;
    s.count++;
  };
}
