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
export const SOURCE_ID = Object.values(sourceRef).join('.');
export const DEST_ID = Object.values(destRef).join('.');

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
export function useStub(setup: (stub: BigQueryStub) => void = () => {}) {
  let current: BigQueryStub | undefined;
  beforeEach(async () => {
    current = await startStub(buildings(5, 'v1'));
    setup(current);
  });
  afterEach(() => current?.close());
  return () => current as BigQueryStub;
}

/** Runs the CLI in-process against the stub (the real client, no credentials). */
export async function runCli(stub: BigQueryStub, args: string[]) {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const env = {
    BIGQUERY_API_ENDPOINT: stub.url,
    STABLE_COPY_BILLING_PROJECT: 'tests',
    STABLE_COPY_POLL_MS: '10',
  };
  const code = await main(args, { stdout, stderr, env });
  const [out, err] = [stdout.read()?.toString() ?? '', stderr.read()?.toString() ?? ''];
  return { code, stdout: out, stderr: err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}

export const sync = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['sync', '--source', SOURCE_ID, '--dest', DEST_ID, '--json', ...extra]);
export const rollback = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['rollback', '--dest', DEST_ID, '--json', ...extra]);
export const status = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['status', '--dest', DEST_ID, '--json', ...extra]);

/** Requests that change something in BigQuery (reads and dry-run queries do not). */
const reads = ['datasets.get', 'tables.get', 'tables.list', 'tables.testIamPermissions', 'jobs.get'];
export const mutatingRequests = (stub: BigQueryStub) =>
  stub.requests.filter(
    (r) => !reads.includes(r.route ?? '') && !(r.route === 'jobs.query' && r.body?.dryRun),
  );

export const copyJobs = (stub: BigQueryStub) =>
  stub.requestsTo('jobs.insert').flatMap((r) => r.body?.configuration?.copy ?? []);

/** Tables of the destination dataset. */
export const destTables = (stub: BigQueryStub): StubTable[] =>
  stub.model.getDataset(destRef.projectId, destRef.datasetId)
    ? stub.model.listTables(destRef.projectId, destRef.datasetId)
    : [];
export const destTable = (stub: BigQueryStub) => stub.model.getTable(destRef) as StubTable;
export const tableIds = (stub: BigQueryStub) => destTables(stub).map((t) => t.tableId);
export const rowsOf = (t: StubTable | undefined) => JSON.stringify(t?.rows);
