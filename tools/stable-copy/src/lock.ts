import { hostname } from 'node:os';
import type { BigQueryError, BigQueryRest, TableRef } from '@tilestack/bigquery';
import { CliError, ExitCode, explain } from './errors.js';
import { type Progress, siblingTable } from './io.js';

/**
 * Runs `work` holding `<dest>__lock`, a table created with tables.insert: BigQuery creates a table
 * only if none of that name exists (409 duplicate otherwise), so two runs, on any machines, cannot
 * both hold it. It expires after 6 h (longer than the workflow's 2 h timeout) in case its holder
 * dies; it is deleted when `work` ends.
 */
export async function withLock<T>(
  rest: BigQueryRest,
  dest: TableRef,
  progress: Progress,
  work: () => Promise<T>,
) {
  const ref = siblingTable(dest, `${dest.tableId}__lock`);
  const holder = `${hostname()} pid ${process.pid} since ${new Date().toISOString()}`;
  const expirationTime = String(Date.now() + 6 * 60 * 60 * 1000);
  await rest
    .insertTable(ref, { description: `stable-copy run on ${holder}`, expirationTime })
    .catch(async (error: BigQueryError) => {
      if (error.kind !== 'duplicate')
        throw explain(error, `take the lock ${ref.id}`, 'bigquery.tables.create');
      const held = await rest.findTable(ref);
      const until = new Date(Number(held?.expirationTime ?? 0)).toISOString();
      throw new CliError(
        `${dest.id} is busy: ${held?.description ?? 'another stable-copy run'} holds ${ref.id} (expires ${until}). Nothing was changed; retry when it is done.`,
        ExitCode.busy,
      );
    });
  try {
    return await work();
  } finally {
    await rest.deleteTable(ref).catch((error: Error) => {
      progress(`warning: could not release ${ref.id} (${error.message}); it expires within 6 hours`);
    });
  }
}
