import { beforeEach, describe, expect, it } from 'vitest';
import {
  addCartoTileset,
  cartoTilesetHandler,
  createTableAsHandler,
  geoJsonTableHandler,
} from '../src/index.js';
import { client, field, ref, stub, useStub } from './client.js';

useStub();
beforeEach(() => stub.onQuery(cartoTilesetHandler, geoJsonTableHandler, createTableAsHandler));

describe('ready-made handlers', () => {
  const ts = 'SELECT data FROM `p.d.ts` WHERE';
  const tiles =
    'SELECT x, y, data FROM `p.d.ts` WHERE carto_partition = @partition AND z = @z AND x IN UNNEST(@xs) AND y IN UNNEST(@ys)';
  const check =
    'SELECT z, x, y, carto_partition FROM `p.d.ts` WHERE carto_partition IN UNNEST(@partitions) LIMIT 9';
  const geoJson = 'SELECT ST_ASGEOJSON(`geom`) AS `g`, * EXCEPT (`geom`) FROM `p.d.places`';
  const at = { z: 1, x: 0, y: 1 };
  beforeEach(() => {
    const tiles = [{ ...at, carto_partition: 3, data: Buffer.from('a') }];
    tiles.push({ z: 1, x: 1, y: 1, carto_partition: 4, data: Buffer.from('b') });
    addCartoTileset(stub.model, { ...ref('ts'), metadata: { minzoom: 0 }, numBytes: 5e9, tiles });
    const geometry = [field('name', 'STRING'), field('geom', 'GEOGRAPHY')];
    const rows = [{ name: 'x', geom: { type: 'Point', coordinates: [1, 2] } }];
    stub.model.addTable({ ...ref('places'), schema: geometry, rows });
  });

  it.each<[string, Record<string, unknown>, unknown[], number?]>([
    [`${ts} z = -1 AND carto_partition IS NULL LIMIT 1`, {}, [{ data: Buffer.from('{"minzoom":0}') }]],
    [tiles, { partition: 3, z: 1, xs: [0, 1], ys: [1] }, [{ x: 0, y: 1, data: Buffer.from('a') }]],
    [tiles, { partition: 4, z: 1, xs: [0, 1], ys: [1] }, [{ x: 1, y: 1, data: Buffer.from('b') }]],
    [tiles, { partition: 4, z: 1, xs: [0], ys: [1] }, []],
    [
      tiles.replace('carto_partition = @partition AND ', ''),
      { z: 1, xs: [1], ys: [1] },
      [{ x: 1, y: 1, data: Buffer.from('b') }],
      5e9,
    ],
    [check, { partitions: [4] }, [{ z: 1, x: 1, y: 1, carto_partition: 4 }]],
    [geoJson, {}, [{ g: '{"type":"Point","coordinates":[1,2]}', name: 'x' }]],
  ])('answers %s from stored rows and partitions', async (query, params, expected, minBytes = 0) => {
    const [job] = await client.createQueryJob({ query, params });

    expect((await job.getQueryResults())[0]).toEqual(expected);
    expect(Number(job.metadata.statistics.query.totalBytesProcessed)).toBeGreaterThanOrEqual(minBytes);
  });

  it('refuses what BigQuery refuses: an unknown geometry column', async () => {
    const query = 'SELECT ST_ASGEOJSON(`nope`) AS `g` FROM `p.d.places`';
    await expect(client.query(query)).rejects.toMatchObject({ errors: [{ reason: 'invalidQuery' }] });
  });
});

describe('the routes and rules stable-copy relies on', () => {
  const d = () => client.dataset('d', { projectId: 'p' });
  beforeEach(() => {
    const rangePartitioning = { field: 'id', range: { start: '0', end: '10', interval: '1' } };
    stub.model.addTable({ ...ref('a'), schema: [], rows: [{ id: 1 }], rangePartitioning });
    stub.model.addTable({ ...ref('b'), schema: [], rows: [{ id: 2 }] });
  });

  it('tables.insert creates a table once; the second insert is 409 duplicate (a lock)', async () => {
    await d().createTable('lock', { expirationTime: '4102444800000' });
    const duplicate = { code: 409, errors: [{ reason: 'duplicate' }] };
    await expect(d().createTable('lock', {})).rejects.toMatchObject(duplicate);
  });

  it('a WRITE_TRUNCATE copy onto a table laid out differently fails in the job', async () => {
    const copy = d().table('b').copyFrom(d().table('a'), { writeDisposition: 'WRITE_TRUNCATE' });
    await expect(copy).rejects.toThrow(/^Incompatible table partitioning specification/);
    expect(stub.model.getTable(ref('b'))?.rows).toEqual([{ id: 2 }]);
  });

  it('with one role granted, a call needing a permission outside it is 403 accessDenied', async () => {
    const role = ['getData', 'create', 'updateData', 'createSnapshot'].map((p) => `bigquery.tables.${p}`);
    stub.model.grantOnly('p.d', role);
    const a = d().table('a');
    const s = d().table('s');
    const snapshot = { operationType: 'SNAPSHOT' } as const;
    const expiring = s.createCopyFromJob(a, {
      ...snapshot,
      destinationExpirationTime: '2100-01-01T00:00:00Z',
    });
    await expect(expiring).rejects.toMatchObject({
      code: 403,
      message: expect.stringMatching(/deleteSnapshot/),
    });
    await s.createCopyFromJob(a, snapshot);
    await expect(a.setMetadata({ labels: {} })).rejects.toMatchObject({ code: 403 });
  });

  it('CREATE OR REPLACE TABLE … AS SELECT replaces the layout; its dry run changes nothing', async () => {
    const layout = "PARTITION BY RANGE_BUCKET(id, GENERATE_ARRAY(0, 10, 1)) OPTIONS(labels = [('k', 'v')])";
    const query = `CREATE OR REPLACE TABLE \`p.d.b\` ${layout} AS SELECT * FROM \`p.d.a\``;
    await client.createQueryJob({ query, dryRun: true });
    expect(stub.model.getTable(ref('b'))?.rangePartitioning).toBeUndefined();
    await client.query(query);
    const replaced = { rows: [{ id: 1 }], labels: { k: 'v' }, rangePartitioning: { range: { end: '10' } } };
    expect(stub.model.getTable(ref('b'))).toMatchObject(replaced);
  });
});
