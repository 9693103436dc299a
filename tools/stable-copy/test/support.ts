import { PassThrough } from 'node:stream';
import {
  type BigQueryStub,
  cartoExtractHandler,
  cartoTilesetHandler,
  createTableAsHandler,
  type StubField,
  type StubRow,
  type StubTable,
  startBigQueryStub,
  tableFingerprintHandler,
} from '@tilestack/bigquery-stub';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../src/cli.js';

export const SOURCE_ID = 'carto-demo-data.demo_tilesets.osm_buildings';
export const DEST_ID = 'tilestack-prod.tilestack_stable.osm_buildings';
export const sourceRef = {
  projectId: 'carto-demo-data',
  datasetId: 'demo_tilesets',
  tableId: 'osm_buildings',
};
export const destRef = {
  projectId: 'tilestack-prod',
  datasetId: 'tilestack_stable',
  tableId: 'osm_buildings',
};

export const buildings = (count: number, kind = 'house'): StubRow[] =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1, height: 3 + (i % 7), kind }));

/** A stub holding the source table (in US), with the query handlers the tool's SQL needs. */
export async function startStub(rows = buildings(5)): Promise<BigQueryStub> {
  const stub = await startBigQueryStub({ defaultLocation: 'US' });
  stub.onQuery(tableFingerprintHandler, createTableAsHandler, cartoTilesetHandler, cartoExtractHandler);
  const schema: StubField[] = [
    { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
    { name: 'height', type: 'FLOAT', mode: 'NULLABLE' },
    { name: 'kind', type: 'STRING', mode: 'NULLABLE' },
  ];
  stub.model.addTable({ ...sourceRef, schema, rows, location: 'US' });
  return stub;
}

/** A fresh stub for each test of the file (`setup` runs on it first); `stub()` is the current one. */
export function useStub(setup: (stub: BigQueryStub) => void = () => {}, rows = buildings(5, 'v1')) {
  let current: BigQueryStub | undefined;
  beforeEach(async () => {
    current = await startStub(rows);
    setup(current);
  });
  afterEach(() => current?.close());
  return () => current as BigQueryStub;
}

/** Runs the CLI in-process against the stub (the real client, no credentials). */
export async function runCli(stub: BigQueryStub, args: string[]) {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.stdout.push(c));
  stderr.on('data', (c: Buffer) => chunks.stderr.push(c));
  const env = {
    BIGQUERY_API_ENDPOINT: stub.url,
    STABLE_COPY_BILLING_PROJECT: 'tilestack-tests',
    STABLE_COPY_POLL_MS: '10',
  };
  const code = await main(args, { stdout, stderr, env });
  const out = Buffer.concat(chunks.stdout).toString();
  // biome-ignore lint/suspicious/noExplicitAny: the --json summary, read field by field in assertions
  let json: any;
  try {
    json = JSON.parse(out);
  } catch {}
  return { code, stdout: out, stderr: Buffer.concat(chunks.stderr).toString(), json };
}

export const sync = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['sync', '--source', SOURCE_ID, '--dest', DEST_ID, '--json', ...extra]);
export const rollback = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['rollback', '--dest', DEST_ID, '--json', ...extra]);
export const status = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['status', '--dest', DEST_ID, '--json', ...extra]);

/** Requests that change something in BigQuery (reads and dry-run queries do not). */
export function mutatingRequests(stub: BigQueryStub) {
  const reads = ['datasets.get', 'tables.get', 'tables.list', 'tables.testIamPermissions', 'jobs.get'];
  return stub.requests.filter(
    (r) => !reads.includes(r.route ?? '') && !(r.route === 'jobs.query' && r.body?.dryRun === true),
  );
}

export const copyJobs = (stub: BigQueryStub) =>
  stub
    .requestsTo('jobs.insert')
    .map((r) => r.body?.configuration?.copy)
    .filter(Boolean);

/** Tables of the destination dataset. */
export const destTables = (stub: BigQueryStub): StubTable[] =>
  stub.model.getDataset(destRef.projectId, destRef.datasetId)
    ? stub.model.listTables(destRef.projectId, destRef.datasetId)
    : [];
export const destTable = (stub: BigQueryStub) => stub.model.getTable(destRef) as StubTable;
export const tableIds = (stub: BigQueryStub) => destTables(stub).map((t) => t.tableId);
