import { cartoPartition } from '@tilestack/bigquery';
import { addTestTileset, TEST_PARTITIONS, tileBytes } from '@tilestack/test-support';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { probePartitions } from '../../../src/sources/bigquery/tilesets.js';
import { type StubbedBigQuery, startStubbedBigQuery } from '../../support/bigquery.js';

let bq: StubbedBigQuery;

beforeEach(async () => {
  bq = await startStubbedBigQuery();
});
afterEach(() => bq.close());

const bodies = (kind: string) =>
  bq.stub
    .requestsTo('jobs.query')
    .map((r) => r.body)
    .filter((b) => b.labels?.kind === kind);

it('probes the partitions of the box centre at the top, middle and bottom zooms, once each', () => {
  const centres = [cartoPartition(TEST_PARTITIONS, 6, 15, 24), cartoPartition(TEST_PARTITIONS, 3, 1, 3)];
  // With 40 partitions the lower zooms share partition 1.
  expect(cartoPartition(TEST_PARTITIONS, 0, 0, 0)).toBe(1);
  expect(probePartitions(TEST_PARTITIONS)).toEqual([...new Set(centres)]);
});

// The parameter forms are read in bigquery/test/partition-params.test.ts; tiles.test.ts shows the pruned query.
it('checks the stored partitions with one parameterised query, then keeps the partition filter', async () => {
  const id = addTestTileset(bq.stub, { tableId: 'consistent' });

  expect(await bq.source.getTile(id, 6, 15, 24)).toEqual(tileBytes(6, 15, 24));

  const [check] = bodies('selfcheck');
  expect(check.query).toBe(
    'SELECT z, x, y, carto_partition FROM `carto-demo-data.demo_tilesets.consistent` WHERE carto_partition IN UNNEST(@partitions) LIMIT 100',
  );
  expect(check.queryParameters[0].parameterType).toEqual({ type: 'ARRAY', arrayType: { type: 'INT64' } });
  expect(bodies('tile')[0].query).toContain('carto_partition = @partition');
  expect([bq.observer.fallbacks, bq.logs.errors()]).toEqual([[], []]);
});

it('falls back to unpruned tile queries when stored partitions contradict the formula', async () => {
  // Rows of the top zoom stored one partition off, as a different formula would place them.
  const id = addTestTileset(bq.stub, {
    tableId: 'inconsistent',
    storedPartition: (z, x, y) => cartoPartition(TEST_PARTITIONS, z, x, y) + (z === 6 ? 1 : 0),
  });

  expect(await bq.source.getTile(id, 6, 15, 24)).toEqual(tileBytes(6, 15, 24));

  expect(bodies('tile')[0].query).toBe(
    'SELECT x, y, data FROM `carto-demo-data.demo_tilesets.inconsistent` WHERE z = @z AND x IN UNNEST(@xs) AND y IN UNNEST(@ys)',
  );
  expect(bodies('tile')[0].queryParameters.map((p: { name: string }) => p.name)).toEqual(['z', 'xs', 'ys']);
  expect(bq.observer.fallbacks).toEqual([
    { tilesetId: id, reason: expect.stringMatching(/^self-check failed: tile 6\//) },
  ]);
  expect(bq.logs.errors()).toHaveLength(1);
});

it('falls back without a self-check when the metadata has no partition parameters', async () => {
  const id = addTestTileset(bq.stub, { tableId: 'no_params', metadata: { carto_partition: undefined } });

  expect(await bq.source.getTile(id, 6, 15, 24)).toEqual(tileBytes(6, 15, 24));

  expect(bodies('selfcheck')).toEqual([]);
  expect(bodies('tile')[0].query).not.toContain('carto_partition');
  expect(bq.observer.fallbacks).toEqual([{ tilesetId: id, reason: expect.any(String) }]);
  expect(bq.logs.errors()).toHaveLength(1);
});

it('keeps pruning, with a warning, when the probed partitions hold no rows', async () => {
  const probed = new Set(probePartitions(TEST_PARTITIONS));
  const id = addTestTileset(bq.stub, { tableId: 'sparse' });
  const table = bq.stub.model.getTable({
    projectId: 'carto-demo-data',
    datasetId: 'demo_tilesets',
    tableId: 'sparse',
  });
  if (!table) throw new Error('test tileset missing');
  table.rows = table.rows.filter((row) => !probed.has(row.carto_partition as number));

  expect(await bq.source.getTile(id, 6, 11, 27)).toEqual(tileBytes(6, 11, 27));

  expect(bodies('tile')[0].query).toContain('carto_partition = @partition');
  expect(bq.observer.fallbacks).toEqual([]);
  expect(bq.logs.lines.some((l) => l.level === 40 && String(l.msg).includes('found no rows'))).toBe(true);
});

it('fallback: TileJSON still works; a tile the cap refuses is a 503 whose log and metric say what to do', async () => {
  const id = addTestTileset(bq.stub, {
    tableId: 'huge',
    metadata: { carto_partition: undefined },
    numBytes: 119 * 1024 ** 3,
  });

  expect((await bq.source.getTileset(id)).maxzoom).toBe(6);
  const failure = bq.source.getTile(id, 6, 15, 24);

  const advice = 'tileset has no partition metadata; raise BIGQUERY_MAX_BYTES_BILLED or add metadata';
  await expect(failure).rejects.toMatchObject({ statusCode: 503, message: advice });
  expect(bq.logs.errors().map((l) => l.msg)).toContain(advice);
  expect(bq.observer.refused).toEqual([id]);
});

it('answers 503, not the fallback advice, for a pruned tile query the cap refuses', async () => {
  const id = addTestTileset(bq.stub, { tableId: 'pruned' });
  await bq.source.getTileset(id);
  bq.stub.inject({ route: 'jobs.query', error: 'bytesBilledLimitExceeded' });

  await expect(bq.source.getTile(id, 6, 15, 24)).rejects.toMatchObject({ statusCode: 503 });
  expect(bq.observer.refused).toEqual([]);
});
