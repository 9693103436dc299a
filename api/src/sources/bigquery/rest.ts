import type { BigQuery } from '@google-cloud/bigquery';
import type { TableRef } from './identifiers.js';
import type { JobId, JobResource, QueryResultsPage, TableResource } from './wire-types.js';

/**
 * The REST methods this source uses, through the official client (auth, endpoint, user
 * agent). Queries go through `client.request` rather than `client.query()` because in client 9.3
 * `query()` cannot send `jobTimeoutMs` without falling back to jobs.insert (losing
 * JOB_CREATION_OPTIONAL) and parses INT64 lossily; here the request body is exactly ours.
 */
export class BigQueryRest {
  constructor(private readonly client: BigQuery) {}

  /** tables.get: free; proves the table exists and is visible to our credentials. */
  async getTable(ref: TableRef): Promise<TableResource> {
    const table = this.client.dataset(ref.datasetId, { projectId: ref.projectId }).table(ref.tableId);
    const [metadata] = await table.getMetadata();
    return metadata as TableResource;
  }

  /** jobs.query in the billing project. */
  query(body: Record<string, unknown>): Promise<QueryResultsPage> {
    return this.call({ method: 'POST', uri: '/queries', json: body });
  }

  /**
   * jobs.insert with `configuration.dryRun`, exactly as the official client sends a dry run
   * (`createQueryJob`): validated and priced, never run, free; no job is created, so nothing to poll.
   */
  async dryRun(query: string, labels: Record<string, string>): Promise<void> {
    await this.client.createQueryJob({ query, dryRun: true, labels });
  }

  /** jobs.get: the job's statistics (bytes billed, which getQueryResults never reports). */
  getJob(job: JobId): Promise<JobResource> {
    return this.call({
      uri: `/jobs/${encodeURIComponent(job.jobId)}`,
      projectId: job.projectId,
      qs: { location: job.location },
    });
  }

  /** jobs.getQueryResults: waits for a job (up to `timeoutMs`) or reads its next page. */
  getQueryResults(job: JobId, qs: Record<string, unknown>): Promise<QueryResultsPage> {
    return this.call({
      uri: `/queries/${encodeURIComponent(job.jobId)}`,
      projectId: job.projectId,
      qs: { ...qs, location: job.location, 'formatOptions.useInt64Timestamp': true },
    });
  }

  /** jobs.cancel: best effort, for a job that outlived its budget. */
  async cancelJob(job: JobId): Promise<void> {
    await this.call({
      method: 'POST',
      uri: `/jobs/${encodeURIComponent(job.jobId)}/cancel`,
      projectId: job.projectId,
      qs: { location: job.location },
    });
  }

  private call<T>(options: Parameters<BigQuery['request']>[0]): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client.request(options, (error, body) => (error ? reject(error) : resolve(body as T)));
    });
  }
}
