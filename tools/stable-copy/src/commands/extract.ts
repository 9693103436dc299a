import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
// The API's MBTiles writer: the file is written exactly the way the API's mbtiles source reads it.
import { MbtilesWriter } from '@tilestack/api/mbtiles-writer';
import {
  type BigQueryRest,
  metadataSql,
  type PartitionParams,
  readTilesetMetadata,
  type TableRef,
} from '@tilestack/bigquery';
import { enforceMaxBytes, explain, preflightError, usageError } from '../errors.js';
import {
  connect,
  dryRunBytes,
  formatBytes,
  formatQueryCost,
  type Io,
  integerFlag,
  parseFlags,
  queryRows,
  tableIdFlag,
} from '../io.js';
import {
  type Bbox,
  bboxTileRange,
  clipToPartitionBox,
  intersectBbox,
  partitionsOf,
  type TileRange,
} from '../tiles.js';

const help = `Usage: stable-copy extract --tileset P.D.T --bbox W,S,E,N --max-zoom Z --out FILE.mbtiles [flags]

Writes a bbox of a CARTO tileset to an MBTiles 1.3 file the API serves as is (DATA_DIR/<P.D.T>.mbtiles),
reading only the partitions the bbox's tiles live in; every query is dry-run against --max-bytes first.

  --tileset P.D.T     the CARTO tileset table (rows z, x, y, data, carto_partition)
  --bbox W,S,E,N      longitude/latitude box (WGS84)
  --max-zoom Z        highest zoom to export (capped at the tileset's maxzoom)
  --min-zoom Z        lowest zoom to export (default: the tileset's minzoom)
  --out FILE.mbtiles  output file (written to a temporary file, renamed when complete)
  --max-bytes N       refuse to run if the queries would scan more than N bytes (default 10 GiB)`;

const options = {
  tileset: { type: 'string' },
  bbox: { type: 'string' },
  'max-zoom': { type: 'string' },
  'min-zoom': { type: 'string' },
  out: { type: 'string' },
  'max-bytes': { type: 'string' },
} as const;

/** 10 GiB: a city at z16 reads a few partitions; a whole-table scan (119 GB) needs an explicit flag. */
const defaultMaxBytes = 10 * 1024 ** 3;

export async function extract(argv: string[], io: Io): Promise<void> {
  const flags = parseFlags(argv, options, help, io);
  if (!flags) return;
  const tileset = tableIdFlag('tileset', flags.tileset);
  const bbox = parseBbox(flags.bbox as string | undefined);
  const maxZoom = integerFlag('max-zoom', flags['max-zoom'], { max: 24 });
  if (maxZoom === undefined) throw usageError('--max-zoom is required');
  const minZoomFlag = integerFlag('min-zoom', flags['min-zoom'], { max: 24 });
  if (!flags.out) throw usageError('--out is required (e.g. data/<project.dataset.table>.mbtiles)');
  const out = resolve(String(flags.out));
  const maxBytes = integerFlag('max-bytes', flags['max-bytes']) ?? defaultMaxBytes;
  // The tileset's project (e.g. carto-demo-data) is not ours to bill: a billing project is needed.
  const { rest, reporter } = await connect(flags, io);

  reporter.progress(`reading the metadata of ${tileset.id}`);
  const { partition, description: info } = await readMetadata(rest, tileset, maxBytes);
  if (!partition)
    reporter.progress('warning: no carto_partition metadata; every zoom query scans the whole table');
  const area = intersectBbox(bbox, info.bounds);
  if (!area)
    throw preflightError(`--bbox ${bbox.join(',')} does not overlap the tileset's bounds ${info.bounds}`);
  const minZoom = Math.max(minZoomFlag ?? info.minzoom, info.minzoom);
  const topZoom = Math.min(maxZoom, info.maxzoom);
  if (minZoom > topZoom) throw usageError(`no zoom to export: --min-zoom ${minZoom} > max zoom ${topZoom}`);

  const queries = zoomQueries(tileset, area, minZoom, topZoom, partition);
  let planned = 0;
  for (const q of queries)
    planned += await dryRunBytes(rest, q).catch((error) => {
      throw explain(error, `dry-run the tile query of ${tileset.id}`, 'bigquery.tables.getData');
    });
  reporter.progress(`${queries.length} zoom queries will scan ${formatQueryCost(planned)}`);
  enforceMaxBytes(planned, maxBytes, 'extract');

  mkdirSync(dirname(out), { recursive: true });
  const writer = new MbtilesWriter(out);
  const zooms: { z: number; tiles: number; partitions: number; bytesBilled: number }[] = [];
  try {
    for (const q of queries) {
      const answer = await queryRows(rest, { ...q, maximumBytesBilled: maxBytes }).catch((error) => {
        throw explain(error, `read tiles of ${tileset.id}`);
      });
      for (const row of answer.rows) {
        const tile = Buffer.from(String(row.data), 'base64');
        // The API serves tiles as stored, with Content-Encoding: gzip; CARTO's are gzip, others get it here.
        writer.putTile(
          Number(row.z),
          Number(row.x),
          Number(row.y),
          tile[0] === 0x1f && tile[1] === 0x8b ? tile : gzipSync(tile),
        );
      }
      zooms.push({
        z: q.range.z,
        tiles: answer.rows.length,
        partitions: q.partitions,
        bytesBilled: answer.bytesBilled,
      });
      reporter.progress(
        `z${q.range.z}: ${answer.rows.length} tiles (${formatBytes(answer.bytesBilled)} billed)`,
      );
    }
    writer.finish({
      name: tileset.id,
      description: `Extract of ${tileset.id} inside ${area.join(',')} made by stable-copy`,
      attribution: info.attribution,
      format: 'pbf',
      minzoom: minZoom,
      maxzoom: topZoom,
      bounds: area,
      center: [(area[0] + area[2]) / 2, (area[1] + area[3]) / 2, minZoom],
      version: '1',
      json: { vector_layers: info.vector_layers, source: tileset.id, extracted_at: new Date().toISOString() },
    });
  } catch (error) {
    writer.abort();
    throw error;
  }
  const tiles = zooms.reduce((sum, z) => sum + z.tiles, 0);
  const bytesBilled = zooms.reduce((sum, z) => sum + z.bytesBilled, 0);
  reporter.result(
    {
      command: 'extract',
      tileset: tileset.id,
      out,
      bbox: area,
      minzoom: minZoom,
      maxzoom: topZoom,
      tiles,
      bytesBilled,
      zooms,
    },
    [
      `wrote ${tiles} tiles (z${minZoom}–${topZoom}) of ${tileset.id} to ${out}; billed ${formatQueryCost(bytesBilled)}`,
    ],
  );
}

