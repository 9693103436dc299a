import { BigQuery, type Query } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addCartoTileset,
  type BigQueryStub,
  bigQueryError,
  cartoTilesetHandler,
  createTableAsHandler,
  type ErrorReason,
  geoJsonTableHandler,
  type QueryHandler,
  startBigQueryStub,
} from '../src/index.js';

// The official client is the oracle: it builds the requests and parses the answers as it does against BigQuery.
let stub: BigQueryStub;
let client: BigQuery;
beforeEach(async () => {
  stub = await startBigQueryStub();
  stub.onQuery(selectPeople, cartoTilesetHandler, geoJsonTableHandler, createTableAsHandler);
  client = new BigQuery({
    projectId: 'billing',
    apiEndpoint: stub.url,
    authClient: new PassThroughClient(),
    retryOptions: { autoRetry: false },
  });
  stub.model.addTable({
    ...{ projectId: 'p', datasetId: 'd', tableId: 'people', labels: { owner: 'tests' } },
    schema: [
      { name: 'id', type: 'INTEGER' },
      { name: 'photo', type: 'BYTES' },
      { name: 'seen', type: 'TIMESTAMP' },
    ],
    rows: [1, 2, 3, 4, 5].map((id) => ({
      id,
      photo: Buffer.from([id]),
      seen: new Date(Date.UTC(2024, 0, id)),
    })),
  });
});
afterEach(() => stub.close());

const people = 'SELECT * FROM `p.d.people`';
const selectPeople: QueryHandler = ({ select, model }) => {
  if (select?.table !== 'p.d.people') return undefined;
  return { ...model.requireTable(select.table), bytesProcessed: 1000 };
};
const slow: QueryHandler = ({ query }) =>
  query === 'SELECT 2'
    ? { schema: [{ name: 'x', type: 'INTEGER' }], rows: [{ x: 7 }], bytesProcessed: 1, runMs: 300 }
    : undefined;
// biome-ignore lint/suspicious/noExplicitAny: raw REST bodies, for the documented shapes the client hides
const raw = (uri: string, json?: Record<string, unknown>): Promise<any> =>
  new Promise((resolve, reject) =>
    client.request({ method: json ? 'POST' : 'GET', uri, json }, (e, body) =>
      e ? reject(e) : resolve(body),
    ),
  );
const rawQuery = (json: Record<string, unknown>) => raw('/queries', { useLegacySql: false, ...json });

