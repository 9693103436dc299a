import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { isNotFound, JobFailedError } from './errors.js';
import { formatBytes } from './output.js';
import type { TableRef } from './table-id.js';

/** The parts of BigQuery REST resources the tool reads. */
export interface FieldSchema {
  name: string;
  type: string;
  mode?: string;
  fields?: FieldSchema[];
}

export interface TableResource {
  tableReference: { projectId: string; datasetId: string; tableId: string };
  type?: string;
  schema?: { fields?: FieldSchema[] };
  numRows?: string;
  numBytes?: string;
  location?: string;
  labels?: Record<string, string>;
  description?: string;
  lastModifiedTime?: string;
  creationTime?: string;
  expirationTime?: string;
  rangePartitioning?: { field: string; range: { start: string; end: string; interval: string } };
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  snapshotDefinition?: { baseTableReference: TableResource['tableReference']; snapshotTime: string };
}

export interface DatasetResource {
  location?: string;
  labels?: Record<string, string>;
}

export interface JobResource {
  jobReference: { projectId: string; jobId: string; location?: string };
  status?: { state?: string; errorResult?: { reason?: string; message?: string } };
  statistics?: {
    startTime?: string;
    totalBytesProcessed?: string;
    query?: { totalBytesBilled?: string };
  };
}

interface QueryPage {
  schema?: { fields?: FieldSchema[] };
  rows?: { f: { v: unknown }[] }[];
  jobComplete?: boolean;
  jobReference?: JobResource['jobReference'];
  pageToken?: string;
  totalBytesProcessed?: string;
  totalBytesBilled?: string;
}

/** A query's answer: rows as objects keyed by column (wire values: strings, base64 BYTES). */
export interface QueryAnswer {
  fields: FieldSchema[];
  rows: Record<string, unknown>[];
  bytesProcessed: number;
  bytesBilled: number;
}

export type QueryParameter =
  | { name: string; type: 'INT64'; value: number }
  | { name: string; type: 'ARRAY<INT64>'; value: number[] };

export interface QueryOptions {
  parameters?: QueryParameter[];
  dryRun?: boolean;
  maximumBytesBilled?: number;
  location?: string;
}

export interface ClientSettings {
  /** Project that runs (and pays for) jobs. */
  billingProject: string;
  /** `BIGQUERY_API_ENDPOINT`: an emulator or the test stub when it is plain http. */
  apiEndpoint?: string;
}

/**
 * The BigQuery client, with credentials from Application Default Credentials (`gcloud auth
 * application-default login` on a laptop, Workload Identity Federation in CI). A plain-http
 * endpoint is an emulator or the test stub: no credentials are sent (PassThroughClient), as in
 * the API (`api/src/sources/bigquery/client.ts`).
 */
export function createClient(settings: ClientSettings): BigQuery {
  const options: BigQueryOptions = { projectId: settings.billingProject, userAgent: 'tilestack-stable-copy' };
  if (settings.apiEndpoint) {
    options.apiEndpoint = settings.apiEndpoint;
    if (new URL(settings.apiEndpoint).protocol === 'http:') options.authClient = new PassThroughClient();
  }
  return new BigQuery(options);
}

/**
 * The REST methods the tool uses, called through the official client's `request` (auth,
 * endpoint, retries of transient errors). Like the API (`rest.ts`) it does not use
 * `client.query()`/`table.copy()`: their 9.x helpers hide `status.errorResult` details, cannot
 * send our own job ids (needed to make an insert retry safe) and parse INT64 lossily.
 */
export class BigQueryRest {
  /** Told about a running job at every poll (the CLI prints it on stderr). */
  onProgress?: (line: string) => void;

  constructor(
    private readonly client: BigQuery,
    readonly billingProject: string,
    private readonly pollMs = 1000,
  ) {}

  getDataset(projectId: string, datasetId: string): Promise<DatasetResource> {
    return this.call({ uri: `/datasets/${enc(datasetId)}`, projectId });
  }

  insertDataset(
    projectId: string,
    datasetId: string,
    body: Record<string, unknown>,
  ): Promise<DatasetResource> {
    return this.call({
      method: 'POST',
      uri: '/datasets',
      projectId,
      json: { ...body, datasetReference: { projectId, datasetId } },
    });
  }

  getTable(ref: TableRef): Promise<TableResource> {
    return this.call({ uri: tablePath(ref), projectId: ref.projectId });
  }

