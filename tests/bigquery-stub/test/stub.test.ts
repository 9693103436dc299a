import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addCartoTileset,
  type BigQueryStub,
  bigQueryError,
  cartoTilesetHandler,
  geoJsonTableHandler,
  startBigQueryStub,
} from '../src/index.js';

let stub: BigQueryStub;
let client: BigQuery;

beforeEach(async () => {
  stub = await startBigQueryStub();
  client = new BigQuery({
    projectId: 'billing-project',
    apiEndpoint: stub.url,
    authClient: new PassThroughClient(),
    retryOptions: { autoRetry: false },
  });
});
afterEach(() => stub.close());

/** jobs.query with exactly this body, answered with the raw response. */
// biome-ignore lint/suspicious/noExplicitAny: raw REST response
const rawQuery = (json: Record<string, unknown>): Promise<any> =>
  new Promise((resolve, reject) =>
    client.request({ method: 'POST', uri: '/queries', json }, (e, body) => (e ? reject(e) : resolve(body))),
  );

const people = () =>
  stub.model.addTable({
    projectId: 'data-project',
    datasetId: 'demo',
    tableId: 'people',
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
    labels: { owner: 'tests' },
  });

const selectPeople: Parameters<BigQueryStub['onQuery']>[0] = ({ query, model }) => {
  if (!query.includes('`data-project.demo.people`')) return undefined;
  const table = model.requireTable('data-project.demo.people');
  return { schema: table.schema, rows: table.rows, bytesProcessed: 1000 };
};

