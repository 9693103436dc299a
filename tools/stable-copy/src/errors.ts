/**
 * Exit codes of the CLI (documented in the README and in `--help`). Scripts and the scheduled
 * workflow branch on them, so each failure class keeps its own number.
 */
export const ExitCode = {
  ok: 0,
  /** An unexpected failure (a BigQuery error the tool has no better explanation for, a bug). */
  failed: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** Preflight refused: not found, missing permission, location mismatch. Nothing was created. */
  preflight: 3,
  /** Verification found the copy different from the source; the destination was left untouched. */
  verification: 4,
  /** A query would bill more than `--max-bytes`; it was not run. */
  costCap: 5,
  /** Another run holds the destination's lock; nothing was changed. */
  busy: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI explains in one message and maps to an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);
export const preflightError = (message: string) => new CliError(message, ExitCode.preflight);

/** The `reason` of a BigQuery error (`errors[0].reason`), from an API error or a failed job. */
export function bigQueryReason(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { reason?: unknown; errors?: { reason?: unknown }[]; code?: unknown };
  if (typeof e.reason === 'string') return e.reason;
  const reason = e.errors?.[0]?.reason;
  if (typeof reason === 'string') return reason;
  if (e.code === 404) return 'notFound';
  if (e.code === 403) return 'accessDenied';
  return undefined;
}

export const isNotFound = (error: unknown) => bigQueryReason(error) === 'notFound';
export const isAccessDenied = (error: unknown) => bigQueryReason(error) === 'accessDenied';

/** A BigQuery job that finished with `status.errorResult`. */
export class JobFailedError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailedError';
  }
}

/**
 * Turns a BigQuery failure of `action` on `resource` into a message that says what to do: the
 * exact permission for access errors, the id to check for not-found errors.
 */
export function explainBigQueryError(
  error: unknown,
  context: { action: string; resource: string; permission?: string; role?: string },
): CliError {
  const reason = bigQueryReason(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (reason === 'accessDenied') {
    const need = context.permission
      ? ` Missing permission: ${context.permission} on ${context.resource}${context.role ? ` (granted by ${context.role})` : ''}.`
      : '';
    return preflightError(
      `Permission denied to ${context.action} ${context.resource}.${need} BigQuery said: ${detail}`,
    );
  }
  if (reason === 'notFound') {
    return preflightError(
      `Not found: ${context.resource} (while trying to ${context.action}). BigQuery said: ${detail}`,
    );
  }
  if (reason === 'bytesBilledLimitExceeded') {
    return new CliError(
      `${context.action} ${context.resource} stopped by --max-bytes: ${detail}`,
      ExitCode.costCap,
    );
  }
  return new CliError(`Failed to ${context.action} ${context.resource}: ${detail}`, ExitCode.failed);
}
