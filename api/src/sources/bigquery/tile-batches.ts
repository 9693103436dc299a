import type { TableRef } from '@tilestack/bigquery';

/** What one shared query reads: tiles of one zoom in one partition, the rows of xs × ys. */
export interface TileBatch {
  table: TableRef;
  partition: number;
  z: number;
  xs: number[];
  ys: number[];
}

/** Runs a batch: the data of each tile found, keyed `x/y` (absent: no tile). */
export type BatchQuery = (batch: TileBatch) => Promise<Map<string, Buffer>>;

/** How long the first miss of a partition waits for others: a map view's tiles arrive within a few ms. */
export const BATCH_WINDOW_MS = 10;
/** The most rows (|xs| × |ys|) one batch may read: a view is a rectangle, so nearly all are wanted. */
const MAX_ROWS = 256;

interface Forming extends TileBatch {
  waiting: Map<string, { resolve: (tile: Buffer | null) => void; reject: (error: unknown) => void }[]>;
}

/**
 * Tile reads of one table, partition and zoom that arrive within BATCH_WINDOW_MS share one BigQuery
 * query: a cold map view asks one query per partition instead of one per tile. BigQuery bills each query
 * for the partition it reads (at least 10 MiB), so the view costs about that much less, for
 * BATCH_WINDOW_MS more latency on a query of hundreds of ms.
 */
export class TileBatches {
  private readonly forming = new Map<string, Forming>();

  constructor(private readonly query: BatchQuery) {}

  get(table: TableRef, partition: number, z: number, x: number, y: number): Promise<Buffer | null> {
    const key = `${table.id}/${partition}/${z}`;
    let batch = this.forming.get(key);
    if (batch && !fits(batch, x, y)) {
      this.run(key, batch);
      batch = undefined;
    }
    if (!batch) {
      const created: Forming = { table, partition, z, xs: [], ys: [], waiting: new Map() };
      this.forming.set(key, created);
      setTimeout(() => this.run(key, created), BATCH_WINDOW_MS);
      batch = created;
    }
    if (!batch.xs.includes(x)) batch.xs.push(x);
    if (!batch.ys.includes(y)) batch.ys.push(y);
    const tile = `${x}/${y}`;
    const waiting = batch.waiting.get(tile) ?? [];
    batch.waiting.set(tile, waiting);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  /** Sends the batch once (the timer may fire after it was sent because it was full). */
  private run(key: string, batch: Forming): void {
    if (this.forming.get(key) !== batch) return;
    this.forming.delete(key);
    const { waiting, ...read } = batch;
    this.query(read).then(
      (found) => {
        for (const [tile, callers] of waiting) for (const c of callers) c.resolve(found.get(tile) ?? null);
      },
      (error: unknown) => {
        for (const callers of waiting.values()) for (const c of callers) c.reject(error);
      },
    );
  }
}

const fits = (batch: Forming, x: number, y: number) =>
  (batch.xs.length + (batch.xs.includes(x) ? 0 : 1)) * (batch.ys.length + (batch.ys.includes(y) ? 0 : 1)) <=
  MAX_ROWS;
