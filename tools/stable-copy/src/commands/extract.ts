import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
// The API's tileset metadata reading and MBTiles writer, reused as is (relative imports into the
// api workspace): the file is written exactly the way the API's mbtiles source expects to read it.
import { decodeMetadataCell, describeTileset } from '../../../../api/src/sources/bigquery/metadata.js';
import { parsePartitionParams } from '../../../../api/src/sources/bigquery/partition.js';
import { MbtilesWriter } from '../../../../api/src/sources/mbtiles/writer.js';
import { billingProject, commonHelp, integerFlag, parseFlags } from '../args.js';
import type { BigQueryRest, QueryParameter } from '../bigquery.js';
import { connect } from '../connect.js';
import { explainBigQueryError, preflightError, usageError } from '../errors.js';
import {
  type Bbox,
  bboxTileRange,
  clipToPartitionBox,
  intersectBbox,
  partitionsOf,
  type TileRange,
} from '../extract/tiles.js';
import { formatBytes, formatQueryCost, type Io, Reporter } from '../output.js';
import { type TableRef, tableIdFlag } from '../table-id.js';
import { enforceMaxBytes } from '../verify.js';

export const extractHelp = `Usage: stable-copy extract --tileset P.D.T --bbox minLon,minLat,maxLon,maxLat --max-zoom Z --out FILE.mbtiles [flags]

Exports the tiles of a CARTO tileset inside a bounding box, and its metadata, into an MBTiles 1.3
file the API's mbtiles source serves as is: put it in DATA_DIR as <P.D.T>.mbtiles. Queries read
only the carto_partition values the box's tiles live in; all of them are dry-run first and the
total is checked against --max-bytes before anything is billed.

Flags:
  --tileset P.D.T       the CARTO tileset table (rows z, x, y, data, carto_partition)
  --bbox W,S,E,N        longitude/latitude box (WGS84)
  --max-zoom Z          highest zoom to export (capped at the tileset's maxzoom)
  --min-zoom Z          lowest zoom to export (default: the tileset's minzoom)
  --out FILE.mbtiles    output file (written to a temporary file, renamed when complete)
  --max-bytes N         refuse to run if the queries would scan more than N bytes (default 10 GiB)

${commonHelp}
`;

