import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cartoPartition, type PartitionParams } from '@tilestack/bigquery';
import { addCartoTileset, type BigQueryStub, type CartoTileRow } from '@tilestack/bigquery-stub';
import { afterAll, beforeAll, expect, it } from 'vitest';
// Real tiles from the API's sample generator, and the API itself, to prove the file is served as is.
import { generateSampleData, SAMPLE_TILESET_ID } from '../../../api/src/sample-data/generate.js';
import { openSqlite } from '../../../api/src/sources/mbtiles/sqlite.js';
import { startLocalApi } from '../../../api/test/support/local-api.js';
import { decodeTile } from '../../../api/test/support/mvt.js';
import { bboxTileRange } from '../src/tiles.js';
import { runCli, startStub } from './support.js';

const TILESET_ID = 'carto-demo-data.demo_tilesets.osm_buildings_tiles';
// The west half of the sample city (Madrid), up to z15.
const BBOX = '-3.733,40.395,-3.7038,40.439';
const BBOX_NUMBERS = [-3.733, 40.395, -3.7038, 40.439] as [number, number, number, number];

let stub: BigQueryStub;
const extract = (out: string, ...flags: string[]) =>
  runCli(stub, [
    'extract',
    '--tileset',
    TILESET_ID,
    '--bbox',
    BBOX,
    '--max-zoom',
    '15',
    '--out',
    out,
    ...flags,
  ]);
let dir: string;
let tiles: Map<string, Buffer>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stable-copy-extract-'));
  generateSampleData(join(dir, 'sample'));
  const db = openSqlite(join(dir, 'sample', `${SAMPLE_TILESET_ID}.mbtiles`), { readonly: true });
  const rows = db.prepare('SELECT zoom_level z, tile_column x, tile_row r, tile_data d FROM tiles').all();
  const meta = new Map(
    db
      .prepare('SELECT name, value FROM metadata')
      .all()
      .map((m) => [m.name as string, m.value as string]),
  );
  db.close();
  tiles = new Map(
    rows.map((r) => {
      const z = Number(r.z);
      return [`${z}/${r.x}/${(1 << z) - 1 - Number(r.r)}`, r.d as Buffer];
    }),
  );
  // Partition box at z16 over every tile of the sample, as CARTO's tiler would make it.
  const z16 = [...tiles.keys()].map((k) => k.split('/').map(Number)).filter(([z]) => z === 16);
  const xs = z16.map(([, x]) => x as number);
  const ys = z16.map(([, , y]) => y as number);
  const partition: PartitionParams = {
    partitions: 400,
    zmin: 0,
    zmax: 16,
    xmin: Math.min(...xs),
    xmax: Math.max(...xs),
    ymin: Math.min(...ys),
    ymax: Math.max(...ys),
  };
  stub = await startStub();
  const [projectId = '', datasetId = '', tableId = ''] = TILESET_ID.split('.');
  addCartoTileset(stub.model, {
    projectId,
    datasetId,
    tableId,
    partitions: partition.partitions,
    metadata: {
      name: 'osm_buildings',
      minzoom: 0,
      maxzoom: 16,
      bounds: meta.get('bounds'),
      center: meta.get('center'),
      vector_layers: JSON.parse(meta.get('json') ?? '{}').vector_layers,
      carto_partition: partition,
    },
    tiles: [...tiles.entries()].map(([key, data]): CartoTileRow => {
      const [z = 0, x = 0, y = 0] = key.split('/').map(Number);
      return { z, x, y, data, carto_partition: cartoPartition(partition, z, x, y) };
    }),
  });
});

afterAll(async () => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

it('extract writes an MBTiles file of the bbox that the API serves as is', async () => {
  const dataDir = join(dir, 'data');
  // Exactly the sample's tiles inside the bbox's tile ranges, z0–15.
  const expected = [...tiles.keys()].filter((key) => {
    const [z = 0, x = 0, y = 0] = key.split('/').map(Number);
    const range = bboxTileRange(BBOX_NUMBERS, z);
    return z <= 15 && x >= range.xmin && x <= range.xmax && y >= range.ymin && y <= range.ymax;
  });
  const key = expected.filter((k) => k.startsWith('15/')).sort()[0] ?? '';
  // One tile stored without gzip: the API serves every tile as gzip, so the extract compresses it.
  const [z, x, y] = key.split('/').map(Number);
  const [projectId = '', datasetId = '', tableId = ''] = TILESET_ID.split('.');
  const raw = stub.model
    .getTable({ projectId, datasetId, tableId })
    ?.rows.find((r) => r.z === z && r.x === x && r.y === y);
  if (raw) raw.data = gunzipSync(raw.data as Buffer);
  const out = join(dataDir, `${TILESET_ID}.mbtiles`);
  const run = await extract(out, '--json');
  expect(run.code, run.stderr).toBe(0);

  // Every tile query is partition-filtered and was dry-run first.
  const tileQueries = stub
    .requestsTo('jobs.query')
    .filter((r) => r.body.query.startsWith('SELECT z, x, y, data'));
  expect(tileQueries.length).toBeGreaterThan(0);
  expect(tileQueries.every((r) => r.body.query.includes('carto_partition IN UNNEST(@partitions)'))).toBe(
    true,
  );
  expect(tileQueries.filter((r) => r.body.dryRun)).toHaveLength(tileQueries.length / 2);
  // So is the metadata query; every query carries the default 10 GiB cap.
  const metadataQueries = stub.requestsTo('jobs.query').filter((r) => r.body.query.startsWith('SELECT data'));
  expect(metadataQueries.map((r) => r.body.dryRun === true)).toEqual([true, false]);
  expect(metadataQueries[1]?.body.maximumBytesBilled).toBe(String(10 * 1024 ** 3));

  expect(run.json.tiles).toBe(expected.length);
  expect(run.json.maxzoom).toBe(15);

  const api = await startLocalApi({ DATA_DIR: dataDir });
  try {
    const tilejson = await fetch(`${api.url}/maps/tileset/${TILESET_ID}`);
    expect(tilejson.status).toBe(200);
    const info = (await tilejson.json()) as { maxzoom: number; vector_layers: { id: string }[] };
    expect(info.maxzoom).toBe(15);
    expect(info.vector_layers[0]?.id).toBe('default');
    const response = await fetch(`${api.url}/maps/tileset/${TILESET_ID}/${key}`);
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    const layer = decodeTile(body).layers.default;
    expect(layer?.length).toBeGreaterThan(0);
    expect(decodeTile(tiles.get(key) as Buffer).layers.default?.length).toBe(layer?.length);

    const outside = [...tiles.keys()].find((k) => k.startsWith('15/') && !expected.includes(k));
    expect(outside).toBeDefined();
    expect((await fetch(`${api.url}/maps/tileset/${TILESET_ID}/${outside}`)).status).toBe(204);
  } finally {
    await api.close();
  }
});

it('extract refuses to run over --max-bytes and writes no file (exit 5)', async () => {
  const out = join(dir, 'capped.mbtiles');
  stub.clearRequests();
  const run = await extract(out, '--max-bytes', '100');
  // The metadata row alone bills BigQuery's 10 MiB minimum, over a 100-byte cap.
  expect(run.code).toBe(5);
  expect(existsSync(out)).toBe(false);
});
