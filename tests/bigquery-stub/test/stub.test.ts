import type { Query } from '@google-cloud/bigquery';
import { beforeEach, describe, expect, it } from 'vitest';
import { bigQueryError, type QueryHandler, type StubError } from '../src/index.js';
import { client, field, ref, stub, useStub } from './client.js';

const people = 'SELECT * FROM `p.d.people`';
const selectPeople: QueryHandler = ({ select, model }) =>
  select?.table === 'p.d.people' ? { ...model.requireTable(select.table), bytesProcessed: 1000 } : undefined;
const slowResult = { schema: [field('x', 'INTEGER')], rows: [{ x: 7 }], bytesProcessed: 1, runMs: 300 };
const slow: QueryHandler = ({ query }) => (query === 'SELECT 2' ? slowResult : undefined);

useStub();
beforeEach(() => {
  stub.onQuery(selectPeople, slow);
  const seen = (id: number) => new Date(Date.UTC(2024, 0, id));
  const rows = [1, 2, 3, 4, 5].map((id) => ({ id, photo: Buffer.from([id]), seen: seen(id) }));
  const schema = [field('id', 'INTEGER'), field('photo', 'BYTES'), field('seen', 'TIMESTAMP')];
  stub.model.addTable({ ...ref('people'), schema, rows, labels: { owner: 'tests' } });
});

// biome-ignore lint/suspicious/noExplicitAny: raw REST bodies, for the documented shapes the client hides
const raw = (uri: string, json?: object): Promise<any> =>
  new Promise((resolve, reject) => {
    const method = json ? 'POST' : 'GET';
    client.request({ method, uri, json }, (e, body) => (e ? reject(e) : resolve(body)));
  });
const rawQuery = (json: object) => raw('/queries', { useLegacySql: false, ...json });
const optional = { jobCreationMode: 'JOB_CREATION_OPTIONAL' } as const;
const pages = ['jobs.getQueryResults'];

describe('the official client reads tables, datasets and query results', () => {
  it('serves tables.get and datasets.get as BigQuery renders them', async () => {
    const [table] = await client.dataset('d', { projectId: 'p' }).table('people').getMetadata();
    const [dataset] = await client.dataset('d', { projectId: 'p' }).getMetadata();

    const lastModifiedTime = String(stub.model.requireTable('p.d.people').lastModifiedTime);
    expect(table).toMatchObject({ kind: 'bigquery#table', id: 'p:d.people', type: 'TABLE', numRows: '5' });
    expect(table).toMatchObject({
      tableReference: ref('people'),
      lastModifiedTime,
      labels: { owner: 'tests' },
    });
    expect(dataset).toMatchObject({ id: 'p:d', location: 'US' });
  });

  it.each<[string, Query, number, string[]]>([
    ['one page, JOB_CREATION_OPTIONAL: stateless', optional, 100, ['jobs.query']],
    ['2 rows a page: a job, read page by page', optional, 2, ['jobs.query', ...pages, ...pages]],
    ['jobs.insert, the client’s fallback', { jobTimeoutMs: 5000 }, 100, ['jobs.insert', ...pages]],
  ])('answers a query in the wire format the client parses (%s)', async (_, options, pageRows, routes) => {
    stub.maxPageRows = pageRows;
    const [rows] = await client.query({ query: people, ...options });

    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toMatchObject({ photo: Buffer.from([1]), seen: { value: '2024-01-01T00:00:00.000Z' } });
    expect(stub.requests.map((r) => r.route)).toEqual(routes);
    expect(stub.requests[0]?.path).toMatch(/^\/bigquery\/v2\/projects\/billing\//);
  });

  it('reports unfinished queries, lets them be polled and cancelled', async () => {
    const [job] = await client.createQueryJob({ query: 'SELECT 2' });
    expect(job.metadata.status.state).toBe('RUNNING');
    expect((await job.getQueryResults())[0]).toEqual([{ x: 7 }]);

    const [other] = await client.createQueryJob({ query: 'SELECT 2' });
    await other.cancel();
    await expect(other.getQueryResults()).rejects.toMatchObject({ errors: [{ reason: 'stopped' }] });
  });
});

describe('documented shapes (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs)', () => {
  it('answers jobs.query with a job, and with a reason only in JOB_CREATION_OPTIONAL mode', async () => {
    const plain = await rawQuery({ query: 'SELECT 1' });
    const slim = await rawQuery({ query: 'SELECT 1', ...optional });

    expect(plain).toMatchObject({ jobComplete: true, jobReference: { jobId: expect.any(String) } });
    expect(plain.jobCreationReason ?? plain.queryId).toBeUndefined();
    expect(slim).toMatchObject({ jobComplete: true, queryId: expect.any(String), totalBytesBilled: '0' });
    expect(slim.jobReference).toBeUndefined();
  });

  it('answers dry runs, by jobs.query and by jobs.insert (the official client), without a job id', async () => {
    const viaQuery = await rawQuery({ query: people, dryRun: true });
    const [{ metadata }] = await client.createQueryJob({ query: people, dryRun: true });

    expect(viaQuery).toMatchObject({ jobComplete: true, totalBytesProcessed: '1000' });
    expect(viaQuery.jobReference).toEqual({ projectId: 'billing', location: 'US' });
    expect(stub.requestsTo('jobs.insert')[0]?.body.configuration.dryRun).toBe(true);
    expect([metadata.status.state, metadata.jobReference]).toEqual(['DONE', viaQuery.jobReference]);
    expect(metadata.statistics.query).toEqual({ totalBytesProcessed: '1000', schema: expect.anything() });
  });

  it('reports bytes billed of a slow query only in the finished job statistics', async () => {
    const first = await rawQuery({ query: 'SELECT 2', timeoutMs: 0 });
    const { jobId } = first.jobReference;
    const running = await raw(`/jobs/${jobId}`);
    const [rows, , results] = await client.job(jobId).getQueryResults();
    const [done] = await client.job(jobId).getMetadata();

    expect(first.jobComplete).toBe(false);
    const billed = [first, running.statistics.query, results].map((answer) => answer.totalBytesBilled);
    expect(billed).toEqual([undefined, undefined, undefined]);
    expect(rows).toEqual([{ x: 7 }]);
    expect(done.statistics.query.totalBytesBilled).toBe(String(10 * 1024 * 1024));
  });

  it('applies maximumBytesBilled with BigQuery billing rules (≥ 10 MiB)', async () => {
    await expect(client.query({ query: people, maximumBytesBilled: '1000000' })).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'bytesBilledLimitExceeded' }],
      message: 'Query exceeded limit for bytes billed: 1000000. 10485760 or higher required.',
    });
  });

  // https://cloud.google.com/bigquery/docs/error-messages
  it.each([
    ...Object.entries({ notFound: 404, accessDenied: 403, billingNotEnabled: 403, rateLimitExceeded: 403 }),
    ...Object.entries({ quotaExceeded: 403, bytesBilledLimitExceeded: 400, resourcesExceeded: 400 }),
    ...Object.entries({ responseTooLarge: 403, backendError: 500, invalidQuery: 400 }),
    ['backendError', 503, bigQueryError('backendError', undefined, 503)],
  ] as [string, number, StubError?][])('injects %s once, as HTTP %i', async (reason, code, error) => {
    stub.inject({ route: 'jobs.query', error: error ?? (reason as 'invalid'), times: 1 });

    await expect(client.query(people)).rejects.toMatchObject({ code, errors: [{ reason }] });
    expect((await client.query('SELECT 1'))[0]).toEqual([{ f0_: 1 }]);
  });
});

