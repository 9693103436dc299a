import { setTimeout as sleep } from 'node:timers/promises';
import type { TableRef } from '@tilestack/bigquery';

/** What one shared query reads: the tiles xs × ys at zoom z in one partition (null: a tileset read unpruned). */
export type TileBatch = { table: TableRef; partition: number | null; z: number; xs: number[]; ys: number[] };
type Forming = { xs: Set<number>; ys: Set<number>; found: Promise<Map<string, Buffer>> };

/** How long the first miss of a partition waits for others: a map view's tiles arrive within a few ms. */
export const BATCH_WINDOW_MS = 10;
/** The most rows (|xs| × |ys|) one query may read: a view is a rectangle, so nearly all are wanted. */
const MAX_ROWS = 256;

/**
 * Tile reads of one table, partition and zoom that arrive within BATCH_WINDOW_MS share one BigQuery query
 * (`query` resolves to each found tile's data by `x/y`): a cold map view asks one query per partition, not
 * one per tile. BigQuery bills each query for the partition it reads, at least 10 MiB, so the view costs
 * about that much less, for BATCH_WINDOW_MS more on a query of hundreds of ms.
 */
export class TileBatches {
  private readonly forming = new Map<string, Forming>();

  constructor(private readonly query: (batch: TileBatch) => Promise<Map<string, Buffer>>) {}

  get(table: TableRef, partition: number | null, z: number, x: number, y: number): Promise<Buffer | null> {
    const key = `${table.id}/${partition}/${z}`;
    let batch = this.forming.get(key);
    const rows =
      batch && (batch.xs.size + (batch.xs.has(x) ? 0 : 1)) * (batch.ys.size + (batch.ys.has(y) ? 0 : 1));
    if (!batch || (rows ?? 0) > MAX_ROWS) {
      const next = { xs: new Set<number>(), ys: new Set<number>() } as Forming;
      next.found = sleep(BATCH_WINDOW_MS).then(() => {
        if (this.forming.get(key) === next) this.forming.delete(key);
        return this.query({ table, partition, z, xs: [...next.xs], ys: [...next.ys] });
      });
      this.forming.set(key, next);
      batch = next;
    }
    batch.xs.add(x);
    batch.ys.add(y);
    return batch.found.then((found) => found.get(`${x}/${y}`) ?? null);
  }
}
