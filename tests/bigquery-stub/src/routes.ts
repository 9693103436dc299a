import { copyPermissions, runCopyJob } from './copy.js';
import { bigQueryError, duplicate, StubError } from './errors.js';
import { isComplete, type QueryEngine, type QuerySpec, type StubJob } from './jobs.js';
import type { StubModel } from './model.js';
import * as resource from './resources.js';
import type { RecordedRequest } from './server.js';

export interface RouteContext {
  request: RecordedRequest;
  // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON body
  body: any;
  ids: Record<'projectId' | 'datasetId' | 'tableId' | 'jobId' | 'dataset' | 'table', string>;
  model: StubModel;
  engine: QueryEngine;
  /** Largest page returned, whatever `maxResults` asks (BigQuery caps pages at ~10 MB). */
  maxPageRows: number;
  sleep(ms: number): Promise<void>;
}

type Need = [resource: string, permission: string];

export interface Route {
  /** The REST method's name in the BigQuery reference (`tables.get`); faults and records use it. */
  name: string;
  /** Method and path under `/bigquery/v2/projects/:projectId`; `:name` segments are captured. */
  at: `${'GET' | 'POST' | 'PATCH' | 'DELETE'} /${string}`;
  /** IAM permissions the call needs (the reference's "Required permissions"), checked after `grantOnly`. */
  needs?(context: RouteContext): Need[];
  handle(context: RouteContext): unknown;
}

/** BigQuery waits up to 10 s for a query when the request sets no `timeoutMs`. */
const defaultWaitMs = 10_000;
const requireDataset = ({ model, ids }: RouteContext) => model.requireDataset(ids.projectId, ids.datasetId);
const requireTable = ({ model, ids }: RouteContext) => model.requireTable(ids.table);

