import {
  BigQueryRest,
  cartoPartition,
  createClient,
  DatasetAllowList,
  resolveTableId,
} from '@tilestack/bigquery';
import type { FastifyBaseLogger } from 'fastify';
import type { FeatureCollection } from 'geojson';
import type { Config } from '../../config.js';
import { NotFoundError, UnavailableError } from '../../errors.js';
import { Coalescer, TtlMemo } from '../memo.js';
import type { DataSource, SourceObserver, TableQuery, TilesetInfo } from '../types.js';
import { readFeatureCollection } from './geojson.js';
import { PING_SQL, partitionedTileSql, scannedTileSql } from './sql.js';
import { loadTileset, type TilesetState } from './tilesets.js';
import { BigQueryUpstream, BytesCapError, type QuerySpec } from './upstream.js';
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
  return new BigQuerySource(upstream, allowList, config.METADATA_TTL_SECONDS * 1000, deps);
}

class BigQuerySource implements DataSource {
  readonly kind = 'bigquery';
  private readonly tilesets: TtlMemo<TilesetState>;
  private readonly pings = new Coalescer<void>();

  constructor(
    private readonly upstream: BigQueryUpstream,
    private readonly allowList: DatasetAllowList,
    metadataTtlMs: number,
    private readonly deps: BigQuerySourceDeps,
  ) {
    this.tilesets = new TtlMemo(metadataTtlMs, Math.min(metadataTtlMs, NEGATIVE_TTL_MS));
  }

  async getTileset(id: string): Promise<TilesetInfo> {
    return (await this.tileset(id)).info;
  }

  async getTile(id: string, z: number, x: number, y: number): Promise<Buffer | null> {
    const { table, info, partition } = await this.tileset(id);
    // Zooms the tileset does not have cannot hold tiles: no query, no cost.
    if (z < info.minzoom || z > info.maxzoom) return null;
    const query: Pick<QuerySpec, 'sql' | 'params'> = partition
      ? { sql: partitionedTileSql(table), params: { partition: cartoPartition(partition, z, x, y), z, x, y } }
      : { sql: scannedTileSql(table), params: { z, x, y } };
    let tile: Buffer | null = null;
    await this.upstream
      .query({ kind: 'tile', table, pageSize: 1, ...query }, ({ rows }) => {
        tile = bytesValue(rows[0]?.f[0]?.v);
        return false;
      })
      .catch((error: unknown) => {
        // Without pruning, a tile query is priced as a scan of the table's z, x, y and data columns.
        if (partition || !(error instanceof BytesCapError)) throw error;
        this.deps.logger.error({ tileset: table.id }, FALLBACK_REFUSED);
        this.deps.observer.fallbackRefused(table.id);
        throw new UnavailableError(FALLBACK_REFUSED);
      });
    return tile;
  }

  async getTable(id: string, query: TableQuery): Promise<FeatureCollection> {
    return readFeatureCollection(this.upstream, this.resolve(id, 'table'), query);
  }

  /** A free dry run of `SELECT 1`: proves credentials, reachability and the billing project's query permission. */
  ping(): Promise<void> {
    return this.pings.run('ping', () =>
      this.upstream.dryRun('ping', { resource: 'table', id: 'readiness probe' }, PING_SQL).catch(() => {
        throw new UnavailableError('BigQuery is not reachable with this service account');
      }),
    );
  }

  async close(): Promise<void> {
    this.tilesets.clear();
  }

  private tileset(id: string): Promise<TilesetState> {
    const table = this.resolve(id, 'tileset');
    return this.tilesets.get(table.id, () => loadTileset(table, { upstream: this.upstream, ...this.deps }));
  }

  /** The checks that run before any request: pattern, then allow-list. Both fail as a plain 404. */
  private resolve(id: string, kind: 'tileset' | 'table') {
    const table = resolveTableId(id, this.allowList);
    if (!table) throw new NotFoundError(kind, id);
    return table;
  }
}
