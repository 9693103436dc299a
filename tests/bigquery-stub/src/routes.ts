import { type CopyConfiguration, runCopyJob } from './copy.js';
import { bigQueryError, StubError } from './errors.js';
import { isComplete, type QueryEngine, type StubJob } from './jobs.js';
import type { StubModel } from './model.js';
import {
  datasetResource,
  decodePageToken,
  jobReference,
  jobResource,
  resultPage,
  tableListEntry,
  tableResource,
} from './resources.js';
import type { RecordedRequest } from './types.js';

/** What a route handler gets: the request, the in-memory model, the query engine and a wait helper. */
export interface RouteContext {
  request: RecordedRequest;
  model: StubModel;
  engine: QueryEngine;
  /** Largest page the stub returns, whatever `maxResults` asks (BigQuery caps pages at ~10 MB). */
  maxPageRows: number;
  /** Resolves after `ms` (or at once when the stub closes). */
  sleep(ms: number): Promise<void>;
}

export interface RouteAnswer {
  status: number;
  body: unknown;
}

export interface Route {
  /** The REST method's name in the BigQuery reference, e.g. `tables.get`; faults and records use it. */
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under the endpoint; `:name` segments are captured into `request.pathParams`. */
  path: string;
  handle(context: RouteContext): RouteAnswer | Promise<RouteAnswer>;
}

const base = '/bigquery/v2/projects/:projectId';
/** BigQuery waits up to 10 s for a query when the request sets no `timeoutMs`. */
const defaultWaitMs = 10_000;

/**
 * The routing table: one entry per REST method the stub implements. A future route (copy jobs,
 * `tables.patch`, `tables.delete`, `datasets.insert`, …) is one more entry here, working on the
 * model through `StubModel`'s methods.
 */
