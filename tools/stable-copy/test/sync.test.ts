import { type BigQueryStub, type StubTable, tableFingerprintHandler } from '@tilestack/bigquery-stub';
import { expect, it } from 'vitest';
import { stableDatasetPermissions } from '../src/permissions.js';
import {
  buildings,
  DEST_ID,
  destRef,
  destTable,
  destTables,
  mutatingRequests,
  runCli,
  SOURCE_ID,
  sourceRef,
  sync,
  useStub,
} from './support.js';

const stub = useStub();
const MiB = 1024 * 1024;

it('--verify full: staging and the source as of the copy, dry-run first, under --max-bytes; dataset created', async () => {
  // A long query: progress lines on stderr while it runs; bytes billed come from the finished job.
  stub().setQueryHandlers((request) => {
    const answer = tableFingerprintHandler(request);
    return answer && { ...answer, runMs: 200, bytesProcessed: 50 * MiB };
  });
  const run = await sync(stub(), '--verify', 'full', '--max-bytes', String(100 * MiB));
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/job \S+ RUNNING, \d+ s, [\d.]+ \w+ processed/); // state, elapsed, bytes
  const fingerprint = expect.stringMatching(/^-?\d+:-?\d+$/);
  expect(run.json.verification).toMatchObject({ bytesBilled: 100 * MiB, contentFingerprint: fingerprint });
  const asOf = stub()
    .requestsTo('jobs.query')
    .filter((r) => r.body.query.includes('FOR SYSTEM_TIME AS OF'));
  const caps = asOf.map((r) => [r.body.dryRun === true, r.body.maximumBytesBilled]);
  expect(caps).toEqual([
    [true, undefined],
    [false, String(100 * MiB)],
  ]);
  const asOfMs = Number(asOf[1]?.body.queryParameters[0].parameterValue.value);
  expect(asOfMs).toBeGreaterThanOrEqual(stub().requestsTo('jobs.insert')[0]?.receivedAt ?? 0);
  const dataset = stub().model.getDataset(destRef.projectId, destRef.datasetId);
  expect(dataset).toMatchObject({ location: 'US', labels: { 'managed-by': 'stable-copy' } });
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
      .filter((r) => !r.body.dryRun),
  ).toEqual([]);
  expect(destTables(stub())).toEqual([]);
});

it('--dry-run prints the plan and its costs, and changes nothing', async () => {
  const plan = async (...flags: string[]) => {
    const { json } = await sync(stub(), '--dry-run', ...flags);
    expect(mutatingRequests(stub())).toEqual([]);
    return { ...json.plan, names: json.plan.steps.map((s: { step: string }) => s.step).join() };
  };
  const first = await plan('--verify', 'full');
  expect(first.names).toBe('create-dataset,copy-to-staging,verify,publish,record-provenance,drop-staging');
  expect(first.verificationBytes).toBeGreaterThan(0);
  expect(stub().model.getDataset(destRef.projectId, destRef.datasetId)).toBeUndefined();
  expect((await sync(stub())).code).toBe(0);
  stub().model.updateTable(sourceRef, { rows: buildings(7) });
  stub().clearRequests();
  expect((await plan()).names).toContain('snapshot-previous');
});

const dataset = { projectId: destRef.projectId, datasetId: destRef.datasetId };
const dataEditor = stableDatasetPermissions.filter(
  (p) => !/Snapshot$/.test(p) || p.endsWith('createSnapshot'),
);
const daily = { timePartitioning: { type: 'DAY' } } as Partial<StubTable>;
const refusals: [string, (s: BigQueryStub) => unknown, string][] = [
  ['source not found', (s) => s.model.deleteTable(sourceRef), SOURCE_ID],
  ['source tables.get denied', (s) => s.inject({ route: 'tables.get', error: 'accessDenied' }), 'tables.get'],
  ['source getData missing', (s) => s.model.denyPermission(SOURCE_ID, 'bigquery.tables.getData'), 'getData'],
  [
    'the destination dataset in another location',
    (s) => s.model.addDataset({ ...dataset, location: 'EU' }),
    'EU',
  ],
  [
    'roles/bigquery.dataEditor on the stable dataset: it cannot create expiring snapshots',
    async (s) => {
      expect((await sync(s)).code).toBe(0);
      s.model.grantOnly(`${dataset.projectId}.${dataset.datasetId}`, dataEditor);
      s.model.updateTable(sourceRef, { rows: buildings(2) });
    },
    'bigquery.tables.deleteSnapshot',
  ],
  [
    'a time-partitioned source whose layout differs from the destination',
    async (s) => {
      expect((await sync(s)).code).toBe(0);
      s.model.updateTable(sourceRef, { rows: buildings(2), ...daily });
    },
    'time-partitioned',
  ],
];
it.each(refusals)(
  'preflight refusal, exit 3 naming the cause, nothing changed: %s',
  async (_, setup, named) => {
    await setup(stub());
    const before = JSON.stringify(destTables(stub()));
    stub().clearRequests();
    const run = await sync(stub());
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(named);
    expect(mutatingRequests(stub())).toEqual([]);
    expect(JSON.stringify(destTables(stub()))).toBe(before);
  },
);

it.each([
  [['sync', '--dest', DEST_ID]],
  [['sync', '--source', SOURCE_ID, '--dest', DEST_ID, '--verify', 'some']],
  [['sync', '--source', 'not an id', '--dest', DEST_ID]],
  [['sync', '--bogus']],
  [['extract', '--tileset', SOURCE_ID, '--bbox', '1,2,3', '--max-zoom', '3', '--out', 'x']],
  [['rollback']],
  [['nope']],
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