describe('BigQuery stub with the real client', () => {
  it('serves tables.get and datasets.get as BigQuery renders them', async () => {
    const table = people();

    const [metadata] = await client
      .dataset('demo', { projectId: 'data-project' })
      .table('people')
      .getMetadata();
    const [dataset] = await client.dataset('demo', { projectId: 'data-project' }).getMetadata();

    expect(metadata).toMatchObject({
      kind: 'bigquery#table',
      id: 'data-project:demo.people',
      tableReference: { projectId: 'data-project', datasetId: 'demo', tableId: 'people' },
      type: 'TABLE',
      numRows: '5',
      lastModifiedTime: String(table.lastModifiedTime),
      location: 'US',
      labels: { owner: 'tests' },
    });
    expect(dataset).toMatchObject({ id: 'data-project:demo', location: 'US' });
  });

  it('answers a one-page JOB_CREATION_OPTIONAL query statelessly, in the wire format the client parses', async () => {
    people();
    stub.onQuery(selectPeople);

    const [rows] = await client.query({
      query: 'SELECT * FROM `data-project.demo.people`',
      jobCreationMode: 'JOB_CREATION_OPTIONAL',
    });

    expect(rows).toHaveLength(5);
    expect(rows[0].id).toBe(1);
    expect(rows[0].photo).toEqual(Buffer.from([1]));
    expect(rows[0].seen.value).toBe('2024-01-01T00:00:00.000Z');
    const [request] = stub.requestsTo('jobs.query');
    expect(request?.path).toBe('/bigquery/v2/projects/billing-project/queries');
    expect(request?.body.jobCreationMode).toBe('JOB_CREATION_OPTIONAL');
    expect(stub.requestsTo('jobs.getQueryResults')).toEqual([]);
  });

  it('creates a job and pages through getQueryResults when a page cannot hold the result', async () => {
    people();
    stub.onQuery(selectPeople);
    stub.maxPageRows = 2;

    const [rows] = await client.query({
      query: 'SELECT * FROM `data-project.demo.people`',
      jobCreationMode: 'JOB_CREATION_OPTIONAL',
    });

    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(stub.requestsTo('jobs.getQueryResults').map((r) => Boolean(r.query.pageToken))).toEqual([
      true,
      true,
    ]);
  });

  it('supports the jobs.insert path the client falls back to', async () => {
    people();
    stub.onQuery(selectPeople);

    const [rows] = await client.query({
      query: 'SELECT * FROM `data-project.demo.people`',
      jobTimeoutMs: 5000,
    });

    expect(rows).toHaveLength(5);
    expect(stub.requestsTo('jobs.insert')[0]?.body.configuration.jobTimeoutMs).toBe('5000');
  });

  it('decodes named parameters for handlers and records the request', async () => {
    let seen: Record<string, unknown> = {};
    stub.onQuery(({ query, params }) => {
      seen = params;
      return query.startsWith('SELECT @')
        ? { schema: [{ name: 'x', type: 'INTEGER' }], rows: [] }
        : undefined;
    });

    await client.query({ query: 'SELECT @z', params: { z: 3, name: 'a', list: [1, 2] } });

    expect(seen).toEqual({ z: 3, name: 'a', list: [1, 2] });
    expect(stub.requests.map((r) => r.route)).toEqual(['jobs.query']);
  });

  it('answers BigQuery errors the client turns into ApiErrors', async () => {
    stub.inject({ route: 'jobs.query', error: 'rateLimitExceeded', times: 1 });

    await expect(client.query('SELECT 1')).rejects.toMatchObject({
      code: 403,
      errors: [{ reason: 'rateLimitExceeded' }],
    });
    await expect(client.query('SELECT 1')).resolves.toBeDefined();
    await expect(client.query('SELECT nonsense')).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalidQuery' }],
    });
    await expect(client.dataset('nope').getMetadata()).rejects.toMatchObject({ code: 404 });
  });

  it('applies maximumBytesBilled with BigQuery billing rules', async () => {
    people();
    stub.onQuery(selectPeople);

    await expect(
      client.query({ query: 'SELECT * FROM `data-project.demo.people`', maximumBytesBilled: '1000000' }),
    ).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'bytesBilledLimitExceeded' }],
      message: expect.stringContaining('10485760 or higher required'),
    });
  });

  it('reports unfinished queries and lets them be polled and cancelled', async () => {
    stub.onQuery(() => ({ schema: [{ name: 'x', type: 'INTEGER' }], rows: [{ x: 7 }], runMs: 300 }));
    const [job] = await client.createQueryJob({ query: 'SELECT slow' });

    expect(job.metadata.status.state).toBe('RUNNING');
    const [rows] = await job.getQueryResults();
    expect(rows).toEqual([{ x: 7 }]);

    const [other] = await client.createQueryJob({ query: 'SELECT slow' });
    await other.cancel();
    await expect(other.getQueryResults()).rejects.toMatchObject({ errors: [{ reason: 'stopped' }] });
  });

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

  it('refuses legacy SQL (the REST default) and unknown routes', async () => {
    await expect(rawQuery({ query: 'SELECT 1' })).rejects.toMatchObject({ code: 400 });
    await expect(client.dataset('demo').delete()).rejects.toMatchObject({ code: 404 });
    expect(stub.requests.at(-1)?.route).toBeNull();
  });
});

