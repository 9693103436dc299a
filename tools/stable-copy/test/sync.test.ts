import { type BigQueryStub, tableFingerprintHandler } from '@tilestack/bigquery-stub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildings,
  copyJobs,
  DEST_ID,
  destRef,
  destTables,
  mutatingRequests,
  runCli,
  SOURCE_ID,
  sourceRef,
  startStub,
  sync,
} from './support.js';

let stub: BigQueryStub;
beforeEach(async () => {
  stub = await startStub();
});
afterEach(() => stub.close());

describe('sync', () => {
  it('first sync: creates the dataset in the source location, copies to staging, verifies, publishes with provenance', async () => {
    const run = await sync(stub);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.outcome).toBe('published');
    expect(run.json.verification.level).toBe('metadata');

    const dataset = stub.model.getDataset(destRef.projectId, destRef.datasetId);
    expect(dataset?.location).toBe('US');
    expect(dataset?.labels['managed-by']).toBe('stable-copy');

    const [toStaging, publish] = copyJobs(stub).map((r) => r.body.configuration.copy);
    expect(toStaging.sourceTables[0]).toEqual(sourceRef);
    expect(toStaging.destinationTable.tableId).toMatch(/^osm_buildings__staging_\d+$/);
    expect(publish.sourceTables[0]).toEqual(toStaging.destinationTable);
    expect(publish.destinationTable).toEqual(destRef);
    expect(publish.writeDisposition).toBe('WRITE_TRUNCATE');
    // staging is gone; only the published table remains
    expect(destTables(stub).map((t) => t.tableId)).toEqual(['osm_buildings']);

    const dest = stub.model.getTable(destRef);
    const source = stub.model.getTable(sourceRef);
    expect(dest?.rows).toEqual(source?.rows);
    expect(dest?.expirationTime).toBeUndefined();
    expect(dest?.labels).toMatchObject({
      'stable-copy-source': 'carto-demo-data_demo_tilesets_osm_buildings',
      'stable-copy-source-modified': String(source?.lastModifiedTime),
      'stable-copy-rows': '5',
      'stable-copy-tool-version': '1_0_0',
      'stable-copy-verification': 'metadata',
    });
    expect(dest?.labels['stable-copy-schema']).toMatch(/^[0-9a-f]{16}$/);
    expect(dest?.labels['stable-copy-bytes']).toMatch(/^\d+$/);
    expect(dest?.labels['stable-copy-copied-at']).toMatch(/^\d+$/);
    expect(dest?.description).toContain(`Stable copy of ${SOURCE_ID}`);
    expect(run.stderr).toContain('publishing');
  });

  it('rerun with an unchanged source issues no copy job and says it is up to date', async () => {
    expect((await sync(stub)).code).toBe(0);
    stub.clearRequests();
    const rerun = await sync(stub);
    expect(rerun.code).toBe(0);
    expect(rerun.json.outcome).toBe('up-to-date');
    expect(stub.requestsTo('jobs.insert')).toHaveLength(0);
    expect(mutatingRequests(stub)).toHaveLength(0);
    const human = await runCli(stub, ['sync', '--source', SOURCE_ID, '--dest', DEST_ID]);
    expect(human.stdout).toMatch(/^up to date/);
  });

  it('source changed: keeps the previous version as a dated snapshot, publishes the new one; status reports both', async () => {
    expect((await sync(stub)).code).toBe(0);
    const firstVersion = stub.model.getTable(sourceRef)?.lastModifiedTime;
    stub.model.updateTable(sourceRef, { rows: buildings(8, 'office') });

    const run = await sync(stub, '--snapshot-retention-days', '7');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.outcome).toBe('published');
    expect(stub.model.getTable(destRef)?.rows).toHaveLength(8);

    const snapshots = destTables(stub).filter((t) => t.type === 'SNAPSHOT');
    expect(snapshots).toHaveLength(1);
    const [snapshot] = snapshots;
    expect(snapshot?.tableId).toMatch(/^osm_buildings__snapshot_\d{8}_\d{6}_\d{3}$/);
    expect(snapshot?.rows).toHaveLength(5);
    expect(snapshot?.snapshotDefinition?.baseTableReference).toEqual(destRef);
    const days = ((snapshot?.expirationTime ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const status = await runCli(stub, ['status', '--dest', DEST_ID, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.json.published.rows).toBe(8);
    expect(status.json.snapshots).toHaveLength(1);
    expect(status.json.snapshots[0].provenance.sourceLastModified).toBe(firstVersion);
    expect(status.json.behind).toMatchObject({ source: SOURCE_ID, upToDate: true, lagMs: 0 });

    stub.model.updateTable(sourceRef, { rows: buildings(9) });
    const behind = await runCli(stub, ['status', '--dest', DEST_ID]);
    expect(behind.stdout).toContain('snapshots (1):');
    expect(behind.stdout).toMatch(/behind by \d+ minutes of source changes \(1 rows difference\)/);
  });

  it('--verify full compares fingerprints of staging and of the source as of the copy', async () => {
    const run = await sync(stub, '--verify', 'full', '--max-bytes', String(100 * 1024 * 1024));
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.verification.level).toBe('full');
    expect(run.json.verification.contentFingerprint).toMatch(/^-?\d+:-?\d+$/);
    const queries = stub.requestsTo('jobs.query').map((r) => r.body);
    const asOf = queries.filter((q) => q.query.includes('FOR SYSTEM_TIME AS OF'));
    expect(asOf.some((q) => q.dryRun)).toBe(true);
    const billed = asOf.find((q) => !q.dryRun);
    expect(billed.maximumBytesBilled).toBe(String(100 * 1024 * 1024));
    const asOfMs = Number(billed.queryParameters[0].parameterValue.value);
    const stagingCopy = copyJobs(stub)[0];
    expect(asOfMs).toBeGreaterThanOrEqual(stagingCopy?.receivedAt ?? 0);
    expect(run.stderr).toMatch(/full verification will scan/);
    expect(stub.model.getTable(destRef)?.labels['stable-copy-verification']).toBe('full');
  });

  it('full verification mismatch: exit 4, destination unchanged, no snapshot, staging cleaned up', async () => {
    expect((await sync(stub)).code).toBe(0);
    const before = structuredClone(stub.model.getTable(destRef));
    stub.model.updateTable(sourceRef, { rows: buildings(6) });
    // The source, read as of the copy, answers a different fingerprint than the staging copy.
    stub.setQueryHandlers(({ query }) =>
      query.includes('FOR SYSTEM_TIME AS OF')
        ? {
            schema: [
              { name: 'row_count', type: 'INTEGER' },
              { name: 'content_xor', type: 'INTEGER' },
              { name: 'content_sum', type: 'NUMERIC' },
            ],
            rows: [{ row_count: 6, content_xor: 42n, content_sum: '42' }],
            bytesProcessed: 1000,
          }
        : undefined,
    );
    stub.onQuery(tableFingerprintHandler);
    stub.clearRequests();

    const run = await sync(stub, '--verify', 'full');
    expect(run.code).toBe(4);
    expect(run.json).toMatchObject({ outcome: 'failed', exitCode: 4 });
    expect(run.stderr).toMatch(/Verification failed: content fingerprint -?\d+:-?\d+ ≠ source 42:42/);
    const after = stub.model.getTable(destRef);
    expect(after?.rows).toEqual(before?.rows);
    expect(after?.lastModifiedTime).toBe(before?.lastModifiedTime);
    expect(destTables(stub).map((t) => t.tableId)).toEqual(['osm_buildings']);
    expect(stub.requestsTo('tables.delete').map((r) => r.pathParams.tableId)).toEqual([
      expect.stringMatching(/__staging_\d+$/),
      'osm_buildings__lock',
    ]);
  });

  it('metadata verification of a source changed during the copy: exit 4, nothing published', async () => {
    let reads = 0;
    stub.inject({
      route: 'tables.get',
      match: (r) => {
        const table = stub.model.getTable(sourceRef);
        if (r.pathParams.projectId === sourceRef.projectId && ++reads === 2 && table)
          Object.assign(table, { rows: buildings(6), lastModifiedTime: Date.now() + 1000 });
        return false;
      },
    });
    const run = await sync(stub);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('changed during the copy');
    expect(stub.model.getTable(destRef)).toBeUndefined();
  });

  it('--max-bytes below the verification scan: exit 5 before billing, staging cleaned up', async () => {
    const run = await sync(stub, '--verify', 'full', '--max-bytes', '10');
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('over --max-bytes 10');
    expect(stub.requestsTo('jobs.query').every((r) => r.body.dryRun)).toBe(true);
    expect(stub.model.getTable(destRef)).toBeUndefined();
    expect(destTables(stub)).toHaveLength(0);
  });

  it('--dry-run prints the plan and costs; the stub sees no mutating request', async () => {
    const run = await sync(stub, '--dry-run', '--verify', 'full');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.outcome).toBe('dry-run');
    expect(run.json.plan.steps.map((s: { step: string }) => s.step)).toEqual([
      'create-dataset',
      'copy-to-staging',
      'verify',
      'publish',
      'record-provenance',
      'drop-staging',
    ]);
    expect(run.json.plan.costs.copy).toMatch(/free/);
    expect(run.json.plan.costs.verificationBytes).toBeGreaterThan(0);
    expect(mutatingRequests(stub)).toEqual([]);
    expect(stub.model.getDataset(destRef.projectId, destRef.datasetId)).toBeUndefined();

    expect((await sync(stub)).code).toBe(0);
    stub.model.updateTable(sourceRef, { rows: buildings(7) });
    stub.clearRequests();
    const again = await sync(stub, '--dry-run');
    expect(again.json.plan.steps.map((s: { step: string }) => s.step)).toContain('snapshot-previous');
    expect(mutatingRequests(stub)).toEqual([]);
  });
});