  /** tables.get, or undefined when the table does not exist. */
  async findTable(ref: TableRef): Promise<TableResource | undefined> {
    try {
      return await this.getTable(ref);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** tables.list (every page); entries carry type, labels and times, not schemas. */
  async listTables(projectId: string, datasetId: string): Promise<TableResource[]> {
    const tables: TableResource[] = [];
    let pageToken: string | undefined;
    do {
      const page: { tables?: TableResource[]; nextPageToken?: string } = await this.call({
        uri: `/datasets/${enc(datasetId)}/tables`,
        projectId,
        qs: pageToken ? { pageToken } : {},
      });
      tables.push(...(page.tables ?? []));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return tables;
  }

  insertTable(ref: TableRef, body: Record<string, unknown>): Promise<TableResource> {
    return this.call({
      method: 'POST',
      uri: `/datasets/${enc(ref.datasetId)}/tables`,
      projectId: ref.projectId,
      json: { ...body, tableReference: tableReference(ref) },
    });
  }

  patchTable(ref: TableRef, body: Record<string, unknown>): Promise<TableResource> {
    return this.call({ method: 'PATCH', uri: tablePath(ref), projectId: ref.projectId, json: body });
  }

  async deleteTable(ref: TableRef): Promise<void> {
    await this.call({ method: 'DELETE', uri: tablePath(ref), projectId: ref.projectId });
  }

  /** The subset of `permissions` the caller has on the table (asking needs no permission). */
  async testTablePermissions(ref: TableRef, permissions: string[]): Promise<string[]> {
    const answer: { permissions?: string[] } = await this.call({
      method: 'POST',
      uri: `${tablePath(ref)}:testIamPermissions`,
      projectId: ref.projectId,
      json: { permissions },
    });
    return answer.permissions ?? [];
  }

  /**
   * jobs.insert with a job id of ours, then waits for the job. A failed job (status.errorResult)
   * throws JobFailedError. The id makes a retried insert safe: a `duplicate` answer means the
   * first attempt got through, so the tool waits for that job instead of starting a second one.
   */
  async runJob(
    configuration: Record<string, unknown>,
    location?: string,
    jobId = newJobId(),
  ): Promise<JobResource> {
    const jobReference = { projectId: this.billingProject, jobId, location };
    let job: JobResource;
    try {
      job = await this.call({ method: 'POST', uri: '/jobs', json: { jobReference, configuration } });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      job = await this.getJob(jobReference);
    }
    return this.waitFor(job);
  }

  /** Polls `job` until DONE, reporting elapsed time, bytes processed and state at every poll. */
  private async waitFor(job: JobResource): Promise<JobResource> {
    const started = Date.now();
    while (job.status?.state !== 'DONE') {
      const processed = formatBytes(num(job.statistics?.totalBytesProcessed));
      const elapsed = Math.round((Date.now() - started) / 1000);
      this.onProgress?.(
        `job ${job.jobReference.jobId} ${job.status?.state}, ${elapsed} s, ${processed} processed`,
      );
      await sleep(this.pollMs);
      job = await this.getJob(job.jobReference);
    }
    const failure = job.status.errorResult;
    if (failure) throw new JobFailedError(failure.reason ?? 'unknown', failure.message ?? 'job failed');
    return job;
  }

  /** A standard-SQL query through jobs.query, waiting for it and reading every page. */
  async query(sql: string, options: QueryOptions = {}): Promise<QueryAnswer> {
    const body = {
      query: sql,
      useLegacySql: false,
      parameterMode: 'NAMED',
      queryParameters: (options.parameters ?? []).map(wireParameter),
      dryRun: options.dryRun === true,
      maximumBytesBilled:
        options.maximumBytesBilled === undefined ? undefined : String(options.maximumBytesBilled),
      location: options.location,
      // Answer within a poll interval: a longer query is then polled with progress lines.
      timeoutMs: this.pollMs,
      formatOptions: { useInt64Timestamp: true },
      labels: { tool: 'stable-copy' },
    };
    let page: QueryPage = await this.call({ method: 'POST', uri: '/queries', json: body });
    if (options.dryRun)
      return {
        fields: page.schema?.fields ?? [],
        rows: [],
        bytesProcessed: num(page.totalBytesProcessed),
        bytesBilled: 0,
      };
    const ref = page.jobReference;
    // The finished job's statistics hold what was billed; the first reply may predate the end.
    const job = ref ? await this.waitFor(await this.getJob(ref)) : undefined;
    const rows: QueryPage['rows'] = page.jobComplete === false ? [] : [...(page.rows ?? [])];
    let more = page.jobComplete === false || page.pageToken !== undefined;
    while (ref && more) {
      page = await this.call({
        uri: `/queries/${enc(ref.jobId)}`,
        projectId: ref.projectId,
        qs: {
          location: ref.location,
          'formatOptions.useInt64Timestamp': true,
          ...(page.pageToken ? { pageToken: page.pageToken } : {}),
        },
      });
      rows.push(...(page.rows ?? []));
      more = page.pageToken !== undefined;
    }
    const fields = page.schema?.fields ?? [];
    return {
      fields,
      rows: rows.map((row) => Object.fromEntries(fields.map((f, i) => [f.name, row.f[i]?.v ?? null]))),
      bytesProcessed: num(job?.statistics?.totalBytesProcessed ?? page.totalBytesProcessed),
      bytesBilled: num(job?.statistics?.query?.totalBytesBilled ?? page.totalBytesBilled),
    };
  }

  getJob(ref: JobResource['jobReference']): Promise<JobResource> {
    return this.call({
      uri: `/jobs/${enc(ref.jobId)}`,
      projectId: ref.projectId,
      qs: ref.location ? { location: ref.location } : {},
    });
  }

  private call<T>(options: Parameters<BigQuery['request']>[0]): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.request(options, (error, body) => (error ? reject(error) : resolve(body as T)));
    });
  }
}

const enc = encodeURIComponent;
/** Our own job ids: chosen before the insert, so a retry or a later run can look the job up. */
export const newJobId = () => `stable_copy_${randomUUID()}`;
const tablePath = (ref: TableRef) => `/datasets/${enc(ref.datasetId)}/tables/${enc(ref.tableId)}`;
const num = (value: string | undefined) => Number(value ?? 0);

function wireParameter(p: QueryParameter) {
  if (p.type === 'INT64') {
    return { name: p.name, parameterType: { type: 'INT64' }, parameterValue: { value: String(p.value) } };
  }
  return {
    name: p.name,
    parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
    parameterValue: { arrayValues: p.value.map((v) => ({ value: String(v) })) },
  };
}

/** The `{ projectId, datasetId, tableId }` a job configuration names a table with. */
export const tableReference = (ref: TableRef) => ({
  projectId: ref.projectId,
  datasetId: ref.datasetId,
  tableId: ref.tableId,
});
