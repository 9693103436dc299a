import { BigQueryRest, createClient } from './bigquery.js';
import type { Reporter } from './output.js';

/** The REST wrapper for a command, billed to `billingProject`, endpoint from the environment. */
export function connect(env: NodeJS.ProcessEnv, billingProject: string, reporter: Reporter): BigQueryRest {
  const client = createClient({ billingProject, apiEndpoint: env.BIGQUERY_API_ENDPOINT || undefined });
  const rest = new BigQueryRest(client, billingProject, Number(env.STABLE_COPY_POLL_MS ?? 1000));
  rest.onProgress = (line) => reporter.progress(line);
  return rest;
}
