import { expect, it } from 'vitest';
import { gilbertIndex } from '../src/gilbert.js';
import { curve } from './curve.js';

const allSmallSizes: [number, number][] = [];
for (let w = 1; w <= 20; w++) for (let h = 1; h <= 20; h++) allSmallSizes.push([w, h]);

const namedSizes =
  '1×50 50×1 2×3 3×2 5×7 7×5 8×8 16×9 9×16 31×17 17×31 64×33 33×64 64×64 100×3 3×100 127×45 255×256'
    .split(' ')
    .map((size) => size.split('×').map(Number) as [number, number]);

const sizes = [...allSmallSizes, ...namedSizes];
const label = ([w, h]: [number, number]) => `${w}×${h}`;

/** gilbert2d steps diagonally exactly once when the main (longer) side is odd and the other is even and ≥ 4. */
const expectedDiagonals = (w: number, h: number): number => {
  const [main, minor] = w > h ? [w, h] : [h, w];
  return main % 2 === 1 && minor % 2 === 0 && minor >= 4 ? 1 : 0;
};

it.each(sizes.map((s) => [label(s), ...s] as const))(
  'numbers every cell of %s once, from (0,0), stepping between neighbours',
  (_, w, h) => {
    const cells = curve(w, h);
    expect([cells.length, Object.keys(cells).length, cells[0]]).toEqual([w * h, w * h, [0, 0]]);
    let diagonals = 0;
    cells.forEach(([x, y], i) => {
      const [x0, y0] = cells[i - 1] ?? [x - 1, y];
      const [dx, dy] = [Math.abs(x - x0), Math.abs(y - y0)];
      if (dx === 1 && dy === 1) diagonals++;
      else expect(dx + dy).toBe(1);
    });
    expect(diagonals).toBe(expectedDiagonals(w, h));
  },
);

it('rejects empty or fractional rectangles, and cells outside the rectangle', () => {
  expect(() => gilbertIndex(0, 3, 0, 0)).toThrow(RangeError);
  expect(() => gilbertIndex(2.5, 3, 0, 0)).toThrow(RangeError);
  expect(() => gilbertIndex(3, 2, 3, 0)).toThrow(RangeError);
  expect(() => gilbertIndex(3, 2, 0, -1)).toThrow(RangeError);
  expect(() => gilbertIndex(3, 2, 0.5, 0)).toThrow(RangeError);
});
it('stays exact on the largest boxes (2^26 × 2^26)', () => {
  // A power-of-two square is a plain Hilbert curve: with main axis y it ends at the top-left corner.
  const side = 2 ** 26;
  expect(gilbertIndex(side, side, 0, 0)).toBe(0);
  expect(gilbertIndex(side, side, 0, side - 1)).toBe(side * side - 1);
  expect(Math.min(gilbertIndex(side, side, 1, 0), gilbertIndex(side, side, 0, 1))).toBe(1);
});

// Golden values from the reference gilbert2d (Python, whose `//` floors), entered with CARTO's w > h rule.
// Truncating halves instead of flooring yields a different valid curve from 10×10 on; these pin the real one.
it('matches the reference curve on a whole 10×10 square', () => {
  const rowMajor =
    '0 1 2 12 11 10 20 21 31 30 40 41 42 43 33 32 22 23 24 34 44 45 35 25 15 14 13 3 4 5 6 16 26 27 17 7 8 9 ' +
    '19 18 28 29 39 38 48 49 59 58 57 47 37 36 46 56 66 76 77 67 68 69 79 78 88 89 99 98 97 87 86 96 95 85 84 ' +
    '94 93 83 73 63 64 74 75 65 55 54 53 52 51 50 60 70 71 61 62 72 82 92 91 81 80 90';
  expect(
    curve(10, 10)
      .map(([x, y]) => y * 10 + x)
      .join(' '),
  ).toBe(rowMajor);
});

// [w, h, then x y position triples]
it.each([
  '31 17: 15 8 207, 30 16 434, 30 0 526, 0 16 88, 10 11 147',
  '17 31: 8 15 207, 16 30 434, 16 0 88, 0 30 526, 5 20 301',
  '64 33: 32 16 1312, 63 32 1767, 63 0 2111, 0 32 344, 21 22 573',
  '100 37: 50 18 2300, 99 36 3097, 99 0 3699, 0 36 604, 33 24 1013',
])('matches the reference curve at sample cells of %s', (line) => {
  const [size = '', cells = ''] = line.split(': ');
  const [w = 0, h = 0] = size.split(' ').map(Number);
  for (const cell of cells.split(', ')) {
    const [x, y, expected] = cell.split(' ').map(Number);
    expect(gilbertIndex(w, h, x ?? 0, y ?? 0)).toBe(expected);
  }
});
