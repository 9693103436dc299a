import type { StubTable } from '@tilestack/bigquery-stub';
import { describe, expect, it } from 'vitest';
import { stableDatasetPermissions } from '../src/permissions.js';
import {
  buildings,
  copyJobs,
  DEST_ID,
  destRef,
  destTable,
  destTables,
  mutatingRequests,
  rollback,
  runCli,
  SOURCE_ID,
  sourceRef,
  status,
  sync,
  tableIds,
  useStub,
} from './support.js';

const stub = useStub((s) => {
  s.model.updateTable(sourceRef, {
    labels: { carto_tileset: 'true' },
    description: 'CARTO buildings',
    rangePartitioning: { field: 'id', range: { start: '0', end: '100', interval: '10' } },
    clustering: { fields: ['kind'] },
  });
  // The stable dataset as the IaC creates it, with only the IaC's custom role granted on it.
  s.model.addDataset({ projectId: destRef.projectId, datasetId: destRef.datasetId, location: 'US' });
  s.model.grantOnly(`${destRef.projectId}.${destRef.datasetId}`, stableDatasetPermissions);
});

const dest = () => destTable(stub());
const change = (rows: number, kind: string, patch: Partial<StubTable> = {}) =>
  stub().model.updateTable(sourceRef, { rows: buildings(rows, kind), ...patch });
const ok = async (run: Promise<object>) => expect(await run).toMatchObject({ code: 0 }); // failures show stderr

it("with the IaC's role only: sync → sync (changed source) → rollback → sync", async () => {
  await ok(sync(stub()));
  const [toStaging, publish] = copyJobs(stub());
  expect(toStaging).toMatchObject({ sourceTables: [sourceRef], writeDisposition: 'WRITE_EMPTY' });
  expect(toStaging.destinationTable.tableId).toMatch(/^osm_buildings__staging_\d+$/);
  expect(publish).toMatchObject({ sourceTables: [toStaging.destinationTable], destinationTable: destRef });
  expect(publish.writeDisposition).toBe('WRITE_TRUNCATE');
  const v1 = stub().model.getTable(sourceRef)?.lastModifiedTime;
  expect([dest().rows, dest().expirationTime]).toEqual([buildings(5, 'v1'), undefined]);
  expect(dest().labels).toMatchObject({
    'stable-copy-source': 'carto-demo-data_demo_tilesets_osm_buildings',
    'stable-copy-source-modified': String(v1),
    'stable-copy-rows': '5',
    'stable-copy-verification': 'metadata',
    'stable-copy-schema': expect.stringMatching(/^[0-9a-f]{16}$/),
  });
  stub().clearRequests();
  const again = await runCli(stub(), ['sync', '--source', SOURCE_ID, '--dest', DEST_ID]);
  expect(again.stdout).toMatch(/^command: sync\n(.+\n)*outcome: up-to-date\n/); // the text form of the result
  expect(mutatingRequests(stub())).toEqual([]);
  // Nothing to roll back to yet, and no such snapshot: refused (exit 3).
  expect([(await rollback(stub())).code, (await rollback(stub(), '--to', 'nope')).code]).toEqual([3, 3]);

  change(3, 'v2');
  await ok(sync(stub(), '--verify', 'full', '--snapshot-retention-days', '7'));
  expect(dest().rows).toEqual(buildings(3, 'v2'));
  expect(dest().labels['stable-copy-verification']).toBe('full');
  const [v1Snapshot, ...more] = destTables(stub()).filter((t) => t.type === 'SNAPSHOT');
  expect([v1Snapshot?.rows, more]).toEqual([buildings(5, 'v1'), []]);
  expect(v1Snapshot?.tableId).toMatch(/^osm_buildings__snapshot_\d{8}_\d{6}_\d{3}$/);
  expect(v1Snapshot?.snapshotDefinition?.baseTableReference).toEqual(destRef);
  const days = ((v1Snapshot?.expirationTime ?? 0) - Date.now()) / 86_400_000;
  expect(days > 6.9 && days <= 7).toBe(true);
  const synced = (await status(stub())).json;
  expect([synced.published.rows, synced.snapshots[0].provenance.sourceLastModified]).toEqual([3, v1]);
  expect(synced.behind).toMatchObject({ source: SOURCE_ID, upToDate: true, lagMs: 0 });
  expect((await rollback(stub(), '--dry-run')).json.snapshot.tableId).toBe(v1Snapshot?.tableId);
  expect(dest().rows[0]?.kind).toBe('v2');

  stub().clearRequests();
  const back = await rollback(stub());
  expect(back.code, back.stderr).toBe(0);
  expect(dest().rows).toEqual(buildings(5, 'v1'));
  const restore = copyJobs(stub()).find((c) => c.operationType === 'RESTORE');
  expect(restore).toMatchObject({ writeDisposition: 'WRITE_TRUNCATE', destinationTable: destRef });
  expect(restore.sourceTables[0].tableId).toBe(v1Snapshot?.tableId);
  expect(dest().labels).toMatchObject({
    'stable-copy-restored-from': `tilestack-prod_tilestack_stable_${v1Snapshot?.tableId}`.slice(0, 63),
    'stable-copy-source-modified': String(v1),
  });
  // The replaced (v2) version is itself kept, so the rollback can be undone.
  const kept = stub().model.getTable({ ...destRef, tableId: back.json.keptCurrentAs.split('.')[2] });
  expect([kept?.type, kept?.rows[0]?.kind]).toEqual(['SNAPSHOT', 'v2']);
  const report = (await status(stub())).json;
  expect([report.published.restoredFrom, report.snapshots.length]).toEqual([back.json.snapshot.id, 2]);
  expect(report.behind).toMatchObject({ upToDate: false, rowsDifference: -2 });

  await ok(sync(stub()));
  expect(dest().rows).toEqual(buildings(3, 'v2'));
  expect(dest().labels).toMatchObject({ carto_tileset: 'true', 'stable-copy-rows': '3' });
  expect(dest().description).toMatch(/^CARTO buildings\nStable copy of/);
  expect(tableIds(stub()).filter((id) => !id.includes('__snapshot_'))).toEqual(['osm_buildings']);
});

