import { afterEach, beforeEach, expect, it } from 'vitest';
import { type BigQueryStub, createTableAsHandler, startBigQueryStub } from '../src/index.js';

// The routes and rules stable-copy relies on, over plain HTTP (what the client sends).
let stub: BigQueryStub;
beforeEach(async () => {
  stub = await startBigQueryStub();
  stub.onQuery(createTableAsHandler);
  const layout = { rangePartitioning: { field: 'id', range: { start: '0', end: '10', interval: '1' } } };
  stub.model.addTable({
    projectId: 'p',
    datasetId: 'd',
    tableId: 'a',
    schema: [],
    rows: [{ id: 1 }],
    ...layout,
  });
  stub.model.addTable({ projectId: 'p', datasetId: 'd', tableId: 'b', schema: [], rows: [{ id: 2 }] });
});
afterEach(() => stub.close());

// biome-ignore lint/suspicious/noExplicitAny: raw REST bodies
const call = async (method: string, path: string, body?: unknown): Promise<[number, any]> => {
  const response = await fetch(`${stub.url}/bigquery/v2/projects/p${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return [response.status, await response.json()];
};
const ref = (tableId: string) => ({ projectId: 'p', datasetId: 'd', tableId });
const copy = (extra: Record<string, unknown>) =>
  call('POST', '/jobs', { configuration: { copy: { sourceTables: [ref('a')], ...extra } } });

it('tables.insert creates a table once; the second insert is 409 duplicate', async () => {
  const body = { tableReference: ref('lock'), expirationTime: '4102444800000' };
  expect((await call('POST', '/datasets/d/tables', body))[0]).toBe(200);
  const [status, error] = await call('POST', '/datasets/d/tables', body);
  expect(status).toBe(409);
  expect(error.error.errors[0].reason).toBe('duplicate');
});

it('a WRITE_TRUNCATE copy onto a table laid out differently fails in the job', async () => {
  const [, job] = await copy({ destinationTable: ref('b'), writeDisposition: 'WRITE_TRUNCATE' });
  expect(job.status.errorResult.message).toMatch(/^Incompatible table partitioning specification/);
  expect(stub.model.getTable(ref('b'))?.rows).toEqual([{ id: 2 }]);
});

it('with one role granted, a call needing a permission outside it is 403 accessDenied', async () => {
  stub.model.grantOnly('p.d', [
    'bigquery.tables.getData',
    'bigquery.tables.create',
    'bigquery.tables.updateData',
    'bigquery.tables.createSnapshot',
  ]);
  const snapshot = { destinationTable: ref('s'), operationType: 'SNAPSHOT' };
  const [status, error] = await copy({ ...snapshot, destinationExpirationTime: '4102444800000' });
  expect(status).toBe(403);
  expect(error.error.message).toContain('bigquery.tables.deleteSnapshot');
  expect((await copy(snapshot))[0]).toBe(200);
  expect((await call('PATCH', '/datasets/d/tables/a', { labels: {} }))[0]).toBe(403);
});

it('CREATE OR REPLACE TABLE … AS SELECT replaces the layout; its dry run changes nothing', async () => {
  const sql =
    "CREATE OR REPLACE TABLE `p.d.b` PARTITION BY RANGE_BUCKET(id, GENERATE_ARRAY(0, 10, 1)) OPTIONS(labels = [('k', 'v')]) AS SELECT * FROM `p.d.a`";
  const query = { query: sql, useLegacySql: false };
  expect((await call('POST', '/queries', { ...query, dryRun: true }))[0]).toBe(200);
  expect(stub.model.getTable(ref('b'))?.rangePartitioning).toBeUndefined();
  expect((await call('POST', '/queries', query))[0]).toBe(200);
  expect(stub.model.getTable(ref('b'))).toMatchObject({ rows: [{ id: 1 }], labels: { k: 'v' } });
  expect(stub.model.getTable(ref('b'))?.rangePartitioning?.range.end).toBe('10');
});
