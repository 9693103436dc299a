import { expect, it } from 'vitest';
import { cartoPartition, type PartitionParams, zoomPartitionRange } from '../src/partition.js';
import { curve } from './curve.js';

const params = (overrides: Partial<PartitionParams>): PartitionParams => ({
  partitions: 4000,
  zmin: 0,
  zmax: 1,
  zstep: 1,
  xmin: 0,
  xmax: 1,
  ymin: 0,
  ymax: 1,
  ...overrides,
});

const gridLevels = (p: PartitionParams): number[] => {
  const levels: number[] = [];
  for (let z = p.zmin; z <= p.zmax; z += p.zstep ?? 1) levels.push(z);
  return levels;
};

const boxAt = (p: PartitionParams, z: number) => {
  const shift = p.zmax - z;
  return { xmin: p.xmin >> shift, xmax: p.xmax >> shift, ymin: p.ymin >> shift, ymax: p.ymax >> shift };
};

it('hand-worked: N=100, zmin=0, zmax=2, box x 1..3 × y 2..3', () => {
  const p = params({ partitions: 100, zmax: 2, xmin: 1, xmax: 3, ymin: 2, ymax: 3 });
  // Z = 2. Level 0: [0, 4·100/64 = 6.25) → min 1, max floor(6.25)+1 = 7.
  expect(zoomPartitionRange(p, 0)).toEqual({ min: 1, max: 7 });
  // Level 1: start 100/16 = 6.25, size 300/16 = 18.75, end 25 → min round(6.25)+1 = 7, max 26.
  expect(zoomPartitionRange(p, 1)).toEqual({ min: 7, max: 26 });
  // Level 2: start 100/4 = 25, size 75, end 100 → min 26, max min(100, 101) = 100.
  expect(zoomPartitionRange(p, 2)).toEqual({ min: 26, max: 100 });

  // z0: box 0..0 × 0..0 → the single tile takes the level's first partition.
  expect(cartoPartition(p, 0, 0, 0)).toBe(1);
  // z1: box (1>>1..3>>1) × (2>>1..3>>1) = 0..1 × 1..1, a 2×1 row; usable 20 → 7 + floor(20p/2).
  expect(cartoPartition(p, 1, 0, 1)).toBe(7); // p0
  expect(cartoPartition(p, 1, 1, 1)).toBe(17); // p1: 7 + 10
  expect(cartoPartition(p, 1, 0, 0)).toBe(0); // y 0 is outside the box
  // z2: the 3×2 box (main axis x) runs (0,0) (0,1) (1,1) (2,1) (2,0) (1,0); usable 75 → 26 + floor(75p/6).
  expect(cartoPartition(p, 2, 1, 2)).toBe(26); // p0
  expect(cartoPartition(p, 2, 1, 3)).toBe(38); // p1: 26 + floor(12.5)
  expect(cartoPartition(p, 2, 2, 3)).toBe(51); // p2: 26 + 25
  expect(cartoPartition(p, 2, 3, 3)).toBe(63); // p3: 26 + floor(37.5)
  expect(cartoPartition(p, 2, 3, 2)).toBe(76); // p4: 26 + 50
  expect(cartoPartition(p, 2, 2, 2)).toBe(88); // p5: 26 + floor(62.5)
  expect(cartoPartition(p, 2, 0, 2)).toBe(0); // x 0 is outside the box
  expect(cartoPartition(p, 3, 2, 4)).toBe(0); // above zmax
});

/** The level range in exact rational arithmetic: level l ends at N/4^(Z-l) and starts where level l-zstep ends. */
function exactRange(p: PartitionParams, z: number): { min: number; max: number } {
  const zstep = p.zstep ?? 1;
  const span = p.zmax - p.zmin;
  const top = BigInt(span - (span % zstep));
  const level = BigInt(z - p.zmin);
  const n = BigInt(p.partitions);
  const endDen = 4n ** (top - level);
  const startDen = level === 0n ? 1n : 4n ** (top - level + BigInt(zstep));
  const startNum = level === 0n ? 0n : n;
  const roundedStart = (2n * startNum + startDen) / (2n * startDen);
  const flooredEnd = n / endDen;
  const max = flooredEnd > roundedStart ? flooredEnd : roundedStart;
  return { min: Number(roundedStart) + 1, max: Math.min(p.partitions, Number(max) + 1) };
}

