import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
// The API's MBTiles writer: the file is written exactly the way the API's mbtiles source reads it.
import { MbtilesWriter } from '@tilestack/api/mbtiles-writer';
import { MAX_ZOOM, metadataSql, readTilesetMetadata } from '@tilestack/bigquery';
import { enforceMaxBytes, explain, preflightError, usageError } from '../errors.js';
import {
  type Command,
  dryRunBytes,
  formatQueryCost,
  integerFlag,
  queryRows,
  tableIdFlag,
  text,
} from '../io.js';
import { intersectBbox, parseBbox, zoomQueries } from '../tiles.js';

/** 10 GiB: a city at z16 reads a few partitions; a whole-table scan (119 GB) needs an explicit flag. */
const defaultMaxBytes = 10 * 1024 ** 3;

export const extract: Command = {
  summary: 'export a bbox of a CARTO tileset to an MBTiles file the API serves',
  help: `Usage: stable-copy extract --tileset P.D.T --bbox W,S,E,N --max-zoom Z --out FILE.mbtiles [flags]
Writes a bbox of a CARTO tileset to an MBTiles 1.3 file the API serves as is (DATA_DIR/<P.D.T>.mbtiles),
reading only the partitions the bbox's tiles live in; every query is dry-run against --max-bytes first.
  --tileset P.D.T     the CARTO tileset table (rows z, x, y, data, carto_partition)
  --bbox W,S,E,N      longitude/latitude box (WGS84)
  --max-zoom Z        highest zoom to export (capped at the tileset's maxzoom)
  --min-zoom Z        lowest zoom to export (default: the tileset's minzoom)
  --out FILE.mbtiles  output file (written to a temporary file, renamed when complete)
  --max-bytes N       refuse to run if the queries would scan more than N bytes (default 10 GiB)`,
  options: { tileset: text, bbox: text, 'max-zoom': text, 'min-zoom': text, out: text, 'max-bytes': text },
  async run(flags, connect) {
    const tileset = tableIdFlag('tileset', flags.tileset);
    const bbox = parseBbox(flags.bbox);
    const maxZoom = integerFlag('max-zoom', flags['max-zoom'], { max: MAX_ZOOM });
    if (maxZoom === undefined) throw usageError('--max-zoom is required');
    const minZoomFlag = integerFlag('min-zoom', flags['min-zoom'], { max: MAX_ZOOM }) ?? 0;
    if (!flags.out) throw usageError('--out is required (e.g. data/<project.dataset.table>.mbtiles)');
    const out = resolve(String(flags.out));
    const maxBytes = integerFlag('max-bytes', flags['max-bytes']) ?? defaultMaxBytes;
    // The tileset's project (e.g. carto-demo-data) is not ours to bill: no fallback billing project.
    const { rest, progress } = await connect();
    const plan = async (sql: string, params?: Record<string, number | number[]>) => {
      const bytes = await dryRunBytes(rest, { sql, params }).catch((error) => {
        throw explain(error, `dry-run a query of ${tileset.id}`, 'bigquery.tables.getData, jobs.create');
      });
      return { sql, params, bytes, maximumBytesBilled: maxBytes };
    };
    const read = (q: Awaited<ReturnType<typeof plan>>) =>
      queryRows(rest, q).catch((error) => {
        throw explain(error, `read ${tileset.id}`);
      });

    progress(`reading the metadata of ${tileset.id}`);
    const metaQuery = await plan(metadataSql(tileset));
    enforceMaxBytes(metaQuery.bytes, maxBytes, 'reading the tileset metadata');
    const metaRows = await read(metaQuery);
    const metadata = readTilesetMetadata(metaRows.rows[0]?.data, metaRows.firstType, tileset.id);
    if (!metadata)
      throw preflightError(`${tileset.id} has no CARTO metadata row (z = -1): is it a CARTO tileset?`);
    const { partition, description: info } = metadata;
    if (!partition) progress('warning: no carto_partition metadata; every zoom query scans the whole table');
    const area = intersectBbox(bbox, info.bounds);
    if (!area)
      throw preflightError(`--bbox ${bbox.join(',')} does not overlap the tileset's bounds ${info.bounds}`);
    const [minzoom, maxzoom] = [Math.max(minZoomFlag, info.minzoom), Math.min(maxZoom, info.maxzoom)];
    if (minzoom > maxzoom) throw usageError(`no zoom to export: --min-zoom ${minzoom} > max zoom ${maxzoom}`);

    const queries = [];
    for (const q of zoomQueries(tileset, area, minzoom, maxzoom, partition))
      queries.push(await plan(q.sql, q.params));
    const planned = queries.reduce((sum, q) => sum + q.bytes, 0);
    progress(`${queries.length} zoom queries will scan ${formatQueryCost(planned)}`);
    enforceMaxBytes(planned, maxBytes, 'extract');

    mkdirSync(dirname(out), { recursive: true });
    const writer = new MbtilesWriter(out);
    let [tiles, bytesBilled] = [0, metaRows.bytesBilled];
    try {
      for (const q of queries) {
        const answer = await read(q);
        for (const row of answer.rows) {
          const tile = Buffer.from(String(row.data), 'base64'); // CARTO's are gzip; the writer gzips any other
          writer.putTile(Number(row.z), Number(row.x), Number(row.y), tile);
        }
        [tiles, bytesBilled] = [tiles + answer.rows.length, bytesBilled + answer.bytesBilled];
        progress(
          `z${q.params?.z}: ${answer.rows.length} tiles, ${formatQueryCost(answer.bytesBilled)} billed`,
        );
      }
      writer.finish({
        name: tileset.id,
        description: `Extract of ${tileset.id} inside ${area.join(',')} made by stable-copy`,
        attribution: info.attribution,
        format: 'pbf',
        minzoom,
        maxzoom,
        bounds: area,
        center: [(area[0] + area[2]) / 2, (area[1] + area[3]) / 2, minzoom],
        version: '1',
        json: { vector_layers: info.vector_layers, extracted_at: new Date().toISOString() },
      });
    } catch (error) {
      writer.abort();
      throw error;
    }
    return { tileset: tileset.id, out, bbox: area, minzoom, maxzoom, tiles, bytesBilled };
  },
};
