// Cold map view: the TileJSON, then every tile of a z14 view nobody looked at, at once (HTTP/2 multiplexes
// them), through varnishd and the API to the BigQuery stub (300 ms a tile query): time and queries asked.
import { gzipSync } from 'node:zlib';
import { cartoPartition, type PartitionParams } from '@tilestack/bigquery';
import { addCartoTileset, cartoTilesetHandler, startBigQueryStub } from '@tilestack/bigquery-stub';
import { startApi, startVarnish } from '@tilestack/cache';
import { machineDescription } from './report.js';

const QUERY_MS = 300;
// A 6 × 5 block at z14: what a 1920 × 1080 window shows with 512-px tiles, one partly visible ring included.
const VIEW = { z: 14, x: 2620, y: 6332, columns: 6, rows: 5 };
// Partitioned like CARTO's tiler does for a city-sized tileset: 4000 partitions over z0–14.
const PARTITIONS: PartitionParams = {
  partitions: 4000,
  zmin: 0,
  zmax: 14,
  xmin: 2304,
  xmax: 2815,
  ymin: 6144,
  ymax: 6655,
};

export async function coldView(): Promise<string> {
  const tiles = Array.from({ length: VIEW.columns * VIEW.rows }, (_, i) => ({
    z: VIEW.z,
    x: VIEW.x + (i % VIEW.columns),
    y: VIEW.y + Math.floor(i / VIEW.columns),
  }));
  const stub = await startBigQueryStub();
  stub.onQuery(cartoTilesetHandler);
  addCartoTileset(stub.model, {
    projectId: 'carto-demo-data',
    datasetId: 'demo_tilesets',
    tableId: 'cold_view',
    metadata: { minzoom: 0, maxzoom: 14, vector_layers: [{ id: 'default' }], carto_partition: PARTITIONS },
    tiles: tiles.map((t) => ({
      ...t,
      carto_partition: cartoPartition(PARTITIONS, t.z, t.x, t.y),
      data: gzipSync(`tile ${t.z}/${t.x}/${t.y}`),
    })),
  });
  const isTileQuery = (r: { body?: { labels?: { kind?: string } } }) => r.body?.labels?.kind === 'tile';
  stub.inject({ route: 'jobs.query', match: isTileQuery, delayMs: QUERY_MS });
  const api = await startApi({
    DATA_SOURCE: 'bigquery',
    BIGQUERY_BILLING_PROJECT: 'tilestack-bench',
    BIGQUERY_API_ENDPOINT: stub.url,
    RATE_LIMIT_PER_MINUTE: '0', // one client
  });
  const cache = await startVarnish({ backends: [api.port] });
  try {
    const base = `${cache.url}/maps/tileset/carto-demo-data.demo_tilesets.cold_view`;
    stub.clearRequests();
    const started = performance.now();
    const tileJson = await fetch(base);
    const tileJsonMs = Math.round(performance.now() - started);
    const answers = await Promise.all(tiles.map((t) => fetch(`${base}/${t.z}/${t.x}/${t.y}`)));
    const totalMs = Math.round(performance.now() - started);
    const ok = answers.filter((r) => r.status === 200).length;
    if (tileJson.status !== 200 || ok !== tiles.length)
      throw new Error(`cold view: ${ok}/${tiles.length} tiles`);
    const queries = stub.requestsTo('jobs.query').concat(stub.requestsTo('jobs.insert'));
    const partitions = new Set(tiles.map((t) => cartoPartition(PARTITIONS, t.z, t.x, t.y))).size;
    return `## Cold map view (\`npm run bench\`)
Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.
Command: \`npm run bench\` (bench/cold-view.ts: varnishd → one API process → the BigQuery REST stub, every tile query answered after ${QUERY_MS} ms).

| view | tiles | partitions | TileJSON ms | all tiles answered ms | BigQuery queries (tile queries) |
|---|---|---|---|---|---|
| z${VIEW.z}, ${VIEW.columns} × ${VIEW.rows} tiles, nothing cached | ${tiles.length} | ${partitions} | ${tileJsonMs} | ${totalMs} | ${queries.length} (${queries.filter(isTileQuery).length}) |`;
  } finally {
    await cache.stop();
    await api.process.stop();
    await stub.close();
  }
}
