import type { StubTable } from '@tilestack/bigquery-stub';
import { describe, expect, it } from 'vitest';
import { stableDatasetPermissions } from '../src/permissions.js';
import {
  buildings,
  destRef,
  destTable,
  mutatingRequests,
  rollback,
  sourceRef,
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

describe("with the IaC's role only", () => {
  it('sync → sync (changed source) → rollback → sync', async () => {
    expect((await sync(stub())).code).toBe(0);
    change(3, 'v2');
    const second = await sync(stub(), '--verify', 'full');
    expect(second.code, second.stderr).toBe(0);
    expect(dest().rows).toEqual(buildings(3, 'v2'));
    const back = await rollback(stub());
    expect(back.code, back.stderr).toBe(0);
    expect(dest().rows).toEqual(buildings(5, 'v1'));
    const again = await sync(stub());
    expect(again.code, again.stderr).toBe(0);
    expect(dest().rows).toEqual(buildings(3, 'v2'));
    expect(dest().labels).toMatchObject({ carto_tileset: 'true', 'stable-copy-rows': '3' });
    expect(dest().description).toMatch(/^CARTO buildings\nStable copy of/);
    expect(tableIds(stub()).filter((id) => !id.includes('__snapshot_'))).toEqual(['osm_buildings']);
  });

  it('roles/bigquery.dataEditor is refused by preflight: it cannot create expiring snapshots', async () => {
    expect((await sync(stub())).code).toBe(0);
    stub().model.grantOnly(
      `${destRef.projectId}.${destRef.datasetId}`,
      stableDatasetPermissions.filter((p) => !/Snapshot$/.test(p) || p.endsWith('createSnapshot')),
    );
    change(3, 'v2');
    const before = structuredClone(dest());
    const run = await sync(stub());
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('bigquery.tables.deleteSnapshot');
    expect(dest()).toEqual(before);
  });
});

it('a source with another partition range publishes through a new table; rollback restores the old layout', async () => {
  expect((await sync(stub())).code).toBe(0);
  const newRange = { field: 'id', range: { start: '0', end: '1000', interval: '100' } };
  change(4, 'v2', { rangePartitioning: newRange });
  const dry = await sync(stub(), '--dry-run');
  // The plan says what will happen: the layouts, old → new, and the statement that replaces the table.
  expect(dry.json.plan.steps.find((s: { step: string }) => s.step === 'publish').description).toMatch(
    /GENERATE_ARRAY\(0, 100, 10\)\) CLUSTER BY kind → .*GENERATE_ARRAY\(0, 1000, 100\).*CREATE OR REPLACE TABLE/,
  );
  const run = await sync(stub());
  expect(run.code, run.stderr).toBe(0);
  expect(run.json.publish.method).toBe('replace');
  expect(dest().rangePartitioning).toEqual(newRange);
  expect(dest().rows).toEqual(buildings(4, 'v2'));
  expect(dest().labels).toMatchObject({ carto_tileset: 'true', 'stable-copy-rows': '4' });
  expect(dest().labels['stable-copy-pending']).toBeUndefined();
  const back = await rollback(stub());
  expect(back.code, back.stderr).toBe(0);
  expect(dest().rangePartitioning?.range.end).toBe('100');
  expect(dest().rows).toEqual(buildings(5, 'v1'));
  expect(dest().labels.carto_tileset).toBe('true');
});

it('a time-partitioned source with another layout is refused by preflight (exit 3), nothing changed', async () => {
  expect((await sync(stub())).code).toBe(0);
  change(4, 'v2', { rangePartitioning: undefined, timePartitioning: { type: 'DAY' } } as Partial<StubTable>);
  stub().clearRequests();
  const run = await sync(stub(), '--dry-run');
  expect(run.code).toBe(3);
  expect(mutatingRequests(stub())).toEqual([]);
});

describe('tampering with the copy is caught: exit 4, destination untouched', () => {
  /** Changes the staging table the first time the tool reads it back after the copy. */
  const tamper = (edit: (staging: StubTable) => void) =>
    stub().inject({
      route: 'tables.get',
      times: 1,
      match: (r) => {
        const table =
          r.pathParams.tableId?.includes('__staging_') && stub().model.getTable(r.pathParams as never);
        if (table) edit(table);
        return false;
      },
    });
  const cases: [string, string[], (t: StubTable) => void, RegExp][] = [
    [
      'duplicate rows that cancel out in a XOR ({A, A, B} for {B, C, C})',
      ['--verify', 'full'],
      (t) => {
        const a = { id: 9, height: 1, kind: 'a', blob: Buffer.from('a') };
        t.rows = [a, a, t.rows[0] ?? {}].map((r) => ({ ...r }));
      },
      // the XORs agree, the sums do not
      /content fingerprint (-?\d+):-?\d+ ≠ source \1:-?\d+/,
    ],
    [
      'one changed BYTES cell',
      ['--verify', 'full'],
      (t) => {
        (t.rows[1] as { blob: Buffer }).blob = Buffer.from('tampered');
      },
      /content fingerprint/,
    ],
    [
      'a different partition range',
      [],
      (t) => {
        t.rangePartitioning = { field: 'id', range: { start: '0', end: '50', interval: '10' } };
      },
      /partitioning\/clustering/,
    ],
    [
      'a missing label',
      [],
      (t) => {
        t.labels = {};
      },
      /labels \[\] ≠ source \[\["carto_tileset","true"\]\]/,
    ],
  ];
  it.each(cases)('%s', async (_name, flags, edit, message) => {
    const blobs = (kind: string) =>
      buildings(3, kind).map((r, i) => ({ ...r, blob: Buffer.from(`cell ${i}`) }));
    stub().model.updateTable(sourceRef, {
      schema: [...(stub().model.getTable(sourceRef)?.schema ?? []), { name: 'blob', type: 'BYTES' }],
      rows: blobs('v1'),
      numBytes: 1000,
    });
    expect((await sync(stub())).code).toBe(0);
    // {B, C, C}: a source whose XOR equals the tampered copy's.
    const [, b, c] = blobs('v2');
    stub().model.updateTable(sourceRef, { rows: [b, c, c].map((r) => ({ ...r })) });
    const before = JSON.stringify(dest());
    tamper(edit);
    const run = await sync(stub(), ...flags);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(message);
    expect(JSON.stringify(dest())).toBe(before);
    expect(tableIds(stub())).toEqual(['osm_buildings']);
  });
});

describe('runs are serialised by a lock table', () => {
  it('a second concurrent run exits 6 naming the holder; nothing changes twice', async () => {
    stub().inject({ route: 'jobs.insert', times: 1, delayMs: 300 });
    const [a, b] = await Promise.all([sync(stub()), sync(stub())]);
    expect([a.code, b.code].sort()).toEqual([0, 6]);
    const busy = a.code === 6 ? a : b;
    expect(busy.stderr).toMatch(/pid \d+ .*osm_buildings__lock/); // the holder
    expect(stub().requestsTo('jobs.insert')).toHaveLength(2); // one copy to staging, one publish
    expect(tableIds(stub())).toEqual(['osm_buildings']);
  });
});
