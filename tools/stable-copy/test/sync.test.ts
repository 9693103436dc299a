import { type BigQueryStub, tableFingerprintHandler } from '@tilestack/bigquery-stub';
import { describe, expect, it } from 'vitest';
import {
  buildings,
  copyJobs,
  DEST_ID,
  destRef,
  destTable,
  destTables,
  mutatingRequests,
  runCli,
  SOURCE_ID,
  sourceRef,
  status,
  sync,
  tableIds,
  useStub,
} from './support.js';

const stub = useStub();
const change = (rows: number, kind = 'v2') =>
  stub().model.updateTable(sourceRef, { rows: buildings(rows, kind) });

describe('sync', () => {
  it('first sync: dataset in the source location, staging copy, verified publish with provenance; rerun does nothing', async () => {
    const run = await sync(stub());
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ outcome: 'published', verification: { level: 'metadata' } });
    expect(stub().model.getDataset(destRef.projectId, destRef.datasetId)).toMatchObject({
      location: 'US',
      labels: { 'managed-by': 'stable-copy' },
    });
    const [toStaging, publish] = copyJobs(stub());
    expect(toStaging.sourceTables[0]).toEqual(sourceRef);
    expect(toStaging.destinationTable.tableId).toMatch(/^osm_buildings__staging_\d+$/);
    expect(publish).toMatchObject({ sourceTables: [toStaging.destinationTable], destinationTable: destRef });
    expect(publish.writeDisposition).toBe('WRITE_TRUNCATE');
    expect(tableIds(stub())).toEqual(['osm_buildings']);
    const source = stub().model.getTable(sourceRef);
    expect(destTable(stub()).rows).toEqual(source?.rows);
    expect(destTable(stub()).expirationTime).toBeUndefined();
    expect(destTable(stub()).labels).toMatchObject({
      'stable-copy-source': 'carto-demo-data_demo_tilesets_osm_buildings',
      'stable-copy-source-modified': String(source?.lastModifiedTime),
      'stable-copy-rows': '5',
      'stable-copy-tool-version': '1_0_0',
      'stable-copy-verification': 'metadata',
      'stable-copy-schema': expect.stringMatching(/^[0-9a-f]{16}$/),
      'stable-copy-bytes': expect.stringMatching(/^\d+$/),
      'stable-copy-copied-at': expect.stringMatching(/^\d+$/),
    });

    stub().clearRequests();
    expect((await sync(stub())).json.outcome).toBe('up-to-date');
    expect(mutatingRequests(stub())).toEqual([]);
  });

  it('source changed: the previous version becomes a dated snapshot; status reports both and the lag', async () => {
    expect((await sync(stub())).code).toBe(0);
    const firstVersion = stub().model.getTable(sourceRef)?.lastModifiedTime;
    change(8);
    expect((await sync(stub(), '--snapshot-retention-days', '7')).code).toBe(0);
    expect(destTable(stub()).rows).toHaveLength(8);
    const [snapshot, ...more] = destTables(stub()).filter((t) => t.type === 'SNAPSHOT');
    expect(more).toEqual([]);
    expect(snapshot?.tableId).toMatch(/^osm_buildings__snapshot_\d{8}_\d{6}_\d{3}$/);
    expect(snapshot?.rows).toHaveLength(5);
    expect(snapshot?.snapshotDefinition?.baseTableReference).toEqual(destRef);
    const days = ((snapshot?.expirationTime ?? 0) - Date.now()) / 86_400_000;
    expect(days > 6.9 && days <= 7).toBe(true);

    const report = (await status(stub())).json;
    expect(report.published.rows).toBe(8);
    expect(
      report.snapshots.map(
        (s: { provenance: { sourceLastModified: number } }) => s.provenance.sourceLastModified,
      ),
    ).toEqual([firstVersion]);
    expect(report.behind).toMatchObject({ source: SOURCE_ID, upToDate: true, lagMs: 0 });
    change(9);
    expect((await status(stub())).json.behind).toMatchObject({ upToDate: false, rowsDifference: 1 });
  });

  it('--verify full fingerprints staging and the source as of the copy, dry-run first, under --max-bytes', async () => {
    const run = await sync(stub(), '--verify', 'full', '--max-bytes', String(100 * 1024 * 1024));
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.verification.contentFingerprint).toMatch(/^-?\d+:-?\d+$/);
    const asOf = stub()
      .requestsTo('jobs.query')
      .filter((r) => r.body.query.includes('FOR SYSTEM_TIME AS OF'));
    expect(asOf.map((r) => r.body.dryRun === true)).toEqual([true, false]);
    expect(asOf[1]?.body.maximumBytesBilled).toBe(String(100 * 1024 * 1024));
    const asOfMs = Number(asOf[1]?.body.queryParameters[0].parameterValue.value);
    expect(asOfMs).toBeGreaterThanOrEqual(stub().requestsTo('jobs.insert')[0]?.receivedAt ?? 0);
    expect(destTable(stub()).labels['stable-copy-verification']).toBe('full');
  });

  it('a fingerprint mismatch: exit 4, destination unchanged, no snapshot, staging and lock dropped', async () => {
    expect((await sync(stub())).code).toBe(0);
    const before = structuredClone(destTable(stub()));
    change(6);
    // The source, read as of the copy, answers a different fingerprint than the staging copy.
    const schema = ['row_count', 'content_xor', 'content_sum'].map((name) => ({ name, type: 'INTEGER' }));
    stub().setQueryHandlers(({ query }) =>
      query.includes('FOR SYSTEM_TIME AS OF')
        ? { schema, rows: [{ row_count: 6, content_xor: 42n, content_sum: 42n }], bytesProcessed: 1000 }
        : undefined,
    );
    stub().onQuery(tableFingerprintHandler);
    stub().clearRequests();
    const run = await sync(stub(), '--verify', 'full');
    expect([run.code, run.json.outcome]).toEqual([4, 'failed']);
    expect(destTable(stub())).toEqual(before);
    expect(tableIds(stub())).toEqual(['osm_buildings']);
    expect(
      stub()
        .requestsTo('tables.delete')
        .map((r) => r.pathParams.tableId),
    ).toEqual([expect.stringMatching(/__staging_\d+$/), 'osm_buildings__lock']);
  });

  it('metadata verification of a source changed during the copy: exit 4, nothing published', async () => {
    let reads = 0;
    stub().inject({
      route: 'tables.get',
      match: (r) => {
        const table = stub().model.getTable(sourceRef);
        if (r.pathParams.projectId === sourceRef.projectId && ++reads === 2 && table)
          Object.assign(table, { rows: buildings(6), lastModifiedTime: Date.now() + 1000 });
        return false;
      },
    });
    expect((await sync(stub())).code).toBe(4);
    expect(destTable(stub())).toBeUndefined();
  });

  it('--max-bytes below the verification scan: exit 5 before anything is billed', async () => {
    expect((await sync(stub(), '--verify', 'full', '--max-bytes', '10')).code).toBe(5);
    expect(
      stub()
        .requestsTo('jobs.query')
        .every((r) => r.body.dryRun),
    ).toBe(true);
    expect(destTables(stub())).toEqual([]);
  });

  it('--dry-run prints the plan and its costs, and changes nothing', async () => {
    const run = await sync(stub(), '--dry-run', '--verify', 'full');
    const steps = (r: typeof run) => r.json.plan.steps.map((s: { step: string }) => s.step);
    expect(steps(run)).toEqual([
      'create-dataset',
      'copy-to-staging',
      'verify',
      'publish',
      'record-provenance',
      'drop-staging',
    ]);
    expect(run.json.plan.verificationBytes).toBeGreaterThan(0);
    expect(mutatingRequests(stub())).toEqual([]);
    expect(stub().model.getDataset(destRef.projectId, destRef.datasetId)).toBeUndefined();
    expect((await sync(stub())).code).toBe(0);
    change(7);
    stub().clearRequests();
    expect(steps(await sync(stub(), '--dry-run'))).toContain('snapshot-previous');
    expect(mutatingRequests(stub())).toEqual([]);
  });
});