it('gives every grid level the range exact rational arithmetic gives', () => {
  for (const partitions of [1, 2, 3, 6, 7, 100, 333, 999, 2048, 2050, 4000]) {
    for (const zstep of [1, 2, 3, 5, 20]) {
      for (let span = 0; span <= 26; span++) {
        const p = params({ partitions, zmin: 26 - span, zmax: 26, zstep });
        for (const z of gridLevels(p)) expect(zoomPartitionRange(p, z)).toEqual(exactRange(p, z));
      }
    }
  }
});

it('gives no range off the grid, outside [zmin, zmax], or for fractional zooms', () => {
  const p = params({ zmin: 2, zmax: 11, zstep: 3 });
  for (const z of [0, 1, 3, 4, 6, 7, 9, 10, 12]) expect(zoomPartitionRange(p, z)).toBeNull();
  for (const z of [2, 5, 8, 11]) expect(zoomPartitionRange(p, z)).not.toBeNull();
  expect(zoomPartitionRange(p, 2.5)).toBeNull();
});

const smallBoxSets: [string, PartitionParams][] = [
  ['N=1', params({ partitions: 1, zmax: 5, xmin: 3, xmax: 20, ymin: 7, ymax: 9 })],
  ['N=7, zmin 2', params({ partitions: 7, zmin: 2, zmax: 6, xmin: 10, xmax: 41, ymin: 0, ymax: 63 })],
  ['N=100, zstep 3', params({ partitions: 100, zmax: 7, zstep: 3, xmin: 60, xmax: 99, ymin: 70, ymax: 80 })],
  ['N=4000', params({ partitions: 4000, zmax: 8, xmin: 200, xmax: 263, ymin: 100, ymax: 150 })],
  [
    'N=4000, zmin 4, zstep 2',
    params({ partitions: 4000, zmin: 4, zmax: 11, zstep: 2, xmin: 1000, xmax: 1049, ymin: 777, ymax: 800 }),
  ],
  [
    'N=333, single column',
    params({ partitions: 333, zmin: 5, zmax: 12, xmin: 2047, xmax: 2047, ymin: 0, ymax: 40 }),
  ],
];

it.each(smallBoxSets)('cartoPartition %s: in-box tiles land in their level range, in curve order', (_, p) => {
  for (const z of gridLevels(p)) {
    const range = zoomPartitionRange(p, z);
    if (!range) throw new Error(`no range for grid level ${z}`);
    const box = boxAt(p, z);
    const [w, h] = [box.xmax - box.xmin + 1, box.ymax - box.ymin + 1];
    const seen = new Set<number>();
    let previous = range.min;
    for (const [cx, cy] of curve(w, h)) {
      const partition = cartoPartition(p, z, box.xmin + cx, box.ymin + cy);
      expect(partition).toBeGreaterThanOrEqual(previous);
      expect(partition).toBeLessThanOrEqual(range.max);
      previous = partition;
      seen.add(partition);
    }
    // Equal slices of the curve: every usable partition is used once there are at least as many tiles.
    const usable = range.max - range.min + 1;
    expect(seen.size).toBe(Math.min(usable, w * h));
  }
});

it('cartoPartition is 0 outside the box, off the zstep grid, below zmin and for fractional tiles', () => {
  const p = params({ partitions: 100, zmin: 2, zmax: 7, zstep: 3, xmin: 60, xmax: 99, ymin: 70, ymax: 80 });
  const { xmin, xmax, ymin, ymax } = boxAt(p, 5); // grid levels 2 and 5
  expect(cartoPartition(p, 5, xmax, ymax)).toBeGreaterThan(0);
  const outside = [
    [5, xmax + 1, ymax],
    [5, xmax, ymax + 1],
    [7, p.xmin, p.ymin],
    [1, 0, 0],
    [5, xmin + 0.5, ymin],
  ];
  for (const [z = 0, x = 0, y = 0] of outside) expect(cartoPartition(p, z, x, y)).toBe(0);
});

it('cartoPartition stays in range on a 2^16 × 2^16 box at zmax 16', () => {
  const p = params({ partitions: 4000, zmax: 16, xmin: 0, xmax: 65535, ymin: 0, ymax: 65535 });
  for (const z of gridLevels(p)) {
    const range = zoomPartitionRange(p, z);
    const side = 2 ** z;
    for (let i = 0; i < 200; i++) {
      const [x, y] = [(i * 40503) % side, (i * 30011 + 7) % side];
      const partition = cartoPartition(p, z, x, y);
      expect(partition).toBeGreaterThanOrEqual(range?.min ?? 1);
      expect(partition).toBeLessThanOrEqual(range?.max ?? 0);
    }
  }
  // The curve starts at the box origin and the top level's range ends at N.
  expect(cartoPartition(p, 16, 0, 0)).toBe(zoomPartitionRange(p, 16)?.min);
});