// One entry per REST method; each answers the resource its reference page describes (see resources.ts).
export const routes: Route[] = [
  {
    name: 'datasets.get',
    at: 'GET /datasets/:datasetId',
    needs: ({ ids }) => [[ids.dataset, 'bigquery.datasets.get']],
    handle: (context) => resource.dataset(requireDataset(context)),
  },
  {
    name: 'datasets.insert',
    at: 'POST /datasets',
    handle({ model, ids: { projectId }, body }) {
      const datasetId: string = body?.datasetReference?.datasetId ?? '';
      if (!datasetId) throw bigQueryError('invalid', 'Required parameter is missing: datasetReference');
      if (model.getDataset(projectId, datasetId)) throw duplicate('Dataset', `${projectId}:${datasetId}`);
      const { location, labels, description, friendlyName } = body;
      const fields = { location, labels, description, friendlyName };
      return resource.dataset(model.addDataset({ projectId, datasetId, ...fields }));
    },
  },
  {
    name: 'tables.get',
    at: 'GET /datasets/:datasetId/tables/:tableId',
    needs: ({ ids }) => [[ids.table, 'bigquery.tables.get']],
    handle: (context) => resource.table(requireTable(context)),
  },
  {
    name: 'tables.list',
    at: 'GET /datasets/:datasetId/tables',
    needs: ({ ids }) => [[ids.dataset, 'bigquery.tables.list']],
    handle(context) {
      const { projectId, datasetId } = requireDataset(context);
      const tables = context.model.listTables(projectId, datasetId).map(resource.tableEntry);
      return { kind: 'bigquery#tableList', tables, totalItems: tables.length };
    },
  },
  {
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/insert: an existing table is 409
    // duplicate, which makes tables.insert usable as a lock.
    name: 'tables.insert',
    at: 'POST /datasets/:datasetId/tables',
    needs: ({ ids }) => [[ids.dataset, 'bigquery.tables.create']],
    handle(context) {
      const { model, body = {} } = context;
      const { projectId, datasetId } = requireDataset(context);
      const tableId: string = body.tableReference?.tableId ?? '';
      if (model.getTable({ projectId, datasetId, tableId }))
        throw duplicate('Table', `${projectId}:${datasetId}.${tableId}`);
      const { labels, description, expirationTime } = body;
      const expires = expirationTime === undefined ? undefined : Number(expirationTime);
      const fields = { schema: body.schema?.fields ?? [], labels, description, expirationTime: expires };
      return resource.table(model.addTable({ projectId, datasetId, tableId, ...fields }));
    },
  },
  {
    name: 'tables.patch',
    at: 'PATCH /datasets/:datasetId/tables/:tableId',
    needs: ({ ids }) => [[ids.table, 'bigquery.tables.update']],
    handle(context) {
      const table = requireTable(context);
      const { labels, description, friendlyName, expirationTime } = context.body ?? {};
      // PATCH semantics: fields left out stay; null clears one, and a label set to null is removed.
      const merged = Object.entries({ ...table.labels, ...labels }).filter(([, value]) => value !== null);
      const patch = {
        ...(labels !== undefined && { labels: Object.fromEntries(merged.map(([k, v]) => [k, String(v)])) }),
        ...(description !== undefined && { description: description ?? undefined }),
        ...(friendlyName !== undefined && { friendlyName: friendlyName ?? undefined }),
        ...(expirationTime !== undefined && {
          expirationTime: expirationTime === null ? undefined : Number(expirationTime),
        }),
      };
      return resource.table(context.model.updateTable(table, patch));
    },
  },
  {
    name: 'tables.delete',
    at: 'DELETE /datasets/:datasetId/tables/:tableId',
    needs: ({ model, ids }) => {
      const snapshot = model.getTable({ ...ids })?.type === 'SNAPSHOT';
      return [[ids.table, snapshot ? 'bigquery.tables.deleteSnapshot' : 'bigquery.tables.delete']];
    },
    handle(context) {
      context.model.deleteTable(requireTable(context));
    },
  },
  {
    name: 'tables.testIamPermissions',
    at: 'POST /datasets/:datasetId/tables/:tableId:testIamPermissions',
    handle(context) {
      requireTable(context);
      const asked: string[] = context.body?.permissions ?? [];
      return { permissions: asked.filter((p) => context.model.hasPermission(context.ids.table, p)) };
    },
  },
  {
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query (QueryResponse). A dry run creates no
    // job; JobCreationReason is reported only in JOB_CREATION_OPTIONAL mode (…/rest/v2/JobCreationReason).
    name: 'jobs.query',
    at: 'POST /queries',
    async handle(context) {
      const { engine, body = {} } = context;
      const { labels, jobTimeoutMs, location } = body;
      const configuration = { query: body, labels, jobTimeoutMs };
      const spec = { projectId: context.ids.projectId, query: body, dryRun: body.dryRun === true, location };
      const job = engine.run({ ...spec, configuration, body });
      const kind = 'bigquery#queryResponse';
      const jobReference = resource.jobReference(job);
      if (job.dryRun) {
        const priced = { schema: { fields: job.schema }, totalBytesProcessed: String(job.bytesProcessed) };
        return { kind, jobReference, ...priced, jobComplete: true, cacheHit: false };
      }
      const optional = body.jobCreationMode === 'JOB_CREATION_OPTIONAL';
      const reason = (code: string) => (optional ? { jobCreationReason: { code } } : {});
      await waitForJob(context, job, body.timeoutMs);
      if (!isComplete(job)) {
        engine.register(job);
        return { kind, jobReference, jobComplete: false, ...reason('LONG_RUNNING') };
      }
      const int64Timestamps = body.formatOptions?.useInt64Timestamp === true;
      const page = resource.page(job, 0, pageSize(context, body.maxResults), int64Timestamps);
      const billed = { ...page, totalBytesBilled: String(job.bytesBilled) };
      // JOB_CREATION_OPTIONAL answers statelessly (queryId, no jobReference) when one page holds the result.
      if (optional && page.pageToken === undefined) return { kind, queryId: job.jobId, ...billed };
      engine.register(job);
      const created = reason(page.pageToken ? 'LARGE_RESULTS' : 'REQUESTED');
      return { kind, jobReference, ...created, ...billed };
    },
  },
  {
    // GetQueryResultsResponse: no totalBytesBilled (only jobs.query and the job's statistics carry it).
    name: 'jobs.getQueryResults',
    at: 'GET /queries/:jobId',
    async handle(context) {
      const { request, engine, ids } = context;
      const job = engine.find(ids.projectId, ids.jobId);
      await waitForJob(context, job, request.query.timeoutMs);
      if (job.cancelled) throw bigQueryError('stopped');
      const failure = job.errorResult;
      if (failure) throw new StubError(failure.status ?? 400, failure.reason, failure.message);
      const kind = 'bigquery#getQueryResultsResponse';
      const jobReference = resource.jobReference(job);
      if (!isComplete(job)) return { kind, jobReference, jobComplete: false };
      const { pageToken, startIndex, maxResults } = request.query;
      const offset = pageToken ? resource.pageOffset(pageToken) : Number(startIndex ?? 0);
      const int64Timestamps = request.query['formatOptions.useInt64Timestamp'] === 'true';
      const page = resource.page(job, offset, pageSize(context, maxResults), int64Timestamps);
      return { kind, jobReference, ...page };
    },
  },
  {
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert answers a Job. A dry run (as the
    // official client's createQueryJob sends it) creates no job, and answers errors as HTTP errors: "an invalid
    // query will return the same error it would if it wasn't a dry run" (JobConfiguration.dryRun).
    name: 'jobs.insert',
    at: 'POST /jobs',
    needs: ({ body }) => copyPermissions(body?.configuration?.copy),
    handle({ engine, model, ids, body = {} }) {
      const { configuration = {}, jobReference: { jobId = undefined, location = undefined } = {} } = body;
      const { query, copy, dryRun } = configuration;
      if (!query && !copy) throw bigQueryError('invalid', 'stub: only query and copy jobs are implemented');
      engine.claim(ids.projectId, jobId);
      const start = { projectId: ids.projectId, jobId, location, configuration };
      if (copy) return resource.job(engine.register(runCopyJob(model, start, copy)));
      const spec: QuerySpec = { ...start, query, dryRun: dryRun === true, body };
      if (spec.dryRun) return resource.job(engine.run(spec));
      return resource.job(engine.register(engine.start(spec)));
    },
  },
  {
    name: 'jobs.get',
    at: 'GET /jobs/:jobId',
    handle: ({ engine, ids }) => resource.job(engine.find(ids.projectId, ids.jobId)),
  },
  {
    name: 'jobs.cancel',
    at: 'POST /jobs/:jobId/cancel',
    handle({ engine, ids }) {
      const job = engine.find(ids.projectId, ids.jobId);
      if (!isComplete(job)) job.cancelled = true;
      return { kind: 'bigquery#jobCancelResponse', job: resource.job(job) };
    },
  },
];

/** Waits, like BigQuery, up to `timeoutMs` for the job to finish. */
async function waitForJob(context: RouteContext, job: StubJob, timeoutMs: unknown): Promise<void> {
  const budget = timeoutMs === undefined ? defaultWaitMs : Number(timeoutMs);
  const remaining = job.completesAt - Date.now();
  if (remaining > 0 && !job.cancelled) await context.sleep(Math.min(remaining, budget));
}

function pageSize(context: RouteContext, maxResults: unknown): number {
  const asked = maxResults === undefined ? Number.POSITIVE_INFINITY : Number(maxResults);
  return Math.max(1, Math.min(asked, context.maxPageRows));
}
