import { parseTableId } from '@tilestack/bigquery';
import { expect, it } from 'vitest';
import { type TileBatch, TileBatches } from '../../../src/sources/bigquery/tile-batches.js';

const table = parseTableId('carto-demo-data.demo_tilesets.t');

it('starts another query once a batch would read more than 256 rows; each caller gets its own tile', async () => {
  const batches: TileBatch[] = [];
  const tiles = new TileBatches(async (batch) => {
    batches.push(batch);
    return new Map(batch.xs.flatMap((x) => batch.ys.map((y) => [`${x}/${y}`, Buffer.from(`${x}/${y}`)])));
  });
  const asked = Array.from({ length: 17 * 17 }, (_, i) => [i % 17, Math.floor(i / 17)] as const);
  const answers = await Promise.all(
    asked.map(([x, y]) => tiles.get(table as NonNullable<typeof table>, 7, 9, x, y)),
  );
  expect(answers.map(String)).toEqual(asked.map(([x, y]) => `${x}/${y}`));
  expect(batches.map((b) => b.xs.length * b.ys.length)).toEqual([255, 34]); // 17 × 15, then 17 × 2
  expect(batches.every((b) => b.partition === 7 && b.z === 9)).toBe(true);
});
