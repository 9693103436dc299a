import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
// Real tiles from the API's sample generator, and the API itself, to prove the file is served as is.
import { generateSampleData, SAMPLE_TILESET_ID } from '@tilestack/api/sample-data';
import { openSqlite } from '@tilestack/api/sqlite';
import { cartoPartition, type PartitionParams } from '@tilestack/bigquery';
import { addCartoTileset, type BigQueryStub, type StubRow } from '@tilestack/bigquery-stub';
import { decodeTile, startApi } from '@tilestack/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bboxTileRange } from '../src/tiles.js';
import { runCli, startStub } from './support.js';

const tileset = { projectId: 'carto-demo-data', datasetId: 'demo_tilesets', tableId: 'osm_buildings_tiles' };
const TILESET_ID = Object.values(tileset).join('.');
const BBOX = [-3.733, 40.395, -3.7038, 40.439] as const; // the west half of the sample city (Madrid)
let stub: BigQueryStub;
let dir: string;
type Tile = { z: number; x: number; y: number; data: Buffer };
let tiles: Tile[];
const extract = (out: string, ...flags: string[]) =>
  runCli(stub, [
    ...`extract --tileset ${TILESET_ID} --bbox ${BBOX} --max-zoom 15 --out`.split(' '),
    out,
    ...flags,
  ]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stable-copy-extract-'));
  generateSampleData(join(dir, 'sample'));
  const db = openSqlite(join(dir, 'sample', `${SAMPLE_TILESET_ID}.mbtiles`), { readonly: true });
  const sql =
    'SELECT zoom_level z, tile_column x, (1 << zoom_level) - 1 - tile_row y, tile_data data FROM tiles';
  tiles = db.prepare(sql).all() as Tile[];
  const meta = JSON.parse(
    String(db.prepare('SELECT json_group_object(name, value) m FROM metadata').get()?.m),
  );
  db.close();
  // Partition box at z16 over every tile of the sample, as CARTO's tiler would make it.
  const z16 = tiles.filter((t) => t.z === 16);
  const [xs, ys] = [z16.map((t) => t.x), z16.map((t) => t.y)];
  const [xmin, xmax, ymin, ymax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const partition: PartitionParams = { partitions: 400, zmin: 0, zmax: 16, xmin, xmax, ymin, ymax };
  stub = await startStub();
  const { bounds, center, json } = meta;
  const metadata = { minzoom: 0, maxzoom: 16, bounds, center, carto_partition: partition };
  addCartoTileset(stub.model, {
    ...tileset,
    partitions: partition.partitions,
    metadata: { ...metadata, vector_layers: JSON.parse(json ?? '{}').vector_layers },
    tiles: tiles.map((t) => ({ ...t, carto_partition: cartoPartition(partition, t.z, t.x, t.y) })),
  });
});

afterAll(async () => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

it('extract writes an MBTiles file of the bbox that the API serves as is', async () => {
  // Exactly the sample's tiles inside the bbox's tile ranges, z0–15.
  const inside = tiles.filter(({ z, x, y }) => {
    const r = bboxTileRange([...BBOX], z);
    return z <= 15 && x >= r.xmin && x <= r.xmax && y >= r.ymin && y <= r.ymax;
  });
  const key = ({ z, x, y }: StubRow) => `${z}/${x}/${y}`;
  const [tile] = inside.filter((t) => t.z === 15);
  // One tile stored without gzip: the API serves every tile as gzip, so the extract compresses it.
  const stored = stub.model.getTable(tileset)?.rows.find((r) => tile && key(r) === key(tile));
  if (stored) stored.data = gunzipSync(stored.data as Buffer);
  const dataDir = join(dir, 'data');
  const run = await extract(join(dataDir, `${TILESET_ID}.mbtiles`), '--json');
  expect(run.code, run.stderr).toBe(0);
  expect([run.json.tiles, run.json.maxzoom]).toEqual([inside.length, 15]);

  // Every tile query is partition-filtered; it and the metadata query were dry-run first, under the 10 GiB cap.
  const queries = stub.requestsTo('jobs.query').map((r) => r.body);
  const tileQueries = queries.filter((q) => q.query.startsWith('SELECT z, x, y, data'));
  expect(tileQueries.every((q) => q.query.includes('carto_partition IN UNNEST(@partitions)'))).toBe(true);
  expect(tileQueries.filter((q) => q.dryRun)).toHaveLength(tileQueries.length / 2);
  const metadataQueries = queries.filter((q) => q.query.startsWith('SELECT data'));
  expect(metadataQueries.map((q) => q.dryRun === true)).toEqual([true, false]);
  expect(queries.filter((q) => !q.dryRun).map((q) => q.maximumBytesBilled)).toContain(String(10 * 1024 ** 3));

  const api = await startApi({ DATA_DIR: dataDir });
  try {
    const base = `${api.url}/maps/tileset/${TILESET_ID}`;
    const info = (await (await fetch(base)).json()) as { maxzoom: number; vector_layers: { id: string }[] };
    expect([info.maxzoom, info.vector_layers[0]?.id]).toEqual([15, 'default']);
    const served = Buffer.from(await (await fetch(`${base}/${key(tile ?? {})}`)).arrayBuffer());
    const features = decodeTile(served).layers.default?.length;
    expect(features).toBeGreaterThan(0);
    expect(decodeTile(tile?.data as Buffer).layers.default?.length).toBe(features);
    const outside = tiles.find((t) => t.z === 15 && !inside.includes(t));
    expect((await fetch(`${base}/${key(outside ?? {})}`)).status).toBe(204);
  } finally {
    await api.process.stop();
  }
});

it('extract refuses to run over --max-bytes and writes no file (exit 5)', async () => {
  const out = join(dir, 'capped.mbtiles');
  // The metadata row alone bills BigQuery's 10 MiB minimum, over a 100-byte cap.
  expect((await extract(out, '--max-bytes', '100')).code).toBe(5);
  expect(existsSync(out)).toBe(false);
});