describe('the client reads tables, datasets and query results', () => {
  it('serves tables.get and datasets.get as BigQuery renders them', async () => {
    const [table] = await client.dataset('d', { projectId: 'p' }).table('people').getMetadata();
    const [dataset] = await client.dataset('d', { projectId: 'p' }).getMetadata();

    expect(table).toMatchObject({
      ...{ kind: 'bigquery#table', id: 'p:d.people', type: 'TABLE', numRows: '5', location: 'US' },
      tableReference: { projectId: 'p', datasetId: 'd', tableId: 'people' },
      lastModifiedTime: String(
        stub.model.getTable({ projectId: 'p', datasetId: 'd', tableId: 'people' })?.lastModifiedTime,
      ),
      labels: { owner: 'tests' },
    });
    expect(dataset).toMatchObject({ id: 'p:d', location: 'US' });
  });

  it.each<[string, Query, number, string[]]>([
    [
      'one page, JOB_CREATION_OPTIONAL: stateless',
      { jobCreationMode: 'JOB_CREATION_OPTIONAL' },
      100,
      ['jobs.query'],
    ],
    [
      'two rows a page: a job, read page by page',
      { jobCreationMode: 'JOB_CREATION_OPTIONAL' },
      2,
      ['jobs.query', 'jobs.getQueryResults', 'jobs.getQueryResults'],
    ],
    [
      'jobs.insert, the client’s fallback',
      { jobTimeoutMs: 5000 },
      100,
      ['jobs.insert', 'jobs.getQueryResults'],
    ],
  ])('answers a query in the wire format the client parses (%s)', async (_, options, pageRows, routes) => {
    stub.maxPageRows = pageRows;
    const [rows] = await client.query({ query: people, ...options });

    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toMatchObject({ photo: Buffer.from([1]), seen: { value: '2024-01-01T00:00:00.000Z' } });
    expect(stub.requests.map((r) => r.route)).toEqual(routes);
  });

  it('decodes named parameters for handlers and records the request', async () => {
    let seen: Record<string, unknown> = {};
    stub.setQueryHandlers(({ params }) => {
      seen = params;
      return { schema: [], rows: [] };
    });
    await client.query({ query: 'SELECT @z', params: { z: 3, name: 'a', list: [1, 2] } });

    expect(seen).toEqual({ z: 3, name: 'a', list: [1, 2] });
    expect(stub.requests[0]).toMatchObject({
      path: '/bigquery/v2/projects/billing/queries',
      route: 'jobs.query',
    });
  });

  it('reports unfinished queries, lets them be polled and cancelled', async () => {
    stub.onQuery(slow);
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
    const optional = await rawQuery({ query: 'SELECT 1', jobCreationMode: 'JOB_CREATION_OPTIONAL' });

    expect(plain).toMatchObject({
      jobComplete: true,
      jobReference: { projectId: 'billing', jobId: expect.any(String) },
    });
    expect(plain).not.toHaveProperty('jobCreationReason');
    expect(plain).not.toHaveProperty('queryId');
    expect(optional).toMatchObject({ jobComplete: true, queryId: expect.any(String), totalBytesBilled: '0' });
    expect(optional).not.toHaveProperty('jobReference');
  });

  it('answers dry runs, by jobs.query and by jobs.insert (the official client), without a job id', async () => {
    const viaQuery = await rawQuery({ query: people, dryRun: true });
    const [job] = await client.createQueryJob({ query: people, dryRun: true });

    expect(viaQuery).toMatchObject({
      jobComplete: true,
      totalBytesProcessed: '1000',
      jobReference: { location: 'US' },
    });
    expect(stub.requestsTo('jobs.insert')[0]?.body.configuration.dryRun).toBe(true);
    expect(job.metadata).toMatchObject({
      status: { state: 'DONE' },
      statistics: { query: { totalBytesProcessed: '1000' } },
    });
    for (const reference of [viaQuery.jobReference, job.metadata.jobReference])
      expect(reference).not.toHaveProperty('jobId');
    expect(job.metadata.statistics.query).not.toHaveProperty('totalBytesBilled');
  });

  it('reports bytes billed of a slow query only in the finished job statistics', async () => {
    stub.onQuery(slow);
    const first = await rawQuery({ query: 'SELECT 2', timeoutMs: 0 });
    const { jobId } = first.jobReference;
    const running = await raw(`/jobs/${jobId}`);
    const [rows, , results] = await client.job(jobId).getQueryResults();
    const [done] = await client.job(jobId).getMetadata();

    expect(first).toMatchObject({ jobComplete: false });
    for (const answer of [first, running.statistics.query, results])
      expect(answer).not.toHaveProperty('totalBytesBilled');
    expect(rows).toEqual([{ x: 7 }]);
    expect(done.statistics.query.totalBytesBilled).toBe(String(10 * 1024 * 1024));
  });

  it('applies maximumBytesBilled with BigQuery billing rules (≥ 10 MiB)', async () => {
    await expect(client.query({ query: people, maximumBytesBilled: '1000000' })).rejects.toMatchObject({
      ...{ code: 400, errors: [{ reason: 'bytesBilledLimitExceeded' }] },
      message: 'Query exceeded limit for bytes billed: 1000000. 10485760 or higher required.',
    });
  });

  // https://cloud.google.com/bigquery/docs/error-messages
  it.each<[ErrorReason, number]>([
    ['notFound', 404],
    ['accessDenied', 403],
    ['billingNotEnabled', 403],
    ['rateLimitExceeded', 403],
    ['quotaExceeded', 403],
    ['bytesBilledLimitExceeded', 400],
    ['resourcesExceeded', 400],
    ['responseTooLarge', 403],
    ['backendError', 500],
    ['invalidQuery', 400],
  ])('injects %s once, as HTTP %i', async (reason, code) => {
    stub.inject({ route: 'jobs.query', error: reason, times: 1 });

    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code, errors: [{ reason }] });
    expect((await client.query('SELECT 1'))[0]).toEqual([{ f0_: 1 }]);
  });
});