export async function extract(argv: string[], io: Io): Promise<void> {
  const flags = parseFlags(argv, {
    tileset: { type: 'string' },
    bbox: { type: 'string' },
    'max-zoom': { type: 'string' },
    'min-zoom': { type: 'string' },
    out: { type: 'string' },
    'max-bytes': { type: 'string' },
  });
  if (flags.help) {
    io.stdout.write(extractHelp);
    return;
  }
  const tileset = tableIdFlag('tileset', flags.tileset);
  const bbox = parseBbox(flags.bbox);
  const maxZoom = integerFlag('max-zoom', flags['max-zoom'], { max: 24 });
  if (maxZoom === undefined) throw usageError('--max-zoom is required');
  const minZoomFlag = integerFlag('min-zoom', flags['min-zoom'], { max: 24 });
  if (!flags.out) throw usageError('--out is required (e.g. data/<project.dataset.table>.mbtiles)');
  const out = resolve(flags.out);
  const maxBytes = integerFlag('max-bytes', flags['max-bytes']) ?? defaultMaxBytes;
  const reporter = new Reporter(io, flags.json === true);
  // The tileset's project (e.g. carto-demo-data) is not ours to bill: a billing project is needed.
  const rest = await connect(io.env, billingProject(flags['billing-project'], io.env), reporter);

  reporter.progress(`reading the metadata of ${tileset.id}`);
  const metadata = await readMetadata(rest, tileset, maxBytes);
  const partition = parsePartitionParams(metadata);
  const info = describeTileset(metadata, tileset.id, partition);
  if (!partition)
    reporter.progress('warning: no carto_partition metadata; every zoom query scans the whole table');
  const area = intersectBbox(bbox, info.bounds);
  if (!area)
    throw preflightError(
      `--bbox ${bbox.join(',')} does not overlap the tileset's bounds ${info.bounds.join(',')}`,
    );
  const minZoom = Math.max(minZoomFlag ?? info.minzoom, info.minzoom);
  const topZoom = Math.min(maxZoom, info.maxzoom);
  if (minZoom > topZoom) throw usageError(`no zoom to export: --min-zoom ${minZoom} > max zoom ${topZoom}`);

  const queries = planQueries(tileset, area, minZoom, topZoom, partition);
  let planned = 0;
  for (const q of queries) {
    const dry = await rest.query(q.sql, { parameters: q.parameters, dryRun: true }).catch((error) => {
      throw explainBigQueryError(error, {
        action: 'dry-run the tile query of',
        resource: tileset.id,
        permission: 'bigquery.tables.getData',
      });
    });
    planned += dry.bytesProcessed;
  }
  reporter.progress(`${queries.length} zoom queries will scan ${formatQueryCost(planned)}`);
  enforceMaxBytes(planned, maxBytes, 'extract');

  mkdirSync(dirname(out), { recursive: true });
  const writer = new MbtilesWriter(out);
  const perZoom: { z: number; tiles: number; partitions: number; bytesBilled: number }[] = [];
  try {
    for (const q of queries) {
      const answer = await rest
        .query(q.sql, { parameters: q.parameters, maximumBytesBilled: maxBytes })
        .catch((error) => {
          throw explainBigQueryError(error, { action: 'read tiles of', resource: tileset.id });
        });
      for (const row of answer.rows) {
        const tile = Buffer.from(String(row.data), 'base64');
        // The API serves tiles as stored, with Content-Encoding: gzip; CARTO's are gzip, others get it here.
        const gzipped = tile[0] === 0x1f && tile[1] === 0x8b ? tile : gzipSync(tile);
        writer.putTile(Number(row.z), Number(row.x), Number(row.y), gzipped);
      }
      perZoom.push({
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
  const tiles = perZoom.reduce((sum, z) => sum + z.tiles, 0);
  const bytesBilled = perZoom.reduce((sum, z) => sum + z.bytesBilled, 0);
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
      zooms: perZoom,
    },
    [
      `wrote ${tiles} tiles (z${minZoom}–${topZoom}) of ${tileset.id} to ${out}; billed ${formatQueryCost(bytesBilled)}`,
    ],
  );
}

async function readMetadata(
  rest: BigQueryRest,
  tileset: TableRef,
  maxBytes?: number,
): Promise<Record<string, unknown>> {
  // Same SQL as the API's metadata query: the NULL partition holds only this row, so it reads little.
  const sql = `SELECT data FROM ${tileset.sql} WHERE z = -1 AND carto_partition IS NULL LIMIT 1`;
  const explain = (error: unknown) => {
    throw explainBigQueryError(error, {
      action: 'read the metadata row of',
      resource: tileset.id,
      permission: 'bigquery.tables.getData (and bigquery.jobs.create on the billing project)',
      role: 'roles/bigquery.dataViewer + roles/bigquery.jobUser',
    });
  };
  const dry = await rest.query(sql, { dryRun: true }).catch(explain);
  enforceMaxBytes(dry.bytesProcessed, maxBytes, 'reading the tileset metadata');
  const answer = await rest.query(sql, { maximumBytesBilled: maxBytes }).catch(explain);
  const metadata = decodeMetadataCell(answer.rows[0]?.data, answer.fields[0]?.type);
  if (!metadata)
    throw preflightError(`${tileset.id} has no CARTO metadata row (z = -1): is it a CARTO tileset?`);
  return metadata;
}

interface ZoomQuery {
  range: TileRange;
  sql: string;
  parameters: QueryParameter[];
  partitions: number;
}

/** 10 GiB: a city at z16 reads a few partitions; a whole-table scan (119 GB) needs an explicit flag. */
const defaultMaxBytes = 10 * 1024 ** 3;

function planQueries(
  tileset: TableRef,
  area: Bbox,
  minZoom: number,
  topZoom: number,
  partition: ReturnType<typeof parsePartitionParams>,
): ZoomQuery[] {
  const queries: ZoomQuery[] = [];
  for (let z = minZoom; z <= topZoom; z++) {
    const range = partition ? clipToPartitionBox(bboxTileRange(area, z), partition) : bboxTileRange(area, z);
    if (!range) continue;
    const partitions = partition ? partitionsOf(range, partition) : [];
    if (partition && partitions.length === 0) continue;
    const filter = partition ? 'carto_partition IN UNNEST(@partitions) AND ' : '';
    queries.push({
      range,
      partitions: partitions.length,
      sql: `SELECT z, x, y, data FROM ${tileset.sql} WHERE ${filter}z = @z AND x BETWEEN @xmin AND @xmax AND y BETWEEN @ymin AND @ymax`,
      parameters: [
        ...(partition ? [{ name: 'partitions', type: 'ARRAY<INT64>' as const, value: partitions }] : []),
        { name: 'z', type: 'INT64', value: z },
        { name: 'xmin', type: 'INT64', value: range.xmin },
        { name: 'xmax', type: 'INT64', value: range.xmax },
        { name: 'ymin', type: 'INT64', value: range.ymin },
        { name: 'ymax', type: 'INT64', value: range.ymax },
      ],
    });
  }
  return queries;
}

function parseBbox(value: string | undefined): Bbox {
  const parts = value?.split(',').map((s) => Number(s.trim()));
  if (parts?.length !== 4 || !parts.every(Number.isFinite)) {
    throw usageError('--bbox must be minLon,minLat,maxLon,maxLat');
  }
  const [w = 0, s = 0, e = 0, n = 0] = parts;
  if (w >= e || s >= n || Math.abs(w) > 180 || Math.abs(e) > 180 || Math.abs(s) > 90 || Math.abs(n) > 90) {
    throw usageError(`--bbox ${value}: need -180 ≤ minLon < maxLon ≤ 180 and -90 ≤ minLat < maxLat ≤ 90`);
  }
  return [w, s, e, n];
}
