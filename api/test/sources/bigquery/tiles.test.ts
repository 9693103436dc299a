import { cartoPartition } from '@tilestack/bigquery';
import type { QueryHandler } from '@tilestack/bigquery-stub';
import {
  addTestTileset,
  BILLING_PROJECT,
  boxTiles,
  TEST_PARTITIONS,
  tileBytes,
} from '@tilestack/test-support';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MAX_BYTES_BILLED, type StubbedBigQuery, startStubbedBigQuery } from '../../support/bigquery.js';

type Tile = [z: number, x: number, y: number];
let bq: StubbedBigQuery;
let tileset: string;

beforeEach(async () => {
  bq = await startStubbedBigQuery({ BIGQUERY_LOCATION: 'EU' });
  tileset = addTestTileset(bq.stub, { tableId: 'buildings' });
});
afterEach(() => bq.close());

const queries = () => bq.stub.requestsTo('jobs.query').map((r) => r.body);
const tileQueries = () => queries().filter((b) => b.labels?.kind === 'tile');

it('reads only the computed partition; one SQL for all tiles, capped, labelled, located; loads once', async () => {
  const tiles: [number, number, number][] = [
    [6, 15, 24],
    [0, 0, 0],
    [3, 1, 3],
    [6, 11, 27],
  ];
  for (const [z, x, y] of tiles)
    expect(await bq.source.getTile(tileset, z, x, y)).toEqual(tileBytes(z, x, y));
  expect(await bq.source.getTile(tileset, 6, 40, 40)).toBeNull(); // no row in its partition
  expect(await bq.source.getTile(tileset, 7, 30, 50)).toBeNull(); // above maxzoom: no query at all
  await bq.source.getTileset(tileset);

  expect(bq.stub.requestsTo('tables.get')).toHaveLength(1);
  expect(queries().map((q) => q.labels.kind)).toEqual([
    'tileset',
    'selfcheck',
    ...tiles.map(() => 'tile'),
    'tile',
  ]);
  const [first] = tileQueries();
  expect(new Set(tileQueries().map((q) => q.query))).toEqual(
    new Set([
      'SELECT x, y, data FROM `carto-demo-data.demo_tilesets.buildings` WHERE carto_partition = @partition AND z = @z AND x IN UNNEST(@xs) AND y IN UNNEST(@ys)',
    ]),
  );
  expect(first.parameterMode).toBe('NAMED');
  expect(first.queryParameters).toEqual([
    param('partition', cartoPartition(TEST_PARTITIONS, 6, 15, 24)),
    param('z', 6),
    {
      name: 'xs',
      parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
      parameterValue: { arrayValues: [{ value: '15' }] },
    },
    {
      name: 'ys',
      parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
      parameterValue: { arrayValues: [{ value: '24' }] },
    },
  ]);
  for (const request of bq.stub.requestsTo('jobs.query')) {
    expect(request.path).toBe(`/bigquery/v2/projects/${BILLING_PROJECT}/queries`);
    expect(request.body).toMatchObject({
      useLegacySql: false,
      location: 'EU',
      maximumBytesBilled: String(MAX_BYTES_BILLED),
      jobTimeoutMs: '2000',
      jobCreationMode: 'JOB_CREATION_OPTIONAL',
      labels: { app: 'tilestack' },
      formatOptions: { useInt64Timestamp: true },
    });
    expect(request.body.timeoutMs).toBeGreaterThan(0);
    expect(request.body.timeoutMs).toBeLessThanOrEqual(2000);
    expect(request.headers.authorization).toBeUndefined(); // plain http: no credentials
  }
});

it('answers concurrent tiles of one partition and zoom with one query, each with its own tile or none', async () => {
  await bq.source.getTileset(tileset);
  const at = (t: Tile) => cartoPartition(TEST_PARTITIONS, ...t);
  const z6 = boxTiles().filter(([z]) => z === 6);
  const [a] = z6 as [Tile];
  const b = z6.find((t) => t !== a && at(t) === at(a)) as Tile; // same partition
  const c = z6.find((t) => at(t) !== at(a)) as Tile; // same zoom, another partition
  const asked: Tile[] = [a, b, b, c, [3, 1, 3], [6, 40, 40]]; // the last has no row (outside the box)
  const answers = await Promise.all(asked.map((t) => bq.source.getTile(tileset, ...t)));
  expect(answers).toEqual(asked.map((t) => (t[1] === 40 ? null : tileBytes(...t))));
  const partitions = tileQueries().map((q) => q.queryParameters[0].parameterValue.value);
  expect(partitions).toEqual([...new Set(asked.map((t) => String(at(t))))]);

  bq.stub.inject({ route: 'jobs.query', error: 'backendError' });
  const failed = await Promise.allSettled([
    bq.source.getTile(tileset, ...a),
    bq.source.getTile(tileset, ...b),
  ]);
  expect(failed.map((r) => r.status === 'rejected' && r.reason.statusCode)).toEqual([503, 503]);
  expect(tileQueries()).toHaveLength(partitions.length + 1);
});

it('reports each call with its bytes billed, from the finished job (jobs.get) for a slow query', async () => {
  await bq.source.getTileset(tileset);
  // The first reply waits timeoutMs = 80 % of the 2 s budget (1.6 s); this tile query takes longer.
  const slowTile: QueryHandler = ({ query }) =>
    query.includes('@partition')
      ? { schema: [{ name: 'data', type: 'BYTES' }], rows: [], bytesProcessed: 1, runMs: 1800 }
      : undefined;
  bq.stub.setQueryHandlers(slowTile);

  await bq.source.getTile(tileset, 6, 15, 24);

  expect(bq.stub.requestsTo('jobs.getQueryResults').length).toBeGreaterThan(0);
  expect(bq.stub.requestsTo('jobs.get')).toHaveLength(1);
  // The observer hears every upstream call, tables.get first (nothing billed).
  const MiB = 1024 * 1024;
  expect(bq.observer.queries.map((e) => [e.kind, e.outcome, e.bytesBilled])).toEqual([
    ['tileset', 'ok', 0],
    ['tileset', 'ok', 10 * MiB],
    ['selfcheck', 'ok', 10 * MiB],
    ['tile', 'ok', 10 * MiB],
  ]);
});

function param(name: string, value: number) {
  return { name, parameterType: { type: 'INT64' }, parameterValue: { value: String(value) } };
}