describe('sync preflight refusals (nothing created, exit 3)', () => {
  const expectNothingCreated = () => {
    expect(mutatingRequests(stub)).toEqual([]);
    expect(stub.model.getDataset(destRef.projectId, destRef.datasetId)).toBeUndefined();
  };

  it('source not found', async () => {
    const run = await runCli(stub, [
      'sync',
      '--source',
      'carto-demo-data.demo_tilesets.missing',
      '--dest',
      DEST_ID,
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('carto-demo-data.demo_tilesets.missing');
    expectNothingCreated();
  });

  it('permission denied reading the source names bigquery.tables.get', async () => {
    stub.inject({ route: 'tables.get', error: 'accessDenied', times: 1 });
    const run = await sync(stub);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('bigquery.tables.get');
    expectNothingCreated();
  });

  it('missing bigquery.tables.getData on the source is named', async () => {
    stub.model.denyPermission(SOURCE_ID, 'bigquery.tables.getData');
    const run = await sync(stub);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Missing permission on source table');
    expect(run.stderr).toContain('bigquery.tables.getData');
    expectNothingCreated();
  });

  it('missing permissions on an existing destination are named', async () => {
    expect((await sync(stub)).code).toBe(0);
    stub.model.updateTable(sourceRef, { rows: buildings(2) });
    stub.model.denyPermission(DEST_ID, 'bigquery.tables.createSnapshot');
    stub.clearRequests();
    const run = await sync(stub);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('bigquery.tables.createSnapshot');
    expect(mutatingRequests(stub)).toEqual([]);
  });

  it('location mismatch names both locations and the fix', async () => {
    stub.model.addDataset({ projectId: destRef.projectId, datasetId: destRef.datasetId, location: 'EU' });
    const run = await sync(stub);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Location mismatch: source .* is in US but destination dataset .* is in EU/);
    expect(run.stderr).toContain('choose a destination dataset in US');
    expect(mutatingRequests(stub)).toEqual([]);
    expect(destTables(stub)).toEqual([]);
  });

  it('bad flags are usage errors (exit 2)', async () => {
    expect((await runCli(stub, ['sync', '--dest', DEST_ID])).code).toBe(2);
    expect(
      (await runCli(stub, ['sync', '--source', SOURCE_ID, '--dest', DEST_ID, '--verify', 'some'])).code,
    ).toBe(2);
    expect((await runCli(stub, ['sync', '--source', 'not an id', '--dest', DEST_ID])).code).toBe(2);
    expect((await runCli(stub, ['sync', '--bogus'])).code).toBe(2);
    expect(stub.requests).toEqual([]);
  });
});
