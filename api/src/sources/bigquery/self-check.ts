import { cartoPartition, type PartitionParams, type TableRef } from '@tilestack/bigquery';
import { SELF_CHECK_ROW_LIMIT, selfCheckSql } from './sql.js';
import type { BigQueryUpstream } from './upstream.js';
import { decodeRows } from './values.js';

export type SelfCheckVerdict =
  | { outcome: 'passed'; rowsChecked: number; partitions: number[] }
  | { outcome: 'failed'; reason: string }
  /** The probed partitions hold no rows: nothing contradicts the formula, nothing confirms it. */
  | { outcome: 'inconclusive'; partitions: number[] };

/**
 * The partitions the self-check reads: those of the centre tile of the partition box at the top,
 * middle and bottom grid zoom levels. Different levels exercise both the level ranges and the
 * curve, and the box centre is where a tileset is least likely to be empty.
 */
export function probePartitions(p: PartitionParams): number[] {
  const zstep = p.zstep ?? 1;
  const levels = Math.floor((p.zmax - p.zmin) / zstep);
  const zooms = [levels, Math.floor(levels / 2), 0].map((level) => p.zmin + level * zstep);
  const partitions = zooms.map((z) => {
    const shift = p.zmax - z;
    const x = ((p.xmin >> shift) + (p.xmax >> shift)) >> 1;
    const y = ((p.ymin >> shift) + (p.ymax >> shift)) >> 1;
    return cartoPartition(p, z, x, y);
  });
  return [...new Set(partitions.filter((n) => n > 0))];
}

/**
 * Reads up to SELF_CHECK_ROW_LIMIT rows (coordinates only, no tile data) of the probe partitions
 * and recomputes each row's partition from its z/x/y. One disagreement fails the check: the
 * formula would send some tile queries to the wrong partition and turn real tiles into 204s.
 */
export async function selfCheck(
  upstream: BigQueryUpstream,
  table: TableRef,
  p: PartitionParams,
): Promise<SelfCheckVerdict> {
  const partitions = probePartitions(p);
  if (partitions.length === 0)
    return { outcome: 'failed', reason: 'the partition box yields no partition to check' };
  const rows: Record<string, unknown>[] = [];
  await upstream.query(
    {
      kind: 'selfcheck',
      target: { resource: 'tileset', id: table.id },
      sql: selfCheckSql(table),
      params: { partitions },
      pageSize: SELF_CHECK_ROW_LIMIT,
    },
    (page) => {
      rows.push(...decodeRows(page.fields, page.rows));
      return false;
    },
  );
  if (rows.length === 0) return { outcome: 'inconclusive', partitions };
  for (const { z, x, y, carto_partition: stored } of rows) {
    const computed = cartoPartition(p, Number(z), Number(x), Number(y));
    if (computed !== stored) {
      return {
        outcome: 'failed',
        reason: `tile ${z}/${x}/${y} is stored in partition ${stored} but the formula gives ${computed}`,
      };
    }
  }
  return { outcome: 'passed', rowsChecked: rows.length, partitions };
}
