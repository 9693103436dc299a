import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BigQuery } from '@google-cloud/bigquery';
import { BigQueryError, toBigQueryError } from './errors.js';
import type { DatasetResource, JobId, JobResource, TableName, TableResource } from './types.js';

export interface Progress {
  jobId: string;
  state?: string;
  elapsedMs: number;
  bytesProcessed: number;
}

const enc = encodeURIComponent;
const tablePath = (t: TableName) => `/datasets/${enc(t.datasetId)}/tables/${enc(t.tableId)}`;
const jobPath = (job: Pick<JobId, 'jobId'>) => `/jobs/${enc(job.jobId)}`;
/** Our own job ids: chosen before the insert, so a retry or a later run can look the job up. */
export const newJobId = (prefix = 'tilestack') => `${prefix}_${randomUUID()}`;
const mapped = <T>(call: Promise<T>) =>
  call.catch((error: unknown) => {
    throw toBigQueryError(error);
  });
export const tableReference = ({ projectId, datasetId, tableId }: TableName): TableName => ({
  projectId,
  datasetId,
  tableId,
});

/**
 * The REST methods of BigQuery v2, through the official client's `request` (auth, endpoint, user
 * agent). Not `client.query()`/`table.copy()`: in 9.x they cannot send `jobTimeoutMs` with
 * JOB_CREATION_OPTIONAL or our own job ids, hide `errorResult` details and parse INT64 lossily.
 * Every failure rejects as a BigQueryError.
 */
export class BigQueryRest {
  constructor(
    private readonly client: BigQuery,
    readonly projectId: string,
    readonly pollMs = 1000,
    private readonly onProgress?: (progress: Progress) => void,
  ) {}

  get reportsProgress(): boolean {
    return this.onProgress !== undefined;
  }

  /** A request about table `t`: tables.get (the default), patch, delete, `:testIamPermissions`. */
  private onTable<T>(t: TableName, method = 'GET', json?: object, suffix = ''): Promise<T> {
    return this.request({ method, uri: `${tablePath(t)}${suffix}`, projectId: t.projectId, json });
  }

  getTable = (t: TableName) => this.onTable<TableResource>(t);
  patchTable = (t: TableName, json: object) => this.onTable<TableResource>(t, 'PATCH', json);
  deleteTable = (t: TableName) => this.onTable<void>(t, 'DELETE');

  /** The subset of `permissions` the caller holds on the table (asking needs no permission). */
  testTablePermissions = (t: TableName, permissions: string[]) =>
    this.onTable<{ permissions?: string[] }>(t, 'POST', { permissions }, ':testIamPermissions').then(
      (answer) => answer.permissions ?? [],
    );

  /** tables.get, or undefined when the table does not exist. */
  findTable(t: TableName): Promise<TableResource | undefined> {
    return this.getTable(t).catch((error: BigQueryError) => {
      if (error.kind === 'notFound') return undefined;
      throw error;
    });
  }

  /** tables.list, every page (the client pages); entries carry type, labels and times, not schemas. */
  listTables(projectId: string, datasetId: string): Promise<TableResource[]> {
    const listed = this.client.dataset(datasetId, { projectId }).getTables();
    return mapped(listed.then(([tables]) => tables.map((t) => t.metadata as TableResource)));
  }

  insertTable(t: TableName, body: object): Promise<TableResource> {
    const [uri, json] = [
      `/datasets/${enc(t.datasetId)}/tables`,
      { ...body, tableReference: tableReference(t) },
    ];
    return this.request({ method: 'POST', uri, projectId: t.projectId, json });
  }

  getDataset(projectId: string, datasetId: string): Promise<DatasetResource> {
    return this.request({ uri: `/datasets/${enc(datasetId)}`, projectId });
  }

  insertDataset(projectId: string, datasetId: string, body: object): Promise<DatasetResource> {
    const json = { ...body, datasetReference: { projectId, datasetId } };
    return this.request({ method: 'POST', uri: '/datasets', projectId, json });
  }

  getJob(job: JobId): Promise<JobResource> {
    return this.request({ uri: jobPath(job), projectId: job.projectId, qs: { location: job.location } });
  }

  async cancelJob({ projectId, location, ...job }: JobId): Promise<void> {
    await this.request({ method: 'POST', uri: `${jobPath(job)}/cancel`, projectId, qs: { location } });
  }

  /**
   * jobs.insert with `configuration.dryRun`, exactly as the official client sends a dry run
   * (`createQueryJob`): validated and priced, never run, free; no job exists, so nothing to poll.
   */
  async dryRunJob(query: string, labels: Record<string, string>): Promise<void> {
    await mapped(this.client.createQueryJob({ query, dryRun: true, labels }));
  }

  /**
   * jobs.insert with a job id of ours, then polls the job until DONE; `errorResult` rejects. The id
   * makes a retried insert safe: 409 means the first attempt got through, so that job is awaited.
   */
  async runJob(configuration: object, location?: string, jobId = newJobId()): Promise<JobResource> {
    const jobReference = { projectId: this.projectId, jobId, location };
    const json = { jobReference, configuration };
    let job = await this.request<JobResource>({ method: 'POST', uri: '/jobs', json }).catch(
      (error: BigQueryError) => {
        if (error.kind !== 'duplicate') throw error;
        return this.getJob(jobReference);
      },
    );
    const started = Date.now();
    while (job.status?.state !== 'DONE') {
      this.progress(job, started);
      await sleep(this.pollMs);
      job = await this.getJob(job.jobReference);
    }
    const { message = 'job failed', reason = 'failed' } = job.status.errorResult ?? {};
    if (job.status.errorResult) throw new BigQueryError(message, undefined, [reason], { failedJob: jobId });
    return job;
  }

  progress({ jobReference, status, statistics }: JobResource, started: number): void {
    const bytesProcessed = Number(statistics?.totalBytesProcessed ?? 0);
    this.onProgress?.({
      jobId: jobReference.jobId,
      state: status?.state,
      elapsedMs: Date.now() - started,
      bytesProcessed,
    });
  }

  request<T>(options: Parameters<BigQuery['request']>[0]): Promise<T> {
    return mapped(
      new Promise((resolve, reject) => {
        this.client.request(options, (error, body) => (error ? reject(error) : resolve(body as T)));
      }),
    );
  }
}
