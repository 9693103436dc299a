import {
  metadataSql,
  type PartitionParams,
  type ResultPage,
  readTilesetMetadata,
  type TableRef,
} from '@tilestack/bigquery';
import type { FastifyBaseLogger } from 'fastify';
import { NotFoundError, UpstreamError } from '../../errors.js';
import type { SourceObserver, TilesetInfo } from '../types.js';
import { selfCheck } from './self-check.js';
import type { BigQueryUpstream } from './upstream.js';

/** What serving one tileset needs; cached with its metadata. */
export interface TilesetState {
  table: TableRef;
  info: TilesetInfo;
  /** Partition parameters to prune tile queries with, or null to query without the partition filter. */
  partition: PartitionParams | null;
}

export interface TilesetDeps {
  upstream: BigQueryUpstream;
  observer: SourceObserver;
  logger: FastifyBaseLogger;
}

/** Columns of a CARTO tileset table; a table without them is answered as not found. */
const TILESET_COLUMNS = ['z', 'x', 'y', 'data', 'carto_partition'];

/**
 * Loads a tileset: tables.get (existence, schema, last-modified time → version), the metadata row,
 * then the partition self-check. Tilesets whose metadata has no valid partition parameters, or
 * whose rows contradict the formula, are served without the partition filter (logged as an error
 * and reported to the observer, because every tile query then scans far more).
 */
export async function loadTileset(table: TableRef, deps: TilesetDeps): Promise<TilesetState> {
  const { upstream, logger } = deps;
  const resource = await upstream.getTable('tileset', table);
  const fields = resource.schema?.fields ?? [];
  if (!TILESET_COLUMNS.every((name) => fields.some((f) => f.name === name))) {
    logger.info(
      { tileset: table.id },
      'table is not a CARTO tileset (missing z, x, y, data or carto_partition)',
    );
    throw new NotFoundError('tileset', table.id);
  }
  const { partition, description } = await readMetadata(table, deps);
  const info: TilesetInfo = {
    id: table.id,
    version: resource.lastModifiedTime ?? resource.etag ?? '0',
    ...description,
  };
  return { table, info, partition: await checkedPartition(table, partition, deps) };
}

async function readMetadata(table: TableRef, { upstream, logger }: TilesetDeps) {
  let page: ResultPage | undefined;
  await upstream.query(
    { kind: 'tileset', target: { resource: 'tileset', id: table.id }, sql: metadataSql(table), pageSize: 1 },
    (first) => {
      page = first;
      return false;
    },
  );
  const cell = page?.rows[0]?.f[0]?.v;
  if (cell === undefined || cell === null) {
    logger.info({ tileset: table.id }, 'tileset has no metadata row (z = -1, carto_partition IS NULL)');
    throw new NotFoundError('tileset', table.id);
  }
  const metadata = readTilesetMetadata(cell, page?.fields[0]?.type, table.tableId);
  if (!metadata) {
    logger.error({ tileset: table.id }, 'tileset metadata is not a JSON object');
    throw new UpstreamError('the tileset metadata cannot be read');
  }
  return metadata;
}

async function checkedPartition(
  table: TableRef,
  partition: PartitionParams | null,
  { upstream, observer, logger }: TilesetDeps,
): Promise<PartitionParams | null> {
  const fallBack = (reason: string) => {
    logger.error(
      { tileset: table.id, reason },
      'partition pruning disabled: tile queries will scan the table',
    );
    observer.partitionFallback(table.id, reason);
    return null;
  };
  if (!partition) return fallBack('the metadata has no valid carto_partition parameters');
  const verdict = await selfCheck(upstream, table, partition);
  if (verdict.outcome === 'failed') return fallBack(`self-check failed: ${verdict.reason}`);
  if (verdict.outcome === 'inconclusive') {
    // Empty probe partitions contradict nothing; a wrong formula would show up as rows that
    // disagree, so keep pruning rather than scan the table for every tile.
    logger.warn(
      { tileset: table.id, partitions: verdict.partitions },
      'partition self-check found no rows to check',
    );
  } else {
    logger.debug({ tileset: table.id, ...verdict }, 'partition self-check passed');
  }
  return partition;
}