describe('preflight refusals: exit 3 naming the cause, nothing created', () => {
  const cases: [string, (s: BigQueryStub) => void, string, string[]?][] = [
    [
      'source not found',
      () => {},
      'demo_tilesets.missing',
      ['--source', 'carto-demo-data.demo_tilesets.missing'],
    ],
    [
      'tables.get denied on the source',
      (s) => s.inject({ route: 'tables.get', error: 'accessDenied', times: 1 }),
      'bigquery.tables.get',
    ],
    [
      'getData missing on the source',
      (s) => s.model.denyPermission(SOURCE_ID, 'bigquery.tables.getData'),
      'bigquery.tables.getData',
    ],
    [
      'destination dataset in another location',
      (s) =>
        s.model.addDataset({ projectId: destRef.projectId, datasetId: destRef.datasetId, location: 'EU' }),
      'EU',
    ],
  ];
  it.each(cases)('%s', async (_, setup, named, args = []) => {
    setup(stub());
    const run = await runCli(stub(), ['sync', '--source', SOURCE_ID, '--dest', DEST_ID, ...args]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(named);
    expect(mutatingRequests(stub())).toEqual([]);
    expect(destTables(stub())).toEqual([]);
  });

  it('a permission missing on an existing destination', async () => {
    expect((await sync(stub())).code).toBe(0);
    change(2);
    stub().model.denyPermission(DEST_ID, 'bigquery.tables.createSnapshot');
    stub().clearRequests();
    const run = await sync(stub());
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('bigquery.tables.createSnapshot');
    expect(mutatingRequests(stub())).toEqual([]);
  });
});

it.each([
  [['sync', '--dest', DEST_ID]],
  [['sync', '--source', SOURCE_ID, '--dest', DEST_ID, '--verify', 'some']],
  [['sync', '--source', 'not an id', '--dest', DEST_ID]],
  [['sync', '--bogus']],
  [['extract', '--tileset', SOURCE_ID, '--bbox', '1,2,3', '--max-zoom', '3', '--out', 'x']],
  [['rollback']],
])('usage error (exit 2) before any request: %j', async (args) => {
  expect((await runCli(stub(), args)).code).toBe(2);
  expect(stub().requests).toEqual([]);
});

it.each(['sync', 'status', 'rollback', 'extract'])('%s --help', async (command) => {
  const run = await runCli(stub(), [command, '--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(new RegExp(`^Usage: stable-copy ${command} `));
  expect(stub().requests).toEqual([]);
});
