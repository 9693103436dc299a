import {
  BigQueryRest,
  cartoPartition,
  createClient,
  DatasetAllowList,
  type ParameterValue,
  resolveTableId,
} from '@tilestack/bigquery';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { NotFoundError, UnavailableError } from '../../errors.js';
import { Coalescer, TtlMemo } from '../memo.js';
import type { DataSource, SourceObserver } from '../types.js';
import { readFeatureCollection } from './geojson.js';
import { tilesSql } from './sql.js';
import { TileBatches } from './tile-batches.js';
import { loadTileset, type TilesetState } from './tilesets.js';
import { BigQueryUpstream, BytesCapError } from './upstream.js';
import { bytesValue } from './values.js';

/** What a tile query of an unpruned tileset answers, logs and counts when the bytes cap refuses it. */
const FALLBACK_REFUSED = 'tileset has no partition metadata; raise BIGQUERY_MAX_BYTES_BILLED or add metadata';
/** Failed tileset loads (missing, not allowed, upstream trouble) are remembered this long at most. */
const NEGATIVE_TTL_MS = 5_000;

export interface BigQuerySourceDeps {
  logger: FastifyBaseLogger;
  observer: SourceObserver;
}

/** The production data source: CARTO tilesets and GeoJSON tables read from BigQuery. */
export function createBigQuerySource(config: Config, deps: BigQuerySourceDeps): DataSource {
  const { BIGQUERY_MAX_BYTES_BILLED: maxBytesBilled, BIGQUERY_TIMEOUT_MS: timeoutMs } = config;
  const { BIGQUERY_LOCATION: location, BIGQUERY_API_ENDPOINT: apiEndpoint } = config;
  const projectId = config.BIGQUERY_BILLING_PROJECT ?? ''; // loadConfig requires it for DATA_SOURCE=bigquery
  // Each HTTP call is bounded too. No retries inside a request's budget: the cache serves
  // stale-if-error and map clients retry tiles; retrying here would multiply load during an incident.
  const client = createClient({ projectId, location, apiEndpoint, timeoutMs, retry: false });
  const settings = { maxBytesBilled, timeoutMs, location };
  const upstream = new BigQueryUpstream(
    new BigQueryRest(client, projectId),
    settings,
    deps.observer,
    deps.logger,
  );
  const allowList = new DatasetAllowList(config.BIGQUERY_ALLOWED_DATASETS);
  const ttlMs = config.METADATA_TTL_SECONDS * 1000;
  const tilesets = new TtlMemo<TilesetState>(ttlMs, Math.min(ttlMs, NEGATIVE_TTL_MS));
  const pings = new Coalescer<void>();
  const batches = new TileBatches(async ({ table, partition, z, xs, ys }) => {
    const found = new Map<string, Buffer>();
    const sql = tilesSql(table, partition !== null);
    const params: Record<string, ParameterValue> =
      partition !== null ? { partition, z, xs, ys } : { z, xs, ys };
    const pageSize = xs.length * ys.length;
    await upstream
      .query({ kind: 'tile', table, sql, params, pageSize }, ({ rows }) => {
        for (const { f } of rows) {
          const data = bytesValue(f[2]?.v);
          if (data) found.set(`${f[0]?.v}/${f[1]?.v}`, data);
        }
        return true;
      })
      .catch((error: unknown) => {
        // Without pruning, a tile query is priced as a scan of the table's z, x, y and data columns.
        if (partition !== null || !(error instanceof BytesCapError)) throw error;
        deps.logger.error({ tileset: table.id }, FALLBACK_REFUSED);
        deps.observer.fallbackRefused(table.id);
        throw new UnavailableError(FALLBACK_REFUSED);
      });
    return found;
  });
  /** The checks that run before any request: pattern, then allow-list. Both fail as a plain 404. */
  const resolve = (id: string, kind: 'tileset' | 'table') => {
    const table = resolveTableId(id, allowList);
    if (!table) throw new NotFoundError(kind, id);
    return table;
  };
  const tileset = (id: string) => {
    const table = resolve(id, 'tileset');
    return tilesets.get(table.id, () => loadTileset(table, { upstream, ...deps }));
  };

  return {
    kind: 'bigquery',
    getTileset: async (id) => (await tileset(id)).info,

    async getTile(id, z, x, y) {
      const { table, info, partition } = await tileset(id);
      // Zooms the tileset does not have cannot hold tiles: no query, no cost.
      if (z < info.minzoom || z > info.maxzoom) return null;
      return batches.get(table, partition ? cartoPartition(partition, z, x, y) : null, z, x, y);
    },

    getTable: async (id, query) => readFeatureCollection(upstream, resolve(id, 'table'), query),

    ping: () =>
      pings.run('ping', () =>
        upstream.ping().catch(() => {
          throw new UnavailableError('BigQuery is not reachable with this service account');
        }),
      ),

    close: async () => tilesets.clear(),
  };
}
