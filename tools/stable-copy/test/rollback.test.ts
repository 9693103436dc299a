import type { BigQueryStub } from '@tilestack/bigquery-stub';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  buildings,
  copyJobs,
  DEST_ID,
  destRef,
  destTables,
  runCli,
  sourceRef,
  startStub,
  sync,
} from './support.js';

let stub: BigQueryStub;
beforeEach(async () => {
  stub = await startStub(buildings(5, 'v1'));
});
afterEach(() => stub.close());

it('rollback restores the previous snapshot atomically, keeps the replaced version, and records it', async () => {
  expect((await sync(stub)).code).toBe(0);
  const v1 = stub.model.getTable(sourceRef)?.lastModifiedTime;
  stub.model.updateTable(sourceRef, { rows: buildings(3, 'v2') });
  expect((await sync(stub)).code).toBe(0);
  expect(stub.model.getTable(destRef)?.rows[0]?.kind).toBe('v2');
  const [v1Snapshot] = destTables(stub).filter((t) => t.type === 'SNAPSHOT');

  const dry = await runCli(stub, ['rollback', '--dest', DEST_ID, '--dry-run', '--json']);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.json.snapshot.tableId).toBe(v1Snapshot?.tableId);
  expect(stub.model.getTable(destRef)?.rows[0]?.kind).toBe('v2');

  stub.clearRequests();
  const run = await runCli(stub, ['rollback', '--dest', DEST_ID, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const dest = stub.model.getTable(destRef);
  expect(dest?.rows).toEqual(buildings(5, 'v1'));
  const restore = copyJobs(stub)
    .map((r) => r.body.configuration.copy)
    .find((c) => c.operationType === 'RESTORE');
  expect(restore).toMatchObject({ writeDisposition: 'WRITE_TRUNCATE', destinationTable: destRef });
  expect(restore.sourceTables[0].tableId).toBe(v1Snapshot?.tableId);
  expect(dest?.labels['stable-copy-restored-from']).toBe(
    `tilestack-prod_tilestack_stable_${v1Snapshot?.tableId}`.slice(0, 63),
  );
  expect(dest?.labels['stable-copy-source-modified']).toBe(String(v1));
  expect(dest?.description).toContain(`restored from snapshot ${run.json.snapshot.id}`);
  // the replaced (v2) version is itself kept, so the rollback can be undone
  const kept = stub.model.getTable({ ...destRef, tableId: run.json.keptCurrentAs.split('.')[2] });
  expect(kept?.type).toBe('SNAPSHOT');
  expect(kept?.rows[0]?.kind).toBe('v2');

  const status = await runCli(stub, ['status', '--dest', DEST_ID, '--json']);
  expect(status.json.published.restoredFrom).toBe(run.json.snapshot.id);
  expect(status.json.snapshots).toHaveLength(2);
  expect(status.json.behind.upToDate).toBe(false);
});

it('rollback --to an unknown snapshot lists the available ones (exit 3)', async () => {
  expect((await sync(stub)).code).toBe(0);
  const run = await runCli(stub, ['rollback', '--dest', DEST_ID, '--to', 'nope']);
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('No snapshot tilestack-prod.tilestack_stable.nope');
  const none = await runCli(stub, ['rollback', '--dest', DEST_ID]);
  expect(none.code).toBe(3);
  expect(none.stderr).toContain('No snapshot of');
});

it('every command has --help', async () => {
  for (const command of ['sync', 'status', 'rollback', 'extract']) {
    const run = await runCli(stub, [command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: stable-copy ${command} `));
    expect(run.stdout).toContain('Exit codes:');
  }
  const top = await runCli(stub, ['--help']);
  expect(top.code).toBe(0);
  expect(top.stdout).toContain('rollback');
  expect(stub.requests).toEqual([]);
});
