import { BigQuery, type BigQueryOptions } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';

export interface ClientOptions {
  /** The project that runs, and pays for, jobs. */
  projectId: string;
  location?: string;
  /** An emulator or the test stub when plain http. */
  apiEndpoint?: string;
  /** Bounds each HTTP request. */
  timeoutMs?: number;
  /** Let the client retry transient errors (stable-copy); the API does not, see its README. */
  retry?: boolean;
  userAgent?: string;
}

export const isPlainHttp = (endpoint: string | undefined) =>
  endpoint !== undefined && new URL(endpoint).protocol === 'http:';

/**
 * The official client, with Application Default Credentials. Over plain `http:` (emulator, test
 * stub) it sends no credentials at all (`PassThroughClient`): none are needed and no real token
 * travels unencrypted. An `https:` override (e.g. Private Service Connect) keeps ADC.
 */
export function createClient({ apiEndpoint, timeoutMs, retry = true, ...options }: ClientOptions): BigQuery {
  // `timeout` is read by the client's HTTP layer (@google-cloud/common) but missing from its type.
  const settings: BigQueryOptions & { timeout?: number } = { ...options, timeout: timeoutMs };
  settings.retryOptions = { autoRetry: retry };
  if (apiEndpoint) settings.apiEndpoint = apiEndpoint;
  if (isPlainHttp(apiEndpoint)) settings.authClient = new PassThroughClient();
  return new BigQuery(settings);
}