describe('BigQuery stub: documented shapes', () => {
  const sql = { useLegacySql: false };

  it('parses every statement with the BigQuery grammar before any handler sees it', async () => {
    stub.onQuery(() => ({ schema: [], rows: [] })); // would accept anything
    const wrongAliasOrder =
      'SELECT COUNT(*) AS n FROM `p.d.t` FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@as_of_ms) AS t';

    for (const query of [wrongAliasOrder, 'SELECT data FROM `p.d.t` WHERE']) {
      await expect(rawQuery({ ...sql, query })).rejects.toMatchObject({
        code: 400,
        errors: [
          { reason: 'invalidQuery', message: expect.stringMatching(/^Syntax error: .+ at \[1:\d+\]$/) },
        ],
      });
    }
    await expect(rawQuery({ ...sql, query: wrongAliasOrder })).rejects.toMatchObject({
      message: `Syntax error: Unexpected keyword AS at [1:${wrongAliasOrder.lastIndexOf(' AS t') + 2}]`,
    });
    // jobs.insert: a dry run answers the error; a real job is created DONE with status.errorResult.
    await expect(client.createQueryJob({ query: 'SELECT FROM', dryRun: true })).rejects.toMatchObject({
      code: 400,
      errors: [{ reason: 'invalidQuery' }],
    });
    await expect(client.createQueryJob({ query: 'SELECT FROM', jobId: 'bad' })).rejects.toMatchObject({
      errors: [{ reason: 'invalidQuery' }],
    });
    const [failed] = await client.job('bad').getMetadata();
    expect(failed.status).toMatchObject({ state: 'DONE', errorResult: { reason: 'invalidQuery' } });
    await expect(client.job('bad').getQueryResults()).rejects.toMatchObject({ code: 400 });
  });

  // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query (QueryResponse, JobCreationReason)
  it('answers jobs.query with a job, and with a reason only in JOB_CREATION_OPTIONAL mode', async () => {
    const plain = await rawQuery({ ...sql, query: 'SELECT 1' });
    const optional = await rawQuery({ ...sql, query: 'SELECT 1', jobCreationMode: 'JOB_CREATION_OPTIONAL' });

    expect(plain).toMatchObject({ jobComplete: true, jobReference: { projectId: 'billing-project' } });
    expect(plain.jobReference.jobId).toEqual(expect.any(String));
    expect(plain).not.toHaveProperty('jobCreationReason');
    expect(plain).not.toHaveProperty('queryId');
    expect(optional).toMatchObject({ jobComplete: true, queryId: expect.any(String), totalBytesBilled: '0' });
    expect(optional).not.toHaveProperty('jobReference');
  });

  it('answers dry runs, by jobs.query and by jobs.insert (the official client), without a job id', async () => {
    people();
    stub.onQuery(selectPeople);
    const query = 'SELECT * FROM `data-project.demo.people`';

    const viaQuery = await rawQuery({ ...sql, query, dryRun: true });
    const [job] = await client.createQueryJob({ query, dryRun: true });

    expect(viaQuery).toMatchObject({
      jobComplete: true,
      totalBytesProcessed: '1000',
      jobReference: { location: 'US' },
    });
    expect(viaQuery.jobReference).not.toHaveProperty('jobId');
    expect(stub.requestsTo('jobs.insert')[0]?.body.configuration.dryRun).toBe(true);
    expect(job.metadata).toMatchObject({
      status: { state: 'DONE' },
      statistics: { query: { totalBytesProcessed: '1000' } },
    });
    expect(job.metadata.jobReference).not.toHaveProperty('jobId');
    expect(job.metadata.statistics.query).not.toHaveProperty('totalBytesBilled');
  });

  // jobs.getQueryResults has no totalBytesBilled; jobs.get carries it in statistics.query once DONE.
  it('reports bytes billed of a slow query only in the finished job statistics', async () => {
    stub.onQuery(() => ({
      schema: [{ name: 'x', type: 'INTEGER' }],
      rows: [{ x: 1 }],
      bytesProcessed: 1,
      runMs: 200,
    }));
    const first = await rawQuery({ ...sql, query: 'SELECT slow', timeoutMs: 0 });
    const { jobId } = first.jobReference;
    const running = await new Promise<{ statistics: { query: object } }>((resolve, reject) =>
      client.request({ uri: `/jobs/${jobId}` }, (e, body) => (e ? reject(e) : resolve(body))),
    );
    const [rows, , results] = await client.job(jobId).getQueryResults();
    const [done] = await client.job(jobId).getMetadata();

    expect(first).toMatchObject({ jobComplete: false });
    expect(first).not.toHaveProperty('totalBytesBilled');
    expect(running.statistics.query).not.toHaveProperty('totalBytesBilled');
    expect(rows).toEqual([{ x: 1 }]);
    expect(results).not.toHaveProperty('totalBytesBilled');
    expect(done.statistics.query.totalBytesBilled).toBe(String(10 * 1024 * 1024));
  });

  it.each([
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
  ] as const)('answers %s with HTTP %i, as the error-messages reference lists it', async (reason, status) => {
    stub.inject({ route: 'jobs.query', error: reason });

    await expect(rawQuery({ ...sql, query: 'SELECT 1' })).rejects.toMatchObject({
      code: status,
      errors: [{ reason }],
    });
  });
});

