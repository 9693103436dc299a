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
// the replaced version is still restorable, and the next run repairs everything.

const v1 = buildings(5, 'v1');
const v2 = buildings(3, 'v2');
let stub: BigQueryStub;
afterEach(() => stub?.close());

/**
 * A destination holding v1, the source at v2 (`layout`: clustered, unlike the destination);
 * `forward`: v2 published too, v1 kept as a snapshot.
 */
async function prepared(mode: 'first' | 'sync' | 'layout' | 'forward'): Promise<BigQueryStub> {
  const s = await startStub(v1);
  if (mode !== 'first') expect((await sync(s)).code).toBe(0);
  s.model.updateTable(sourceRef, {
    rows: v2,
    ...(mode === 'layout' ? { clustering: { fields: ['kind'] } } : {}),
  });
  if (mode === 'forward') expect((await sync(s)).code).toBe(0);
  s.clearRequests();
  return s;
}

const snapshotsHolding = (rows: object[]) =>
  destTables(stub).filter((t) => t.type === 'SNAPSHOT' && rowsOf(t) === JSON.stringify(rows));

async function failEachRequest(
  mode: Parameters<typeof prepared>[0],
  act: () => Promise<{ code: number; stderr: string }>,
  check: (failedAt: string) => Promise<void>,
) {
  stub = await prepared(mode);
  await act();
  const count = stub.requests.length;
  await stub.close();
  for (let k = 0; k < count; k++) {
    stub = await prepared(mode);
    let seen = 0;
    stub.inject({ match: () => seen++ === k, error: 'invalid', times: 1 });
    await act();
    const failedAt = `request ${k} (${stub.requests[k]?.route} ${stub.requests[k]?.pathParams.tableId ?? ''})`;
    const dest = stub.model.getTable(destRef);
    if (dest) {
      expect([JSON.stringify(v1), JSON.stringify(v2)], failedAt).toContain(rowsOf(dest));
      const report = await status(stub);
      expect(report.code, failedAt).toBe(0);
      // The provenance describes the rows held, or status says a publish went unrecorded (or a first one stopped).
      const { published, interrupted } = report.json;
      if (published) expect(published.rows, failedAt).toBe(dest.rows.length);
      else expect(interrupted?.published || mode === 'first', failedAt).toBe(true);
    } else expect(mode, failedAt).toBe('first');
    await check(failedAt);
    await stub.close();
  }
}

it.each([
  ['first sync', 'first'],
  ['sync', 'sync'],
  ['sync publishing a new layout', 'layout'],
] as const)(
  '%s: a failure at any request publishes nothing half and the next sync repairs',
  async (_, mode) => {
    await failEachRequest(
      mode,
      () => sync(stub),
      async (failedAt) => {
        const dest = stub.model.getTable(destRef);
        if (mode !== 'first' && rowsOf(dest) !== JSON.stringify(v1))
          expect(snapshotsHolding(v1), failedAt).toHaveLength(1);
        // Only a failed release leaves the lock (6 h expiry); let it expire.
        stub.model.deleteTable({ ...destRef, tableId: 'osm_buildings__lock' });
        const repaired = await sync(stub);
        expect(repaired.code, `${failedAt}: ${repaired.stderr}`).toBe(0);
        const after = stub.model.getTable(destRef);
        expect(rowsOf(after), failedAt).toBe(JSON.stringify(v2));
        expect(after?.labels, failedAt).toMatchObject({ 'stable-copy-rows': '3' });
        expect(after?.labels['stable-copy-pending'], failedAt).toBeUndefined();
        const left = destTables(stub).filter((t) => t.tableId.includes('__staging_'));
        expect(
          left.every((t) => t.expirationTime !== undefined),
          failedAt,
        ).toBe(true);
      },
    );
  },
);

it('rollback: a failure at any request leaves both versions restorable', async () => {
  await failEachRequest(
    'forward',
    () => rollback(stub),
    async (failedAt) => {
      const held = rowsOf(stub.model.getTable(destRef));
      const other = held === JSON.stringify(v1) ? v2 : v1;
      expect(snapshotsHolding(other).length, failedAt).toBeGreaterThan(0);
    },
  );
});
