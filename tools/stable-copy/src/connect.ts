import { BigQueryRest, createClient } from './bigquery.js';
import { CliError, ExitCode } from './errors.js';
import type { Reporter } from './output.js';

/**
 * The REST wrapper for a command, billed to `billingProject`, endpoint from the environment.
 * Credentials are looked up first, so their absence is one clear refusal, not a failed request.
 */
export async function connect(env: NodeJS.ProcessEnv, billingProject: string, reporter: Reporter) {
  const endpoint = env.BIGQUERY_API_ENDPOINT || undefined;
  const client = createClient({ billingProject, apiEndpoint: endpoint });
  if (!endpoint?.startsWith('http:')) {
    await client.authClient.getClient().catch((error: Error) => {
      throw new CliError(
        `no Google credentials (${error.message.split('.')[0]}). Run \`gcloud auth application-default login\` (or set GOOGLE_APPLICATION_CREDENTIALS; CI uses Workload Identity Federation).`,
        ExitCode.preflight,
      );
    });
  }
  const rest = new BigQueryRest(client, billingProject, Number(env.STABLE_COPY_POLL_MS ?? 1000));
  rest.onProgress = (line) => reporter.progress(line);
  return rest;
}
