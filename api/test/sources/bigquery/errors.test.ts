import {
  bigQueryError,
  cartoTilesetHandler,
  type ErrorReason,
  type QueryHandler,
} from '@tilestack/bigquery-stub';
import { addTestTileset, BILLING_PROJECT } from '@tilestack/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StubbedBigQuery, startStubbedBigQuery } from '../../support/bigquery.js';

const BUDGET_MS = 300;
let bq: StubbedBigQuery;
let tileset: string;

beforeEach(async () => {
  bq = await startStubbedBigQuery();
  tileset = addTestTileset(bq.stub, { tableId: 'buildings' });
});
afterEach(() => bq.close());

/** Loads the tileset first so the fault hits the tile query itself. */
async function tileFailure() {
  await bq.source.getTileset(tileset);
  return bq.source.getTile(tileset, 6, 15, 24);
}

it.each<ErrorReason>(['accessDenied', 'notFound'])('answers 404 when tables.get says %s', async (reason) => {
  bq.stub.inject({ route: 'tables.get', error: reason });
  await expect(bq.source.getTileset(tileset)).rejects.toMatchObject({
    statusCode: 404,
    code: 'not_found',
  });
  expect(bq.stub.requestsTo('jobs.query')).toHaveLength(0);
});

// Reasons and statuses as https://cloud.google.com/bigquery/docs/error-messages lists them.
it.each<[string, number, ReturnType<typeof bigQueryError>, number?]>([
  ['invalidQuery (our SQL)', 502, bigQueryError('invalidQuery', 'Unrecognized name: secret at [1:8]')],
  ['backendError (500)', 503, bigQueryError('backendError'), 5],
  ['backendError (503)', 503, bigQueryError('backendError', undefined, 503), 5],
  ['internalError (500)', 502, bigQueryError('internalError')],
  ['rateLimitExceeded', 503, bigQueryError('rateLimitExceeded'), 5],
  ['quotaExceeded', 503, bigQueryError('quotaExceeded'), 5],
  ['resourcesExceeded', 503, bigQueryError('resourcesExceeded')],
  ['billingTierLimitExceeded', 503, bigQueryError('billingTierLimitExceeded')],
  ['responseTooLarge', 503, bigQueryError('responseTooLarge')],
  ['accessDenied on the table', 404, bigQueryError('accessDenied')],
  ['notFound', 404, bigQueryError('notFound', 'Not found: Table carto-demo-data:demo_tilesets.buildings')],
])('maps %s on a tile query to %i without leaking BigQuery text', async (_, status, error, retryAfter) => {
  bq.stub.inject({ route: 'jobs.query', match: (r) => r.body?.labels?.kind === 'tile', error });
  const failure = (await tileFailure().catch((e: unknown) => e)) as Error & {
    statusCode?: number;
    retryAfterSeconds?: number;
  };
  expect([failure.statusCode, failure.retryAfterSeconds]).toEqual([status, retryAfter]);
  expect(failure.message).not.toContain(error.message);
  expect(bq.observer.queries.at(-1)).toMatchObject({ kind: 'tile', outcome: 'error' });
  // BigQuery's own words go to the log, for operators.
  const logged = bq.logs.lines.at(-1)?.upstream;
  expect(logged).toEqual({ status: error.status, reasons: [error.reason], message: error.message });
});

it.each([
  ['billingNotEnabled', bigQueryError('billingNotEnabled')],
  [
    'accessDenied on the billing project',
    bigQueryError(
      'accessDenied',
      'Access Denied: Project tilestack-tests: no bigquery.jobs.create permission',
    ),
  ],
])(
  'answers %s (our deployment, not missing data) with 503 and an ERROR log naming the cause',
  async (reason, error) => {
    bq.stub.inject({ route: 'jobs.query', error });

    await expect(bq.source.getTileset(tileset)).rejects.toMatchObject({ statusCode: 503 });
    // The ERROR line names the cause and what to check.
    const logged = bq.logs.errors().at(-1)?.msg;
    expect(logged).toContain(reason.split(' ')[0]);
    expect(logged).toContain('BIGQUERY_BILLING_PROJECT');
  },
);

it('remembers a failed tileset load only briefly', async () => {
  bq.stub.inject({ route: 'tables.get', error: 'internalError', times: 1 });

  await expect(bq.source.getTileset(tileset)).rejects.toMatchObject({ statusCode: 502 });
  await expect(bq.source.getTileset(tileset)).rejects.toMatchObject({ statusCode: 502 });
  expect(bq.stub.requestsTo('tables.get')).toHaveLength(1);
});

describe('BigQuery source: time budget', () => {
  beforeEach(async () => {
    await bq.close();
    bq = await startStubbedBigQuery({ BIGQUERY_TIMEOUT_MS: String(BUDGET_MS) });
    tileset = addTestTileset(bq.stub, { tableId: 'buildings' });
  });

  it.each(['tables.get', 'jobs.query'] as const)(
    'answers 504, quickly, when %s does not answer',
    async (route) => {
      if (route === 'jobs.query') await bq.source.getTileset(tileset);
      bq.stub.inject({ route, delayMs: 5_000 });
      const started = Date.now();

      await expect(bq.source.getTile(tileset, 6, 15, 24)).rejects.toMatchObject({ statusCode: 504 });

      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS - 20);
      expect(elapsed).toBeLessThan(BUDGET_MS + 700);
    },
  );

  it('gives up on a query still running at the deadline, and cancels its job', async () => {
    await bq.source.getTileset(tileset);
    const slowTiles: QueryHandler = ({ query }) =>
      query.includes('@partition')
        ? { schema: [{ name: 'data', type: 'BYTES' }], rows: [], runMs: 5_000 }
        : undefined;
    bq.stub.setQueryHandlers(slowTiles, cartoTilesetHandler);
    bq.stub.clearRequests();

    await expect(bq.source.getTile(tileset, 6, 15, 24)).rejects.toMatchObject({ statusCode: 504 });

    const [pending] = bq.stub.requestsTo('jobs.query');
    expect(pending?.body.timeoutMs).toBeLessThan(BUDGET_MS);
    await expect.poll(() => bq.stub.requestsTo('jobs.cancel').length).toBe(1);
  });
});

it('pings with a dry run sent the way the official client sends one: jobs.insert, nothing to poll', async () => {
  await bq.source.ping();

  const path = `/bigquery/v2/projects/${BILLING_PROJECT}/jobs`;
  expect(bq.stub.requests.map((r) => [r.route, r.path])).toEqual([['jobs.insert', path]]);
  expect(bq.stub.requests[0]?.body.configuration).toMatchObject({
    dryRun: true,
    query: { query: 'SELECT 1', useLegacySql: false },
    labels: { app: 'tilestack', kind: 'ping' },
  });
});

it('fails readiness with 503 when BigQuery refuses our identity, and logs why', async () => {
  bq.stub.inject({ route: 'jobs.insert', error: 'billingNotEnabled' });

  await expect(bq.source.ping()).rejects.toMatchObject({ statusCode: 503 });
  expect(bq.logs.errors().at(-1)?.msg).toContain('billingNotEnabled');
});