it('a source with another partition range publishes through a new table; rollback restores the old layout', async () => {
  await ok(sync(stub()));
  const newRange = { field: 'id', range: { start: '0', end: '1000', interval: '100' } };
  change(4, 'v2', { rangePartitioning: newRange });
  // The plan says what will happen: the layouts, old → new, and the statement that replaces the table.
  const { steps } = (await sync(stub(), '--dry-run')).json.plan;
  expect(steps.find((s: { step: string }) => s.step === 'publish').description).toMatch(
    /GENERATE_ARRAY\(0, 100, 10\)\) CLUSTER BY kind → .*GENERATE_ARRAY\(0, 1000, 100\).*CREATE OR REPLACE TABLE/,
  );
  const run = await sync(stub());
  expect([run.code, run.json.publish.method]).toEqual([0, 'replace']);
  expect([dest().rangePartitioning, dest().rows]).toEqual([newRange, buildings(4, 'v2')]);
  expect(dest().labels).toMatchObject({ carto_tileset: 'true', 'stable-copy-rows': '4' });
  expect(dest().labels['stable-copy-pending']).toBeUndefined();
  await ok(rollback(stub()));
  expect([dest().rangePartitioning?.range.end, dest().rows]).toEqual(['100', buildings(5, 'v1')]);
  expect(dest().labels.carto_tileset).toBe('true');
});

describe('tampering with the copy is caught: exit 4, destination untouched, staging and lock dropped', () => {
  const full = ['--verify', 'full'];
  const range = (end: number) => ({ field: 'id', range: { start: '0', end: String(end), interval: '10' } });
  const cases: [string, string[], (t: StubTable) => void, RegExp][] = [
    [
      'duplicate rows that cancel out in a XOR ({A, A, B} for {B, C, C})',
      full,
      (t) => {
        const a = { id: 9, height: 1, kind: 'a', blob: Buffer.from('a') };
        t.rows = [a, a, t.rows[0] ?? {}].map((r) => ({ ...r }));
      },
      /content fingerprint (-?\d+):-?\d+ ≠ source \1:-?\d+/, // the XORs agree, the sums do not
    ],
    [
      'one changed BYTES cell',
      full,
      (t) => Object.assign(t.rows[1] ?? {}, { blob: Buffer.from('x') }),
      /content/,
    ],
    [
      'a different partition range',
      [],
      (t) => Object.assign(t, { rangePartitioning: range(50) }),
      /partitioning/,
    ],
    ['a missing label', [], (t) => Object.assign(t, { labels: {} }), /labels/],
  ];
  it.each(cases)('%s', async (_name, flags, edit, message) => {
    const blobs = (kind: string) =>
      buildings(3, kind).map((r, i) => ({ ...r, blob: Buffer.from(`cell ${i}`) }));
    const schema = [...(stub().model.getTable(sourceRef)?.schema ?? []), { name: 'blob', type: 'BYTES' }];
    stub().model.updateTable(sourceRef, { schema, rows: blobs('v1'), numBytes: 1000 });
    await ok(sync(stub()));
    // {B, C, C}: a source whose XOR equals the tampered copy's.
    const [, b, c] = blobs('v2');
    stub().model.updateTable(sourceRef, { rows: [b, c, c].map((r) => ({ ...r })) });
    const before = JSON.stringify(dest());
    // Changes the staging table the first time the tool reads it back after the copy.
    stub().inject({
      route: 'tables.get',
      times: 1,
      match: (r) => {
        const staging =
          r.pathParams.tableId?.includes('__staging_') && stub().model.getTable(r.pathParams as never);
        if (staging) edit(staging);
        return false;
      },
    });
    const run = await sync(stub(), ...flags);
    expect([run.code, run.json.outcome], run.stderr).toEqual([4, 'failed']);
    expect(run.stderr).toMatch(message);
    expect(JSON.stringify(dest())).toBe(before);
    expect(tableIds(stub())).toEqual(['osm_buildings']);
  });
});

it('runs are serialised by a lock table: a second concurrent run exits 6 naming the holder', async () => {
  stub().inject({ route: 'jobs.insert', times: 1, delayMs: 300 });
  const [a, b] = await Promise.all([sync(stub()), sync(stub())]);
  expect([a.code, b.code].sort()).toEqual([0, 6]);
  expect((a.code === 6 ? a : b).stderr).toMatch(/pid \d+ .*osm_buildings__lock/); // the holder
  expect(stub().requestsTo('jobs.insert')).toHaveLength(2); // one copy to staging, one publish
  expect(tableIds(stub())).toEqual(['osm_buildings']);
});
