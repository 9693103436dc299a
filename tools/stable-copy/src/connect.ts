import { BigQueryRest, createClient } from './bigquery.js';

/** The REST wrapper for a command, billed to `billingProject`, endpoint from the environment. */
export function connect(env: NodeJS.ProcessEnv, billingProject: string): BigQueryRest {
  const client = createClient({ billingProject, apiEndpoint: env.BIGQUERY_API_ENDPOINT || undefined });
  return new BigQueryRest(client, billingProject, Number(env.STABLE_COPY_POLL_MS ?? 1000));
}
