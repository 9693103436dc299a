import { describe, expect, it } from 'vitest';
import { percentile, TileStats, verdictOf } from '../src/tile-stats.js';

const answer = (ms: number, xCache: string | null, age: string | null = null, status = 200) => ({
  status,
  ms,
  xCache,
  age,
});

describe('percentile (nearest rank)', () => {
  it('picks the median and p95 of unsorted values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('verdictOf', () => {
  it("reads Varnish's X-Cache and calls anything else none", () => {
    expect(verdictOf('HIT')).toBe('HIT');
    expect(verdictOf(' miss ')).toBe('MISS');
    expect(verdictOf(null)).toBe('none');
    expect(verdictOf('HIT from cloudfront')).toBe('none');
  });
});

describe('TileStats', () => {
  it('counts answers by cache verdict, latency, the Age of hits, and errors', () => {
    const stats = new TileStats();
    for (let i = 0; i < 6; i++) stats.started();
    stats.answered(answer(10, 'MISS'), 'u1');
    stats.answered(answer(2, 'HIT', '30'), 'u2');
    stats.answered(answer(4, 'HIT', '50'), 'u3');
    stats.answered(answer(8, null, null, 500), 'u4');
    stats.unreachable('Failed to fetch', 'u5');
    const s = stats.summary();
    expect(s).toMatchObject({ requested: 6, answered: 4, inFlight: 1, errors: 2, cancelled: 0 });
    expect(s.cache).toEqual({ HIT: 2, MISS: 1, STALE: 0, PASS: 0, SYNTH: 0, none: 1 });
    expect(s.medianMs).toBe(4);
    expect(s.p95Ms).toBe(10);
    expect(s.medianAgeS).toBe(30);
    expect(s.lastError).toBe('Failed to fetch for u5');
  });

  it('does not count tiles MapLibre abandoned as errors, and starts over on reset', () => {
    const stats = new TileStats();
    stats.started();
    stats.abandoned();
    expect(stats.summary()).toMatchObject({ requested: 1, inFlight: 0, cancelled: 1, errors: 0 });
    stats.reset();
    expect(stats.summary()).toMatchObject({ requested: 0, cancelled: 0, medianMs: undefined });
  });
});
