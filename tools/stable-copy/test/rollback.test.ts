import { expect, it } from 'vitest';
import {
  buildings,
  copyJobs,
  destRef,
  destTable,
  destTables,
  rollback,
  sourceRef,
  status,
  sync,
  useStub,
} from './support.js';

const stub = useStub();

it('restores the previous snapshot atomically, keeps the replaced version, and records it', async () => {
  expect((await sync(stub())).code).toBe(0);
  const v1 = stub().model.getTable(sourceRef)?.lastModifiedTime;
  stub().model.updateTable(sourceRef, { rows: buildings(3, 'v2') });
  expect((await sync(stub())).code).toBe(0);
  const [v1Snapshot] = destTables(stub()).filter((t) => t.type === 'SNAPSHOT');
  const dry = await rollback(stub(), '--dry-run');
  expect(dry.json.snapshot.tableId).toBe(v1Snapshot?.tableId);
  expect(destTable(stub()).rows[0]?.kind).toBe('v2');

  stub().clearRequests();
  const run = await rollback(stub());
  expect(run.code, run.stderr).toBe(0);
  expect(destTable(stub()).rows).toEqual(buildings(5, 'v1'));
  const restore = copyJobs(stub()).find((c) => c.operationType === 'RESTORE');
  expect(restore).toMatchObject({ writeDisposition: 'WRITE_TRUNCATE', destinationTable: destRef });
  expect(restore.sourceTables[0].tableId).toBe(v1Snapshot?.tableId);
  expect(destTable(stub()).labels).toMatchObject({
    'stable-copy-restored-from': `tilestack-prod_tilestack_stable_${v1Snapshot?.tableId}`.slice(0, 63),
    'stable-copy-source-modified': String(v1),
  });
  // The replaced (v2) version is itself kept, so the rollback can be undone.
  const kept = stub().model.getTable({ ...destRef, tableId: run.json.keptCurrentAs.split('.')[2] });
  expect([kept?.type, kept?.rows[0]?.kind]).toEqual(['SNAPSHOT', 'v2']);
  const report = (await status(stub())).json;
  expect(report.published.restoredFrom).toBe(run.json.snapshot.id);
  expect(report.snapshots).toHaveLength(2);
  expect(report.behind.upToDate).toBe(false);
});

it('refuses (exit 3) an unknown --to, or when no snapshot holds another version', async () => {
  expect((await sync(stub())).code).toBe(0);
  expect((await rollback(stub(), '--to', 'nope')).code).toBe(3);
  expect((await rollback(stub())).code).toBe(3);
});
