import { hostname } from 'node:os';
import type { BigQueryError, BigQueryRest, TableRef } from '@tilestack/bigquery';
import { CliError, ExitCode, explain } from './errors.js';
import { type Progress, siblingTable } from './io.js';

/** Longer than any run (the workflow times out after 2 h): a crashed run's lock goes by itself. */
const lockMs = 6 * 60 * 60 * 1000;

/**
 * Runs `work` holding `<dest>__lock`, a table created with tables.insert: BigQuery creates a table
 * only if none of that name exists (409 duplicate otherwise), so two runs, on any machines, cannot
 * both hold it. It expires after 6 h in case its holder dies; it is deleted when `work` ends.
 */
export async function withLock<T>(
  rest: BigQueryRest,
  dest: TableRef,
  progress: Progress,
  work: () => Promise<T>,
): Promise<T> {
  const ref = siblingTable(dest, `${dest.tableId}__lock`);
  const holder = `${hostname()} pid ${process.pid} since ${new Date().toISOString()}`;
  try {
    await rest.insertTable(ref, {
      description: `stable-copy run on ${holder}`,
      expirationTime: String(Date.now() + lockMs),
      labels: { 'managed-by': 'stable-copy' },
    });
  } catch (error) {
    if ((error as BigQueryError).kind !== 'duplicate')
      throw explain(error, `take the lock ${ref.id}`, 'bigquery.tables.create');
    const held = await rest.findTable(ref);
    const until = held?.expirationTime ? new Date(Number(held.expirationTime)).toISOString() : 'unknown';
    throw new CliError(
      `${dest.id} is busy: ${held?.description ?? 'another stable-copy run'} holds ${ref.id} (expires ${until}). Nothing was changed; retry when it is done.`,
      ExitCode.busy,
    );
  }
  try {
    return await work();
  } finally {
    await rest.deleteTable(ref).catch((error) => {
      progress(
        `warning: could not release ${ref.id} (${(error as Error).message}); it expires within 6 hours`,
      );
    });
  }
}
