import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import type { Config } from '../../config.js';

type ClientConfig = Pick<
  Config,
  'BIGQUERY_BILLING_PROJECT' | 'BIGQUERY_LOCATION' | 'BIGQUERY_API_ENDPOINT' | 'BIGQUERY_TIMEOUT_MS'
>;

/**
 * The BigQuery client. Queries are billed to `BIGQUERY_BILLING_PROJECT`; credentials are
 * Application Default Credentials (Workload Identity in Kubernetes, `gcloud auth
 * application-default login` on a laptop).
 *
 * An endpoint override over plain `http:` is a local emulator or the test stub: the client then
 * sends no credentials at all (`PassThroughClient`), so no Google credentials are needed and no
 * real token can ever travel unencrypted. An `https:` override (e.g. Private Service Connect)
 * keeps ADC.
 */
export function createBigQueryClient(config: ClientConfig): BigQuery {
  if (!config.BIGQUERY_BILLING_PROJECT) throw new Error('BIGQUERY_BILLING_PROJECT is required');
  // `timeout` is read by the client's HTTP layer (@google-cloud/common) but missing from its type.
  const options: BigQueryOptions & { timeout: number } = {
    projectId: config.BIGQUERY_BILLING_PROJECT,
    location: config.BIGQUERY_LOCATION,
    // Each HTTP call is bounded too, so an abandoned call cannot hold a socket forever.
    timeout: config.BIGQUERY_TIMEOUT_MS,
    // No retries inside a request's budget: the cache in front serves stale-if-error and map
    // clients retry tiles; retrying here would multiply load on BigQuery during an incident.
    retryOptions: { autoRetry: false },
  };
  if (config.BIGQUERY_API_ENDPOINT) {
    options.apiEndpoint = config.BIGQUERY_API_ENDPOINT;
    if (isPlainHttp(config.BIGQUERY_API_ENDPOINT)) options.authClient = new PassThroughClient();
  }
  return new BigQuery(options);
}

export function isPlainHttp(endpoint: string): boolean {
  return new URL(endpoint).protocol === 'http:';
}