describe('every statement is parsed with the GoogleSQL grammar first', () => {
  const wrongAliasOrder = 'SELECT 1 AS n FROM `p.d.t` FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@ms) AS t';

  it.each([
    [wrongAliasOrder, `Syntax error: Unexpected keyword AS at [1:${wrongAliasOrder.length - 3}]`],
    ['SELECT data FROM `p.d.t` WHERE', 'Syntax error: Unexpected end of script at [1:31]'],
    ['SELECT nonsense', 'stub: no query handler recognises this SQL: SELECT nonsense'],
  ])('answers 400 invalidQuery to %s, before any handler', async (query, message) => {
    // Would answer anything but `SELECT nonsense`: the grammar must refuse the others first.
    stub.setQueryHandlers((q) => (q.query === 'SELECT nonsense' ? undefined : { schema: [], rows: [] }));

    const error = { code: 400, errors: [{ reason: 'invalidQuery', message }] };
    await expect(client.query(query)).rejects.toMatchObject(error);
  });

  it('by jobs.insert: a dry run answers the error; a job is created DONE with status.errorResult', async () => {
    const invalid = { errors: [{ reason: 'invalidQuery' }] };
    const dryRun = client.createQueryJob({ query: 'SELECT FROM', dryRun: true });
    await expect(dryRun).rejects.toMatchObject({ code: 400, ...invalid });
    await expect(client.createQueryJob({ query: 'SELECT', jobId: 'bad' })).rejects.toMatchObject(invalid);
    const [failed] = await client.job('bad').getMetadata();
    expect(failed.status).toMatchObject({ state: 'DONE', errorResult: { reason: 'invalidQuery' } });
    await expect(client.job('bad').getQueryResults()).rejects.toMatchObject({ code: 400 });
  });

  it('refuses legacy SQL (the REST default) and answers 404 to routes it lacks', async () => {
    await expect(raw('/queries', { query: 'SELECT 1' })).rejects.toMatchObject({ code: 400 });
    await expect(client.dataset('d').delete()).rejects.toMatchObject({ code: 404 });
    expect(stub.requests.at(-1)?.route).toBeNull();
  });
});

it('delays a route on demand, and close() does not wait for pending delays', async () => {
  stub.inject({ route: 'datasets.get', delayMs: 10_000 });
  const pending = raw('/datasets/any').catch((e: unknown) => e);
  await expect.poll(() => stub.requests.length).toBe(1);
  const started = Date.now();
  await stub.close();

  expect(Date.now() - started).toBeLessThan(1000);
  expect(await pending).toBeInstanceOf(Error);
});

it('setQueryHandlers replaces the handlers', async () => {
  stub.setQueryHandlers(() => {
    throw bigQueryError('resourcesExceeded');
  });
  await expect(client.query(people)).rejects.toMatchObject({ errors: [{ reason: 'resourcesExceeded' }] });
});
