import { toBigQueryError } from '@tilestack/bigquery';

/** Exit codes of the CLI (README, `--help`): scripts and the workflow branch on them. */
export const ExitCode = {
  ok: 0,
  failed: 1, // a BigQuery error the tool has no better explanation for, a bug
  usage: 2,
  preflight: 3, // not found, missing permission, location mismatch: nothing was created
  verification: 4, // the copy differs from the source: the destination was left untouched
  costCap: 5, // a query would bill more than --max-bytes: it was not run
  busy: 6, // another run holds the destination's lock: nothing was changed
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: (typeof ExitCode)[keyof typeof ExitCode],
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);
export const preflightError = (message: string) => new CliError(message, ExitCode.preflight);

/** A failure while trying to `action`, saying what to do: `need` names the permission an access error lacks. */
export function explain(error: unknown, action: string, need?: string): CliError {
  if (error instanceof CliError) return error;
  const e = toBigQueryError(error);
  const said = `BigQuery said (${e.reason}): ${e.message}`;
  if (e.kind === 'accessDenied' || e.kind === 'forbidden')
    return preflightError(
      `Permission denied to ${action}.${need ? ` Missing permission: ${need}.` : ''} ${said}`,
    );
  if (e.kind === 'notFound') return preflightError(`Not found while trying to ${action}. ${said}`);
  if (e.kind === 'bytesCap')
    return new CliError(`${action}: stopped by --max-bytes. ${said}`, ExitCode.costCap);
  return new CliError(`Failed to ${action}. ${said}`, ExitCode.failed);
}

export function enforceMaxBytes(bytes: number, maxBytes: number | undefined, what: string): void {
  if (maxBytes !== undefined && bytes > maxBytes)
    throw new CliError(
      `${what} would scan ${bytes} bytes, over --max-bytes ${maxBytes}; nothing was billed.`,
      ExitCode.costCap,
    );
}
