import { describe, expect, it } from 'vitest';
import { percentile, type TileAnswer, TileStats } from '../src/tile-stats.js';

const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted

describe('percentile (nearest rank)', () => {
  it.each([
    [hundred, 50, 50],
    [hundred, 95, 95],
    [[7], 95, 7],
    [[], 50, undefined],
  ])('%j p%i = %s', (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

const answer = (ms: number, xCache: string | null, age: string | null, status = 200): TileAnswer => {
  return { status, ms, xCache, age };
};

describe('TileStats: the panel text', () => {
  it('counts cache verdicts, latency, the Age of hits, errors and tiles in flight', () => {
    const stats = new TileStats();
    stats.requested = 8;
    stats.answered(answer(10, 'MISS', null), 'u1');
    stats.answered(answer(2, 'HIT', '30'), 'u2');
    stats.answered(answer(4, ' hit ', '50'), 'u3');
    stats.answered(answer(6, 'STALE', '40'), 'u4');
    stats.answered(answer(8, null, null, 500), 'u5');
    stats.answered(answer(9, 'HIT from cloudfront', '99'), 'u6');
    stats.failed('Failed to fetch', 'u7', false);
    expect(stats.cells()).toEqual({
      requested: '8 (1 in flight)',
      hit: '2',
      miss: '1',
      other: '1 STALE · 2 without X-Cache',
      age: '40 s',
      median: '6 ms',
      p95: '10 ms',
      errors: '2',
      'last-error': 'Failed to fetch for u7',
    });
  });

  it('does not count tiles MapLibre abandoned as errors, and starts over on reset', () => {
    const stats = new TileStats();
    stats.requested = 1;
    stats.failed('aborted', 'u1', true);
    expect(stats.cells()).toMatchObject({ requested: '1', errors: '0', 'last-error': '' });
    stats.answered(answer(3, 'MISS', null, 404), 'u2');
    expect(stats.cells()).toMatchObject({ errors: '1', 'last-error': 'HTTP 404 for u2' });
    stats.reset();
    expect(stats.cells()).toMatchObject({ requested: '0', miss: '0', median: '–', age: '–', errors: '0' });
  });
});