describe('every statement is parsed with the GoogleSQL grammar first', () => {
  const wrongAliasOrder =
    'SELECT COUNT(*) AS n FROM `p.d.t` FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@as_of_ms) AS t';

  it.each([
    [
      wrongAliasOrder,
      `Syntax error: Unexpected keyword AS at [1:${wrongAliasOrder.lastIndexOf(' AS t') + 2}]`,
    ],
    ['SELECT data FROM `p.d.t` WHERE', 'Syntax error: Unexpected end of script at [1:31]'],
    ['SELECT nonsense', 'stub: no query handler recognises this SQL: SELECT nonsense'],
  ])('answers 400 invalidQuery to %s, before any handler', async (query, message) => {
    // Would answer anything but `SELECT nonsense`: the grammar must refuse the others first.
    stub.setQueryHandlers((q) => (q.query === 'SELECT nonsense' ? undefined : { schema: [], rows: [] }));

    await expect(client.query(query)).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalidQuery', message }],
    });
  });

  it('by jobs.insert: a dry run answers the error; a job is created DONE with status.errorResult', async () => {
    await expect(client.createQueryJob({ query: 'SELECT FROM', dryRun: true })).rejects.toMatchObject({
      code: 400,
    });
    await expect(client.createQueryJob({ query: 'SELECT FROM', jobId: 'bad' })).rejects.toMatchObject({
      errors: [{ reason: 'invalidQuery' }],
    });
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

describe('faults and lifecycle', () => {
  it('delays a route on demand, and close() does not wait for pending delays', async () => {
    stub.inject({ route: 'datasets.get', delayMs: 10_000 });
    const pending = client
      .dataset('any')
      .getMetadata()
      .catch((e: unknown) => e);
    await expect.poll(() => stub.requests.length).toBe(1);
    const started = Date.now();
    await stub.close();

    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('lets a test replace the handlers to put a special case first', async () => {
    stub.setQueryHandlers(() => {
      throw bigQueryError('backendError', undefined, 503);
    });
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: 503 });
  });
});

describe('ready-made handlers', () => {
  const ts = 'SELECT data FROM `p.tiles.ts` WHERE';
  beforeEach(() => {
    addCartoTileset(stub.model, {
      ...{ projectId: 'p', datasetId: 'tiles', tableId: 'ts', metadata: { minzoom: 0 }, numBytes: 5e9 },
      tiles: [
        { z: 1, x: 0, y: 1, carto_partition: 3, data: Buffer.from('a') },
        { z: 1, x: 1, y: 1, carto_partition: 4, data: Buffer.from('b') },
      ],
    });
    stub.model.addTable({
      ...{ projectId: 'p', datasetId: 'd', tableId: 'places' },
      schema: [
        { name: 'name', type: 'STRING' },
        { name: 'geom', type: 'GEOGRAPHY' },
      ],
      rows: [{ name: 'x', geom: { type: 'Point', coordinates: [1, 2] } }],
    });
  });

  it.each<[string, Record<string, unknown>, unknown[], number?]>([
    [`${ts} z = -1 AND carto_partition IS NULL LIMIT 1`, {}, [{ data: Buffer.from('{"minzoom":0}') }]],
    [
      `${ts} carto_partition = @partition AND z = @z AND x = @x AND y = @y LIMIT 1`,
      { partition: 3, z: 1, x: 0, y: 1 },
      [{ data: Buffer.from('a') }],
    ],
    [
      `${ts} carto_partition = @partition AND z = @z AND x = @x AND y = @y LIMIT 1`,
      { partition: 4, z: 1, x: 0, y: 1 },
      [],
    ],
    [`${ts} z = @z AND x = @x AND y = @y LIMIT 1`, { z: 1, x: 1, y: 1 }, [{ data: Buffer.from('b') }], 5e9],
    [
      'SELECT z, x, y, carto_partition FROM `p.tiles.ts` WHERE carto_partition IN UNNEST(@partitions) LIMIT 100',
      { partitions: [4] },
      [{ z: 1, x: 1, y: 1, carto_partition: 4 }],
    ],
    [
      'SELECT ST_ASGEOJSON(`geom`) AS `g`, * EXCEPT (`geom`) FROM `p.d.places`',
      {},
      [{ g: '{"type":"Point","coordinates":[1,2]}', name: 'x' }],
    ],
  ])('answers %s from stored rows and partitions', async (query, params, expected, minBytes = 0) => {
    const [job] = await client.createQueryJob({ query, params });

    expect((await job.getQueryResults())[0]).toEqual(expected);
    expect(Number(job.metadata.statistics.query.totalBytesProcessed)).toBeGreaterThanOrEqual(minBytes);
  });

  it('refuses what BigQuery refuses: an unknown geometry column', async () => {
    await expect(client.query('SELECT ST_ASGEOJSON(`nope`) AS `g` FROM `p.d.places`')).rejects.toMatchObject({
      errors: [{ reason: 'invalidQuery' }],
    });
  });
});

describe('the routes and rules stable-copy relies on', () => {
  const d = () => client.dataset('d', { projectId: 'p' });
  beforeEach(() => {
    const range = { start: '0', end: '10', interval: '1' };
    stub.model.addTable({
      projectId: 'p',
      datasetId: 'd',
      tableId: 'a',
      schema: [],
      rows: [{ id: 1 }],
      rangePartitioning: { field: 'id', range },
    });
    stub.model.addTable({ projectId: 'p', datasetId: 'd', tableId: 'b', schema: [], rows: [{ id: 2 }] });
  });
  const b = () => stub.model.getTable({ projectId: 'p', datasetId: 'd', tableId: 'b' });

  it('tables.insert creates a table once; the second insert is 409 duplicate (a lock)', async () => {
    await d().createTable('lock', { expirationTime: '4102444800000' });
    await expect(d().createTable('lock', {})).rejects.toMatchObject({
      code: 409,
      errors: [{ reason: 'duplicate' }],
    });
  });

  it('a WRITE_TRUNCATE copy onto a table laid out differently fails in the job', async () => {
    await expect(
      d().table('a').copy(d().table('b'), { writeDisposition: 'WRITE_TRUNCATE' }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^Incompatible table partitioning specification/),
    });
    expect(b()?.rows).toEqual([{ id: 2 }]);
  });

  it('with one role granted, a call needing a permission outside it is 403 accessDenied', async () => {
    const role = ['getData', 'create', 'updateData', 'createSnapshot'].map((p) => `bigquery.tables.${p}`);
    stub.model.grantOnly('p.d', role);
    const snapshot = { operationType: 'SNAPSHOT' } as const;
    await expect(
      d()
        .table('a')
        .createCopyJob(d().table('s'), { ...snapshot, destinationExpirationTime: '4102444800000' }),
    ).rejects.toMatchObject({
      code: 403,
      message: expect.stringContaining('bigquery.tables.deleteSnapshot'),
    });
    await d().table('a').createCopyJob(d().table('s'), snapshot);
    await expect(d().table('a').setMetadata({ labels: {} })).rejects.toMatchObject({ code: 403 });
  });

  it('CREATE OR REPLACE TABLE … AS SELECT replaces the layout; its dry run changes nothing', async () => {
    const query =
      "CREATE OR REPLACE TABLE `p.d.b` PARTITION BY RANGE_BUCKET(id, GENERATE_ARRAY(0, 10, 1)) OPTIONS(labels = [('k', 'v')]) AS SELECT * FROM `p.d.a`";
    await client.createQueryJob({ query, dryRun: true });
    expect(b()?.rangePartitioning).toBeUndefined();
    await client.query(query);
    expect(b()).toMatchObject({
      rows: [{ id: 1 }],
      labels: { k: 'v' },
      rangePartitioning: { range: { end: '10' } },
    });
  });
});