/** The metadata row, read with the API's own query (the NULL partition holds only this row), dry-run first. */
async function readMetadata(rest: BigQueryRest, tileset: TableRef, maxBytes: number) {
  const sql = metadataSql(tileset);
  const fail = (error: unknown) => {
    throw explain(
      error,
      `read the metadata row of ${tileset.id}`,
      'bigquery.tables.getData (roles/bigquery.dataViewer) and bigquery.jobs.create (roles/bigquery.jobUser)',
    );
  };
  enforceMaxBytes(await dryRunBytes(rest, { sql }).catch(fail), maxBytes, 'reading the tileset metadata');
  const answer = await queryRows(rest, { sql, maximumBytesBilled: maxBytes }).catch(fail);
  const metadata = readTilesetMetadata(answer.rows[0]?.data, answer.firstType, tileset.id);
  if (!metadata)
    throw preflightError(`${tileset.id} has no CARTO metadata row (z = -1): is it a CARTO tileset?`);
  return metadata;
}

/** One query per zoom: the bbox's tiles, in the partitions they map to (the API's partition formula). */
function zoomQueries(
  tileset: TableRef,
  area: Bbox,
  minZoom: number,
  topZoom: number,
  p: PartitionParams | null,
) {
  const queries: {
    range: TileRange;
    sql: string;
    params: Record<string, number | number[]>;
    partitions: number;
  }[] = [];
  for (let z = minZoom; z <= topZoom; z++) {
    const range = p ? clipToPartitionBox(bboxTileRange(area, z), p) : bboxTileRange(area, z);
    const partitions = range && p ? partitionsOf(range, p) : [];
    if (!range || (p && partitions.length === 0)) continue;
    const { xmin, xmax, ymin, ymax } = range;
    queries.push({
      range,
      partitions: partitions.length,
      sql: `SELECT z, x, y, data FROM ${tileset.sql} WHERE ${p ? 'carto_partition IN UNNEST(@partitions) AND ' : ''}z = @z AND x BETWEEN @xmin AND @xmax AND y BETWEEN @ymin AND @ymax`,
      params: { ...(p ? { partitions } : {}), z, xmin, xmax, ymin, ymax },
    });
  }
  return queries;
}

function parseBbox(value: string | undefined): Bbox {
  const [w = 0, s = 0, e = 0, n = 0, ...rest] = value?.split(',').map(Number) ?? [];
  const valid = value?.split(',').length === 4 && rest.length === 0 && [w, s, e, n].every(Number.isFinite);
  if (!valid) throw usageError('--bbox must be minLon,minLat,maxLon,maxLat');
  if (w >= e || s >= n || Math.abs(w) > 180 || Math.abs(e) > 180 || Math.abs(s) > 90 || Math.abs(n) > 90)
    throw usageError(`--bbox ${value}: need -180 ≤ minLon < maxLon ≤ 180 and -90 ≤ minLat < maxLat ≤ 90`);
  return [w, s, e, n];
}
