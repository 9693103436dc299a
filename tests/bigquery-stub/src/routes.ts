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
  /**
   * IAM permissions the call needs (the reference's "Required permissions"), checked after `grantOnly`:
   * one on the path's dataset or table (`bigquery.` left out), or a list worked out from the request.
   */
  needs?:
    | ['dataset' | 'table', string]
    | ((context: RouteContext) => [resource: string, permission: string][]);
  handle(context: RouteContext): unknown;
}

const requireDataset = ({ model, ids }: RouteContext) => model.requireDataset(ids.projectId, ids.datasetId);
const requireTable = ({ model, ids }: RouteContext) => model.requireTable(ids.table);

// One entry per REST method; each answers the resource its reference page describes (see resources.ts).
export const routes: Route[] = [
  {
    name: 'datasets.get',
    at: 'GET /datasets/:datasetId',
    needs: ['dataset', 'datasets.get'],
    handle: (context) => resource.dataset(requireDataset(context)),
  },
  {
    name: 'datasets.insert',
    at: 'POST /datasets',
    handle({ model, ids, body: { datasetReference, location, labels, description } }) {
      const { projectId } = ids;
      return resource.dataset(
        model.addDataset({ ...datasetReference, projectId, location, labels, description }),
      );
    },
  },
  {
    name: 'tables.get',
    at: 'GET /datasets/:datasetId/tables/:tableId',
    needs: ['table', 'tables.get'],
    handle: (context) => resource.table(requireTable(context)),
  },
  {
    name: 'tables.list',
    at: 'GET /datasets/:datasetId/tables',
    needs: ['dataset', 'tables.list'],
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
    needs: ['dataset', 'tables.create'],
    handle(context) {
      const { projectId, datasetId } = requireDataset(context);
      const { tableReference, schema, labels, description, expirationTime } = context.body;
      const ref = { projectId, datasetId, tableId: tableReference.tableId };
      if (context.model.getTable(ref)) throw duplicate('Table', `${projectId}:${datasetId}.${ref.tableId}`);
      const expires = Number(expirationTime) || undefined;
      const table = { ...ref, schema: schema?.fields ?? [], labels, description, expirationTime: expires };
      return resource.table(context.model.addTable(table));
    },
  },
  {
    name: 'tables.patch',
    at: 'PATCH /datasets/:datasetId/tables/:tableId',
    needs: ['table', 'tables.update'],
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
    needs: ['table', 'tables.delete'],
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
      const { location, dryRun, timeoutMs, maxResults } = body;
      const job = engine.run({
        projectId: context.ids.projectId,
        location,
        configuration: { query: body, dryRun },
      });
      const kind = 'bigquery#queryResponse';
      const jobReference = resource.jobReference(job);
      if (job.dryRun) {
        const priced = { schema: { fields: job.schema }, totalBytesProcessed: String(job.bytesProcessed) };
        return { kind, jobReference, ...priced, jobComplete: true, cacheHit: false };
      }
      const optional = body.jobCreationMode === 'JOB_CREATION_OPTIONAL';
      const reason = (code: string) => (optional ? { jobCreationReason: { code } } : {});
      const int64Timestamps = body.formatOptions?.useInt64Timestamp === true;
      const page = await results(context, job, { timeoutMs, maxResults, offset: 0, int64Timestamps });
      if (!page) return { kind, jobReference, jobComplete: false, ...reason('LONG_RUNNING') };
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
      const { timeoutMs, pageToken, startIndex, maxResults } = request.query;
      const job = engine.find(ids.projectId, ids.jobId);
      const int64Timestamps = request.query['formatOptions.useInt64Timestamp'] === 'true';
      const offset = Number(pageToken ?? startIndex ?? 0);
      const page = await results(context, job, { timeoutMs, maxResults, offset, int64Timestamps });
      if (job.cancelled) throw bigQueryError('stopped');
      const failure = job.errorResult;
      if (failure) throw new StubError(failure.status ?? 400, failure.reason, failure.message);
      const kind = 'bigquery#getQueryResultsResponse';
      return { kind, jobReference: resource.jobReference(job), ...(page ?? { jobComplete: false }) };
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
      const { configuration, jobReference: ref } = body;
      const start = { projectId: ids.projectId, jobId: ref?.jobId, location: ref?.location, configuration };
      if (configuration.copy) return resource.job(engine.add(runCopyJob(model, start, configuration.copy)));
      return resource.job(engine.run(start, configuration.dryRun !== true));
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

/**
 * Waits, like BigQuery, up to `timeoutMs` (default 10 s) for the job to finish, then answers the page at
 * `offset` of at most `maxResults` rows (and `maxPageRows`); undefined while it runs.
 */
async function results(context: RouteContext, job: StubJob, options: Record<string, unknown>) {
  const remaining = job.completesAt - Date.now();
  const wait = Math.min(remaining, Number(options.timeoutMs ?? 10_000));
  if (remaining > 0 && !job.cancelled) await context.sleep(wait);
  if (!isComplete(job)) return undefined;
  const size = Math.max(
    1,
    Math.min(Number(options.maxResults ?? Number.POSITIVE_INFINITY), context.maxPageRows),
  );
  return resource.page(job, Number(options.offset), size, options.int64Timestamps === true);
}
