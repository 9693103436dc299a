import { PassThrough } from 'node:stream';
import {
  type BigQueryStub,
  cartoExtractHandler,
  cartoTilesetHandler,
  createTableAsHandler,
  type RecordedRequest,
  type StubField,
  type StubRow,
  startBigQueryStub,
  tableFingerprintHandler,
} from '@tilestack/bigquery-stub';
import { main } from '../src/cli.js';

export const BILLING_PROJECT = 'tilestack-tests';
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

export const buildingSchema: StubField[] = [
  { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
  { name: 'height', type: 'FLOAT', mode: 'NULLABLE' },
  { name: 'kind', type: 'STRING', mode: 'NULLABLE' },
];

export function buildings(count: number, kind = 'house'): StubRow[] {
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, height: 3 + (i % 7), kind }));
}

/** A stub holding the source table (in US), with the query handlers the tool's SQL needs. */
export async function startStub(rows = buildings(5)): Promise<BigQueryStub> {
  const stub = await startBigQueryStub({ defaultLocation: 'US' });
  stub.onQuery(tableFingerprintHandler, createTableAsHandler, cartoTilesetHandler, cartoExtractHandler);
  stub.model.addTable({ ...sourceRef, schema: buildingSchema, rows, location: 'US' });
  return stub;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: the --json summary, read field by field in assertions
  json: any;
}

/** Runs the CLI in-process against the stub (the real client, no credentials). */
export async function runCli(stub: BigQueryStub, args: string[]): Promise<CliRun> {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.stdout.push(c));
  stderr.on('data', (c: Buffer) => chunks.stderr.push(c));
  const code = await main(args, {
    stdout,
    stderr,
    env: {
      BIGQUERY_API_ENDPOINT: stub.url,
      STABLE_COPY_BILLING_PROJECT: BILLING_PROJECT,
      STABLE_COPY_POLL_MS: '10',
    },
  });
  const out = Buffer.concat(chunks.stdout).toString();
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, stdout: out, stderr: Buffer.concat(chunks.stderr).toString(), json };
}

export const sync = (stub: BigQueryStub, ...extra: string[]) =>
  runCli(stub, ['sync', '--source', SOURCE_ID, '--dest', DEST_ID, '--json', ...extra]);

/** Requests that change something in BigQuery (dry-run queries and reads do not). */
export function mutatingRequests(stub: BigQueryStub): RecordedRequest[] {
  const reads = new Set([
    'datasets.get',
    'tables.get',
    'tables.list',
    'tables.testIamPermissions',
    'jobs.get',
  ]);
  return stub.requests.filter((r) => {
    if (r.route && reads.has(r.route)) return false;
    if (r.route === 'jobs.query' && r.body?.dryRun === true) return false;
    return true;
  });
}

export const copyJobs = (stub: BigQueryStub) =>
  stub.requestsTo('jobs.insert').filter((r) => r.body?.configuration?.copy !== undefined);

/** Tables of the destination dataset, by id. */
export function destTables(stub: BigQueryStub) {
  return stub.model.getDataset(destRef.projectId, destRef.datasetId)
    ? stub.model.listTables(destRef.projectId, destRef.datasetId)
    : [];
}
