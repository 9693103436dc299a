import { copyPermissions, runCopyJob } from './copy.js';
import { bigQueryError, duplicate, StubError } from './errors.js';
import { isComplete, type QueryEngine, type StubJob } from './jobs.js';
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

export interface Route {
  /** The REST method's name in the BigQuery reference (`tables.get`); faults and records use it. */
  name: string;
  /** Method and path under `/bigquery/v2/projects/:projectId`; `:name` segments are captured. */
  at: `${'GET' | 'POST' | 'PATCH' | 'DELETE'} /${string}`;
  /** IAM permissions the call needs (the reference's "Required permissions"), checked after `grantOnly`. */
  needs?(context: RouteContext): [resource: string, permission: string][];
  handle(context: RouteContext): unknown;
}

const requireDataset = ({ model, ids }: RouteContext) => model.requireDataset(ids.projectId, ids.datasetId);
const requireTable = ({ model, ids }: RouteContext) => model.requireTable(ids.table);
const on =
  (scope: 'dataset' | 'table', permission: string) =>
  ({ ids }: RouteContext) =>
    [[ids[scope], `bigquery.${permission}`]] as [string, string][];

// One entry per REST method; each answers the resource its reference page describes (see resources.ts).
export const routes: Route[] = [
  {
    name: 'datasets.get',
    at: 'GET /datasets/:datasetId',
    needs: on('dataset', 'datasets.get'),
    handle: (context) => resource.dataset(requireDataset(context)),
  },
  {
    name: 'datasets.insert',
    at: 'POST /datasets',
    handle({ model, ids: { projectId }, body }) {
      const { datasetReference, location, labels, description } = body;
      const fields = { location, labels, description };
      return resource.dataset(
        model.addDataset({ projectId, datasetId: datasetReference.datasetId, ...fields }),
      );
    },
  },
  {
    name: 'tables.get',
    at: 'GET /datasets/:datasetId/tables/:tableId',
    needs: on('table', 'tables.get'),
    handle: (context) => resource.table(requireTable(context)),
  },
  {
    name: 'tables.list',
    at: 'GET /datasets/:datasetId/tables',
    needs: on('dataset', 'tables.list'),
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
    needs: on('dataset', 'tables.create'),
    handle(context) {
      const { model, body } = context;
      const { projectId, datasetId } = requireDataset(context);
      const { tableReference, schema, labels, description, expirationTime } = body;
      const ref = { projectId, datasetId, tableId: tableReference.tableId };
      if (model.getTable(ref)) throw duplicate('Table', `${projectId}:${datasetId}.${ref.tableId}`);
      const fields = {
        schema: schema?.fields ?? [],
        labels,
        description,
        expirationTime: Number(expirationTime) || undefined,
      };
      return resource.table(model.addTable({ ...ref, ...fields }));
    },
  },
  {
    name: 'tables.patch',
    at: 'PATCH /datasets/:datasetId/tables/:tableId',
    needs: on('table', 'tables.update'),
    handle(context) {
      const table = requireTable(context);
      const { labels, description, expirationTime } = context.body;
      // PATCH semantics: fields left out stay; null clears one, and a label set to null is removed.
      const merged = Object.entries({ ...table.labels, ...labels }).filter(([, value]) => value !== null);
      const patch = {
        ...(labels && { labels: Object.fromEntries(merged) }),
        ...(description !== undefined && { description: description ?? undefined }),
        ...(expirationTime !== undefined && { expirationTime: Number(expirationTime) || undefined }),
      };
      return resource.table(context.model.updateTable(table, patch));
    },
  },
  {
    name: 'tables.delete',
    at: 'DELETE /datasets/:datasetId/tables/:tableId',
    needs: on('table', 'tables.delete'),
    handle(context) {
      context.model.deleteTable(requireTable(context));
    },
  },
  {
    name: 'tables.testIamPermissions',
    at: 'POST /datasets/:datasetId/tables/:tableId:testIamPermissions',
    handle(context) {
      requireTable(context);
      const asked: string[] = context.body.permissions;
      return { permissions: asked.filter((p) => context.model.hasPermission(context.ids.table, p)) };
    },
  },
  {
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query (QueryResponse). A dry run creates no
    // job; JobCreationReason is reported only in JOB_CREATION_OPTIONAL mode (…/rest/v2/JobCreationReason).
    name: 'jobs.query',
    at: 'POST /queries',
    async handle(context) {
      const { engine, body } = context;
      const { projectId } = context.ids;
      const job = engine.run({
        projectId,
        location: body.location,
        query: body,
        dryRun: body.dryRun === true,
        configuration: { query: body },
      });
      const kind = 'bigquery#queryResponse';
      const jobReference = resource.jobReference(job);
      if (job.dryRun) {
        const priced = { schema: { fields: job.schema }, totalBytesProcessed: String(job.bytesProcessed) };
        return { kind, jobReference, ...priced, jobComplete: true, cacheHit: false };
      }
      const optional = body.jobCreationMode === 'JOB_CREATION_OPTIONAL';
      const reason = (code: string) => (optional ? { jobCreationReason: { code } } : {});
      await waitForJob(context, job, body.timeoutMs);
      if (!isComplete(job)) return { kind, jobReference, jobComplete: false, ...reason('LONG_RUNNING') };
      const int64Timestamps = body.formatOptions?.useInt64Timestamp === true;
      const page = resource.page(job, 0, pageSize(context, body.maxResults), int64Timestamps);
      const billed = { ...page, totalBytesBilled: String(job.bytesBilled) };
      // JOB_CREATION_OPTIONAL answers statelessly (queryId, no jobReference) when one page holds the result.
      if (optional && page.pageToken === undefined) return { kind, queryId: job.jobId, ...billed };
      return { kind, jobReference, ...reason(page.pageToken ? 'LARGE_RESULTS' : 'REQUESTED'), ...billed };
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
      const offset = Number(pageToken ?? startIndex ?? 0);
      const int64Timestamps = request.query['formatOptions.useInt64Timestamp'] === 'true';
      return {
        kind,
        jobReference,
        ...resource.page(job, offset, pageSize(context, maxResults), int64Timestamps),
      };
    },
  },
  {
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert answers a Job. A dry run (as the
    // official client's createQueryJob sends it) creates no job, and answers errors as HTTP errors: "an invalid
    // query will return the same error it would if it wasn't a dry run" (JobConfiguration.dryRun).
    name: 'jobs.insert',
    at: 'POST /jobs',
    needs: ({ body }) => copyPermissions(body.configuration.copy),
    handle({ engine, model, ids, body }) {
      const { configuration, jobReference } = body;
      const { query, copy, dryRun = false } = configuration;
      const start = {
        projectId: ids.projectId,
        jobId: jobReference?.jobId,
        location: jobReference?.location,
        configuration,
      };
      if (copy) return resource.job(engine.add(runCopyJob(model, start, copy)));
      return resource.job(engine.run({ ...start, query, dryRun }, !dryRun));
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

/** Waits, like BigQuery, up to `timeoutMs` (default 10 s) for the job to finish. */
async function waitForJob(context: RouteContext, job: StubJob, timeoutMs: unknown): Promise<void> {
  const remaining = job.completesAt - Date.now();
  if (remaining > 0 && !job.cancelled) await context.sleep(Math.min(remaining, Number(timeoutMs ?? 10_000)));
}

function pageSize(context: RouteContext, maxResults: unknown): number {
  return Math.max(1, Math.min(Number(maxResults ?? Number.POSITIVE_INFINITY), context.maxPageRows));
}
