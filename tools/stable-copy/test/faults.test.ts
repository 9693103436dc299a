import type { BigQueryStub } from '@tilestack/bigquery-stub';
import { afterEach, expect, it } from 'vitest';
import {
  buildings,
  destRef,
  destTables,
  rollback,
  rowsOf,
  sourceRef,
  startStub,
  status,
  sync,
} from './support.js';

// Every request of a run fails in turn (once, with an error the client does not retry). After
// each failure the destination holds one whole version, `status` says truthfully what it holds,
// the replaced version is still restorable, and the next sync repairs everything.
const [v1, v2] = [buildings(5, 'v1'), buildings(3, 'v2')];
const [V1, V2] = [v1, v2].map((rows) => JSON.stringify(rows));
let stub: BigQueryStub;
afterEach(() => stub?.close());

/**
 * A destination holding v1 (none for `first`), the source at v2 (`layout`: clustered, unlike the
 * destination); `rollback`: v2 published too, v1 kept as a snapshot.
 */
async function prepared(mode: string): Promise<BigQueryStub> {
  const s = await startStub(v1);
  if (mode !== 'first') expect((await sync(s)).code).toBe(0);
  s.model.updateTable(sourceRef, {
    rows: v2,
    ...(mode === 'layout' ? { clustering: { fields: ['kind'] } } : {}),
  });
  if (mode === 'rollback') expect((await sync(s)).code).toBe(0);
  s.clearRequests();
  return s;
}

it.each(['first', 'sync', 'layout', 'rollback'])(
  '%s: a failure at any request loses and half-publishes nothing',
  async (mode) => {
    const act = () => (mode === 'rollback' ? rollback(stub) : sync(stub));
    stub = await prepared(mode);
    await act();
    const count = stub.requests.length;
    await stub.close();
    for (let k = 0; k < count; k++) {
      stub = await prepared(mode);
      let seen = 0;
      stub.inject({ match: () => seen++ === k, error: 'invalid', times: 1 });
      await act();
      const at = `request ${k} (${stub.requests[k]?.route} ${stub.requests[k]?.pathParams.tableId ?? ''})`;
      const dest = stub.model.getTable(destRef);
      expect(mode === 'first' ? [undefined, V2] : [V1, V2], at).toContain(dest && rowsOf(dest));
      if (dest) {
        const report = await status(stub);
        expect(report.code, at).toBe(0);
        // The provenance describes the rows held, or status says a publish went unrecorded (or a first one stopped).
        const { published, interrupted } = report.json;
        if (published) expect(published.rows, at).toBe(dest.rows.length);
        else expect(interrupted?.published || mode === 'first', at).toBe(true);
        // The version replaced stays restorable.
        const start = mode === 'rollback' ? V2 : V1;
        const kept = destTables(stub).filter((t) => t.type === 'SNAPSHOT' && rowsOf(t) === start);
        if (mode !== 'first' && rowsOf(dest) !== start) expect(kept, at).toHaveLength(1);
      }
      if (mode === 'rollback') continue;
      // Only a failed release leaves the lock (6 h expiry); let it expire.
      stub.model.deleteTable({ ...destRef, tableId: 'osm_buildings__lock' });
      const repaired = await sync(stub);
      expect(repaired.code, `${at}: ${repaired.stderr}`).toBe(0);
      const after = stub.model.getTable(destRef);
      expect(rowsOf(after), at).toBe(V2);
      const labels = after?.labels ?? {};
      expect([labels['stable-copy-rows'], labels['stable-copy-pending']], at).toEqual(['3', undefined]);
      const staging = destTables(stub).filter((t) => t.tableId.includes('__staging_'));
      expect(
        staging.every((t) => t.expirationTime !== undefined),
        at,
      ).toBe(true);
    }
  },
);
