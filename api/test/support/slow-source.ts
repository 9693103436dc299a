import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from '../../src/sources/types.js';

/**
 * Wraps a real source and makes every tile and table call take `delayMs` (an upstream like
 * BigQuery takes hundreds of ms), counting the calls that reach it.
 */
export function slowSource(inner: DataSource, delayMs: number) {
  const calls = { tile: 0, table: 0 };
  const source: DataSource = {
    kind: inner.kind,
    getTileset: (id) => inner.getTileset(id),
    getTile: async (...args) => {
      calls.tile++;
      await sleep(delayMs);
      return inner.getTile(...args);
    },
    getTable: async (...args) => {
      calls.table++;
      await sleep(delayMs);
      return inner.getTable(...args);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { source, calls };
}
