import { randomUUID } from 'node:crypto';
import type { Deadline } from './deadline.js';
import { BigQueryError } from './errors.js';
import type { BigQueryRest } from './rest.js';
import type { FieldSchema, JobId, QueryResultsPage, WireRow } from './types.js';

/** A named query parameter value: INT64 (safe integers), STRING, or an ARRAY of INT64. */
export type ParameterValue = number | string | readonly number[];

export interface Query {
  sql: string;
  params?: Record<string, ParameterValue>;
  dryRun?: boolean;
  maximumBytesBilled?: number;
  location?: string;
  labels?: Record<string, string>;
  /** Rows per page (`maxResults`). */
  pageSize?: number;
  jobTimeoutMs?: number;
  /** JOB_CREATION_OPTIONAL: a short query may run without a job. */
  jobOptional?: boolean;
  /** Bounds the whole call; without one, each wait lasts a poll interval. */
  deadline?: Deadline;
  /** Told the job of an unfinished query (to cancel it), then undefined once it finished. */
  onJob?: (job: JobId | undefined) => void;
}

export interface ResultPage {
  fields: FieldSchema[];
  rows: WireRow[];
}

/** Return false to stop reading pages. */
export type PageConsumer = (page: ResultPage) => boolean | undefined;

/**
 * jobs.query, polled until the query finishes (getQueryResults), then its pages handed to
 * `consume` until it returns false. Bytes billed come from the first reply when it holds the
 * finished query, else from the job's statistics (jobs.get): getQueryResults never reports them
 * (https://cloud.google.com/bigquery/docs/reference/rest/v2/jobs/getQueryResults).
 * A dry run answers the bytes it would process.
 */
export async function runQuery(rest: BigQueryRest, q: Query, consume: PageConsumer = () => true) {
  const race = <T>(step: Promise<T>) => (q.deadline ? q.deadline.race(step) : step);
  const timeoutMs = () => (q.deadline ? q.deadline.serverWaitMs() : rest.pollMs);
  const results = (page: QueryResultsPage, pageToken?: string) => {
    const job = requireJob(page);
    const qs = { pageToken, maxResults: q.pageSize, timeoutMs: timeoutMs(), location: job.location };
    const uri = `/queries/${encodeURIComponent(job.jobId)}`;
    const request = { uri, projectId: job.projectId, qs: { ...qs, 'formatOptions.useInt64Timestamp': true } };
    return race(rest.request<QueryResultsPage>(request));
  };
  const first = await race(
    rest.request<QueryResultsPage>({ method: 'POST', uri: '/queries', json: body(q, timeoutMs()) }),
  );
  if (q.dryRun) return { bytesProcessed: Number(first.totalBytesProcessed ?? 0), bytesBilled: 0 };
  let page = first;
  const started = Date.now();
  while (!page.jobComplete) {
    q.onJob?.(requireJob(page));
    q.deadline?.assertTimeForAnotherCall();
    if (rest.reportsProgress) rest.progress(await race(rest.getJob(requireJob(page))), started);
    page = await results(page);
  }
  q.onJob?.(undefined);
  const billed =
    first.jobComplete && first.totalBytesBilled !== undefined
      ? Promise.resolve(first.totalBytesBilled)
      : rest.getJob(requireJob(page)).then((job) => job.statistics?.query?.totalBytesBilled);
  billed.catch(() => {});
  const fields = page.schema?.fields ?? [];
  while (consume({ fields, rows: page.rows ?? [] }) !== false && page.pageToken) {
    page = await results(page, page.pageToken);
  }
  // The rows are in: a statistics read that fails or is cut short costs the figure, not the answer.
  return { bytesProcessed: 0, bytesBilled: Number((await race(billed).catch(() => undefined)) ?? 0) };
}

function body(q: Query, timeoutMs: number) {
  const params = q.params && Object.keys(q.params).length > 0 ? q.params : undefined;
  return {
    query: q.sql,
    useLegacySql: false,
    ...(params ? { parameterMode: 'NAMED', queryParameters: toQueryParameters(params) } : {}),
    dryRun: q.dryRun,
    maximumBytesBilled: q.maximumBytesBilled?.toString(),
    timeoutMs,
    jobTimeoutMs: q.jobTimeoutMs?.toString(),
    jobCreationMode: q.jobOptional ? 'JOB_CREATION_OPTIONAL' : undefined,
    labels: q.labels,
    maxResults: q.pageSize,
    formatOptions: { useInt64Timestamp: true },
    requestId: randomUUID(),
    location: q.location,
  };
}

/** The page's job, to poll or page through; a reply without a job id (a dry run) has nothing to follow. */
function requireJob({ jobReference: job }: QueryResultsPage): JobId {
  if (job?.jobId) return { ...job, jobId: job.jobId };
  throw new BigQueryError('BigQuery left a query unfinished without a job to follow');
}

/**
 * Named parameters for the REST API. Every value that varies per request goes into SQL this way
 * (`@z`, `@partition`, …), never as text; anything else is a programming error.
 */
export function toQueryParameters(params: Record<string, ParameterValue>) {
  return Object.entries(params).map(([name, value]) => {
    if (typeof value === 'string')
      return { name, parameterType: { type: 'STRING' }, parameterValue: { value } };
    if (typeof value === 'number')
      return { name, parameterType: { type: 'INT64' }, parameterValue: { value: integer(name, value) } };
    return {
      name,
      parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
      parameterValue: { arrayValues: value.map((item) => ({ value: integer(name, item) })) },
    };
  });
}

function integer(name: string, value: number): string {
  if (!Number.isSafeInteger(value))
    throw new TypeError(`query parameter ${name} is not an integer: ${value}`);
  return String(value);
}