describe('BigQuery stub: ready-made handlers', () => {
  const tileset = { projectId: 'data-project', datasetId: 'tiles', tableId: 'ts' };
  const query = (sql: string, params: Record<string, unknown> = {}) =>
    client.query({ query: sql, params, jobCreationMode: 'JOB_CREATION_OPTIONAL' });

  beforeEach(() => {
    stub.onQuery(cartoTilesetHandler, geoJsonTableHandler);
    addCartoTileset(stub.model, {
      ...tileset,
      metadata: { minzoom: 0 },
      tiles: [
        { z: 1, x: 0, y: 1, carto_partition: 3, data: Buffer.from('a') },
        { z: 1, x: 1, y: 1, carto_partition: 4, data: Buffer.from('b') },
      ],
      numBytes: 5e9,
    });
  });

  it('answers the CARTO metadata, tile and self-check queries, filtering on stored partitions', async () => {
    const [metadata] = await query(
      'SELECT data FROM `data-project.tiles.ts` WHERE z = -1 AND carto_partition IS NULL LIMIT 1',
    );
    const tile =
      'SELECT data FROM `data-project.tiles.ts` WHERE carto_partition = @partition AND z = @z AND x = @x AND y = @y LIMIT 1';
    const [hit] = await query(tile, { partition: 3, z: 1, x: 0, y: 1 });
    const [miss] = await query(tile, { partition: 4, z: 1, x: 0, y: 1 });
    const [check] = await query(
      'SELECT z, x, y, carto_partition FROM `data-project.tiles.ts` WHERE carto_partition IN UNNEST(@partitions) LIMIT 100',
      { partitions: [4] },
    );

    expect(JSON.parse(metadata[0].data.toString())).toEqual({ minzoom: 0 });
    expect(hit).toEqual([{ data: Buffer.from('a') }]);
    expect(miss).toEqual([]);
    expect(check).toEqual([{ z: 1, x: 1, y: 1, carto_partition: 4 }]);
  });

  it('bills an unfiltered tile query as a full scan of the table', async () => {
    const scan = 'SELECT data FROM `data-project.tiles.ts` WHERE z = @z AND x = @x AND y = @y LIMIT 1';

    const [rows] = await query(scan, { z: 1, x: 1, y: 1 });
    const response = await rawQuery({
      query: scan,
      useLegacySql: false,
      queryParameters: ['z', 'x', 'y'].map((name) => ({
        name,
        parameterType: { type: 'INT64' },
        parameterValue: { value: '1' },
      })),
    });

    expect(rows).toEqual([{ data: Buffer.from('b') }]);
    expect(Number(response.totalBytesBilled)).toBeGreaterThanOrEqual(5e9);
  });

  it('answers GeoJSON table queries with ST_ASGEOJSON text', async () => {
    stub.model.addTable({
      projectId: 'data-project',
      datasetId: 'demo',
      tableId: 'places',
      schema: [
        { name: 'name', type: 'STRING' },
        { name: 'geom', type: 'GEOGRAPHY' },
      ],
      rows: [{ name: 'x', geom: { type: 'Point', coordinates: [1, 2] } }],
    });

    const [rows] = await query(
      'SELECT ST_ASGEOJSON(`geom`) AS `g`, * EXCEPT (`geom`) FROM `data-project.demo.places`',
    );
    const [raw] = await client.dataset('demo', { projectId: 'data-project' }).table('places').getMetadata();

    expect(rows).toEqual([{ g: '{"type":"Point","coordinates":[1,2]}', name: 'x' }]);
    expect(raw.schema.fields.map((f: { type: string }) => f.type)).toEqual(['STRING', 'GEOGRAPHY']);
    await expect(
      query('SELECT ST_ASGEOJSON(`nope`) AS `g` FROM `data-project.demo.places`'),
    ).rejects.toMatchObject({
      errors: [{ reason: 'invalidQuery' }],
    });
  });

  it('lets a test replace the handlers to put a special case first', async () => {
    stub.setQueryHandlers(() => {
      throw bigQueryError('backendError', undefined, 503);
    });

    await expect(query('SELECT 1')).rejects.toMatchObject({ code: 503 });
  });
});