export const routes: Route[] = [
  {
    name: 'datasets.get',
    method: 'GET',
    path: `${base}/datasets/:datasetId`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '' } = request.pathParams;
      const dataset = model.getDataset(projectId, datasetId);
      if (!dataset) throw bigQueryError('notFound', `Not found: Dataset ${projectId}:${datasetId}`);
      return { status: 200, body: datasetResource(dataset) };
    },
  },
  {
    name: 'tables.get',
    method: 'GET',
    path: `${base}/datasets/:datasetId/tables/:tableId`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '', tableId = '' } = request.pathParams;
      const table = model.getTable({ projectId, datasetId, tableId });
      if (!table) throw bigQueryError('notFound', `Not found: Table ${projectId}:${datasetId}.${tableId}`);
      return { status: 200, body: tableResource(model, table) };
    },
  },
  {
    name: 'datasets.insert',
    method: 'POST',
    path: `${base}/datasets`,
    handle({ request, model }) {
      const body = request.body ?? {};
      const projectId = request.pathParams.projectId ?? '';
      const datasetId: string = body.datasetReference?.datasetId ?? '';
      if (!datasetId) throw bigQueryError('invalid', 'Required parameter is missing: datasetReference');
      if (model.getDataset(projectId, datasetId))
        throw bigQueryError('duplicate', `Already Exists: Dataset ${projectId}:${datasetId}`);
      const dataset = model.addDataset({
        projectId,
        datasetId,
        location: body.location,
        labels: body.labels,
        description: body.description,
        friendlyName: body.friendlyName,
      });
      return { status: 200, body: datasetResource(dataset) };
    },
  },
  {
    name: 'tables.list',
    method: 'GET',
    path: `${base}/datasets/:datasetId/tables`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '' } = request.pathParams;
      if (!model.getDataset(projectId, datasetId))
        throw bigQueryError('notFound', `Not found: Dataset ${projectId}:${datasetId}`);
      const tables = model.listTables(projectId, datasetId).map(tableListEntry);
      return { status: 200, body: { kind: 'bigquery#tableList', tables, totalItems: tables.length } };
    },
  },
  {
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/insert: creating a table that
    // exists answers 409 duplicate, which makes tables.insert usable as a lock.
    name: 'tables.insert',
    method: 'POST',
    path: `${base}/datasets/:datasetId/tables`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '' } = request.pathParams;
      const body = request.body ?? {};
      const tableId: string = body.tableReference?.tableId ?? '';
      if (!model.getDataset(projectId, datasetId))
        throw bigQueryError('notFound', `Not found: Dataset ${projectId}:${datasetId}`);
      if (model.getTable({ projectId, datasetId, tableId }))
        throw bigQueryError('duplicate', `Already Exists: Table ${projectId}:${datasetId}.${tableId}`);
      const table = model.addTable({
        projectId,
        datasetId,
        tableId,
        schema: body.schema?.fields ?? [],
        labels: body.labels,
        description: body.description,
        expirationTime: body.expirationTime === undefined ? undefined : Number(body.expirationTime),
      });
      return { status: 200, body: tableResource(model, table) };
    },
  },
  {
    name: 'tables.patch',
    method: 'PATCH',
    path: `${base}/datasets/:datasetId/tables/:tableId`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '', tableId = '' } = request.pathParams;
      const ref = { projectId, datasetId, tableId };
      const table = model.getTable(ref);
      if (!table) throw bigQueryError('notFound', `Not found: Table ${projectId}:${datasetId}.${tableId}`);
      const body = request.body ?? {};
      const patch: Parameters<typeof model.updateTable>[1] = {};
      // PATCH semantics: fields left out stay; a label set to null is removed.
      if (body.labels !== undefined) {
        const labels = { ...table.labels };
        for (const [key, value] of Object.entries(body.labels ?? {})) {
          if (value === null) delete labels[key];
          else labels[key] = String(value);
        }
        patch.labels = labels;
      }
      if (body.description !== undefined) patch.description = body.description ?? undefined;
      if (body.friendlyName !== undefined) patch.friendlyName = body.friendlyName ?? undefined;
      if (body.expirationTime !== undefined)
        patch.expirationTime = body.expirationTime === null ? undefined : Number(body.expirationTime);
      return { status: 200, body: tableResource(model, model.updateTable(ref, patch)) };
    },
  },
  {
    name: 'tables.delete',
    method: 'DELETE',
    path: `${base}/datasets/:datasetId/tables/:tableId`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '', tableId = '' } = request.pathParams;
      if (!model.deleteTable({ projectId, datasetId, tableId }))
        throw bigQueryError('notFound', `Not found: Table ${projectId}:${datasetId}.${tableId}`);
      return { status: 204, body: undefined };
    },
  },
  {
    name: 'tables.testIamPermissions',
    method: 'POST',
    path: `${base}/datasets/:datasetId/tables/:tableId:testIamPermissions`,
    handle({ request, model }) {
      const { projectId = '', datasetId = '', tableId = '' } = request.pathParams;
      if (!model.getTable({ projectId, datasetId, tableId }))
        throw bigQueryError('notFound', `Not found: Table ${projectId}:${datasetId}.${tableId}`);
      const asked: string[] = request.body?.permissions ?? [];
      const resource = `${projectId}.${datasetId}.${tableId}`;
      return { status: 200, body: { permissions: asked.filter((p) => model.hasPermission(resource, p)) } };
    },
  },
  {
    name: 'jobs.query',
    method: 'POST',
    path: `${base}/queries`,
    async handle(context) {
      const { request, engine } = context;
      const body = request.body ?? {};
      const job = engine.run({
        projectId: request.pathParams.projectId ?? '',
        query: body.query,
        queryParameters: body.queryParameters,
        useLegacySql: body.useLegacySql,
        maximumBytesBilled: body.maximumBytesBilled,
        dryRun: body.dryRun === true,
        location: body.location,
        configuration: { query: body, labels: body.labels, jobTimeoutMs: body.jobTimeoutMs },
        body,
      });
      // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/query (QueryResponse). A dry run creates
      // no job: its jobReference has no jobId (as verified in googleapis/google-cloud-rust#6514).
      if (job.dryRun) {
        const priced = { schema: { fields: job.schema }, totalBytesProcessed: String(job.bytesProcessed) };
        const reference = { projectId: job.projectId, location: job.location };
        return {
          status: 200,
          body: {
            kind: 'bigquery#queryResponse',
            jobReference: reference,
            ...priced,
            jobComplete: true,
            cacheHit: false,
          },
        };
      }
      // JobCreationReason is reported only in JOB_CREATION_OPTIONAL mode
      // (https://cloud.google.com/bigquery/docs/reference/rest/v2/JobCreationReason).
      const optional = body.jobCreationMode === 'JOB_CREATION_OPTIONAL';
      const reason = (code: string) => (optional ? { jobCreationReason: { code } } : {});
      await waitForJob(context, job, body.timeoutMs);
      if (!isComplete(job)) {
        engine.register(job);
        const pending = { jobReference: jobReference(job), jobComplete: false, ...reason('LONG_RUNNING') };
        return { status: 200, body: { kind: 'bigquery#queryResponse', ...pending } };
      }
      const page = {
        ...resultPage(job, 0, pageSize(context, body.maxResults), {
          int64Timestamps: body.formatOptions?.useInt64Timestamp === true,
        }),
        totalBytesBilled: String(job.bytesBilled),
      };
      // JOB_CREATION_OPTIONAL answers statelessly (queryId, no jobReference) when one page holds the result.
      if (optional && page.pageToken === undefined) {
        return { status: 200, body: { kind: 'bigquery#queryResponse', queryId: job.jobId, ...page } };
      }
      engine.register(job);
      const created = reason(page.pageToken ? 'LARGE_RESULTS' : 'REQUESTED');
      return {
        status: 200,
        body: { kind: 'bigquery#queryResponse', jobReference: jobReference(job), ...created, ...page },
      };
    },
  },
  {
    name: 'jobs.getQueryResults',
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults: GetQueryResultsResponse
    // has no totalBytesBilled (only jobs.query and the job's statistics carry it).
    method: 'GET',
    path: `${base}/queries/:jobId`,
    async handle(context) {
      const { request, engine } = context;
      const job = engine.find(request.pathParams.projectId ?? '', request.pathParams.jobId ?? '');
      await waitForJob(context, job, request.query.timeoutMs);
      if (job.cancelled) throw bigQueryError('stopped');
      const failure = job.errorResult;
      if (failure) throw new StubError(failure.status ?? 400, failure.reason, failure.message);
      if (!isComplete(job)) {
        return {
          status: 200,
          body: {
            kind: 'bigquery#getQueryResultsResponse',
            jobReference: jobReference(job),
            jobComplete: false,
          },
        };
      }
      const { pageToken, startIndex, maxResults } = request.query;
      const offset = pageToken ? decodePageToken(pageToken) : Number(startIndex ?? 0);
      const page = resultPage(job, offset, pageSize(context, maxResults), {
        int64Timestamps: request.query['formatOptions.useInt64Timestamp'] === 'true',
      });
      return {
        status: 200,
        body: { kind: 'bigquery#getQueryResultsResponse', jobReference: jobReference(job), ...page },
      };
    },
  },
  {
    name: 'jobs.insert',
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/insert answers a Job resource; a dry run
    // (configuration.dryRun, as the official client's createQueryJob sends it) creates no job.
    method: 'POST',
    path: `${base}/jobs`,
    handle({ request, engine, model }) {
      const body = request.body ?? {};
      const query = body.configuration?.query;
      const copy: CopyConfiguration | undefined = body.configuration?.copy;
      if (!query && !copy) throw bigQueryError('invalid', 'stub: only query and copy jobs are implemented');
      const projectId = request.pathParams.projectId ?? '';
      const jobId: string | undefined = body.jobReference?.jobId;
      if (jobId && engine.has(projectId, jobId))
        throw bigQueryError('duplicate', `Already Exists: Job ${projectId}:${jobId}`);
      if (copy) {
        const job = runCopyJob(model, projectId, body);
        engine.register(job);
        return { status: 200, body: jobResource(job) };
      }
      const dryRun = body.configuration.dryRun === true;
      // A dry run answers errors as HTTP errors: "an invalid query will return the same error it would if
      // it wasn't a dry run" (JobConfiguration.dryRun).
      const job = engine[dryRun ? 'run' : 'start']({
        projectId,
        query: query.query,
        queryParameters: query.queryParameters,
        useLegacySql: query.useLegacySql,
        maximumBytesBilled: query.maximumBytesBilled,
        dryRun,
        location: body.jobReference?.location,
        jobId,
        configuration: body.configuration,
        body,
      });
      if (!job.dryRun) engine.register(job);
      return { status: 200, body: jobResource(job) };
    },
  },
  {
    name: 'jobs.get',
    // https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/get: the Job resource with its statistics.
    method: 'GET',
    path: `${base}/jobs/:jobId`,
    handle({ request, engine }) {
      return {
        status: 200,
        body: jobResource(engine.find(request.pathParams.projectId ?? '', request.pathParams.jobId ?? '')),
      };
    },
  },
  {
    name: 'jobs.cancel',
    method: 'POST',
    path: `${base}/jobs/:jobId/cancel`,
    handle({ request, engine }) {
      const job = engine.find(request.pathParams.projectId ?? '', request.pathParams.jobId ?? '');
      if (!isComplete(job)) job.cancelled = true;
      return { status: 200, body: { kind: 'bigquery#jobCancelResponse', job: jobResource(job) } };
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
