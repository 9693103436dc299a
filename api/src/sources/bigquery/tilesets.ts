import {
  cartoPartition,
  metadataSql,
  type PartitionParams,
  readTilesetMetadata,
  type TableRef,
} from '@tilestack/bigquery';
import { NotFoundError, UpstreamError } from '../../errors.js';
import type { TilesetInfo } from '../types.js';
import type { BigQuerySourceDeps } from './bigquery-source.js';
import { selfCheckSql } from './sql.js';
import type { BigQueryUpstream } from './upstream.js';
import { decodeRows } from './values.js';

/** What serving one tileset needs; cached with its metadata. */
export interface TilesetState {
  table: TableRef;
  info: TilesetInfo;
  /** Partition parameters to prune tile queries with, or null to query without the partition filter. */
  partition: PartitionParams | null;
}

type TilesetDeps = BigQuerySourceDeps & { upstream: BigQueryUpstream };

/** Columns of a CARTO tileset table; a table without them is answered as not found. */
const TILESET_COLUMNS = ['z', 'x', 'y', 'data', 'carto_partition'];

/**
 * Loads a tileset: tables.get (existence, schema, last-modified time → version), the metadata row,
 * then the partition self-check (this folder's README says what each outcome does).
 */
export async function loadTileset(table: TableRef, deps: TilesetDeps): Promise<TilesetState> {
  const { upstream, logger } = deps;
  const tileset = { tileset: table.id };
  const resource = await upstream.getTable('tileset', table);
  const fields = resource.schema?.fields ?? [];
  if (!TILESET_COLUMNS.every((name) => fields.some((f) => f.name === name))) {
    logger.info(tileset, 'table is not a CARTO tileset (missing z, x, y, data or carto_partition)');
    throw new NotFoundError('tileset', table.id);
  }
  let cell: unknown;
  let type: string | undefined;
  await upstream.query({ kind: 'tileset', table, sql: metadataSql(table), pageSize: 1 }, (page) => {
    [cell, type] = [page.rows[0]?.f[0]?.v, page.fields[0]?.type];
    return false;
  });
  if (cell === undefined || cell === null) {
    logger.info(tileset, 'tileset has no metadata row (z = -1, carto_partition IS NULL)');
    throw new NotFoundError('tileset', table.id);
  }
  const metadata = readTilesetMetadata(cell, type, table.tableId);
  if (!metadata) {
    logger.error(tileset, 'tileset metadata is not a JSON object');
    throw new UpstreamError('the tileset metadata cannot be read');
  }
  const version = resource.lastModifiedTime ?? resource.etag ?? '0';
  const info: TilesetInfo = { id: table.id, version, ...metadata.description };
  return { table, info, partition: await checkedPartition(table, metadata.partition, deps) };
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
  const partitions = probePartitions(partition);
  if (partitions.length === 0) return fallBack('the partition box yields no partition to check');
  const rows: Record<string, unknown>[] = [];
  const sql = selfCheckSql(table);
  await upstream.query({ kind: 'selfcheck', table, sql, params: { partitions }, pageSize: 100 }, (page) => {
    rows.push(...decodeRows(page.fields, page.rows));
    return false;
  });
  // One disagreement fails the check: the formula would send some tile queries to the wrong partition.
  for (const { z, x, y, carto_partition: stored } of rows) {
    const computed = cartoPartition(partition, Number(z), Number(x), Number(y));
    if (computed !== stored)
      return fallBack(
        `self-check failed: tile ${z}/${x}/${y} is in partition ${stored}, the formula gives ${computed}`,
      );
  }
  // Empty probe partitions contradict nothing; a wrong formula would show up as rows that disagree.
  if (rows.length === 0)
    logger.warn({ tileset: table.id, partitions }, 'partition self-check found no rows to check');
  else
    logger.debug({ tileset: table.id, rowsChecked: rows.length, partitions }, 'partition self-check passed');
  return partition;
}

/**
 * The partitions the self-check reads: those of the centre tile of the partition box at the top,
 * middle and bottom grid zoom levels, where a tileset is least likely to be empty.
 */
export function probePartitions(p: PartitionParams): number[] {
  const zstep = p.zstep ?? 1;
  const levels = Math.floor((p.zmax - p.zmin) / zstep);
  const partitions = [levels, Math.floor(levels / 2), 0].map((level) => {
    const z = p.zmin + level * zstep;
    const shift = p.zmax - z;
    return cartoPartition(
      p,
      z,
      ((p.xmin >> shift) + (p.xmax >> shift)) >> 1,
      ((p.ymin >> shift) + (p.ymax >> shift)) >> 1,
    );
  });
  return [...new Set(partitions.filter((n) => n > 0))];
}
