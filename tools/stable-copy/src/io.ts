import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  BigQueryRest,
  createClient,
  isPlainHttp,
  parseTableId,
  type Query,
  runQuery,
  type TableRef,
} from '@tilestack/bigquery';
import { CliError, ExitCode, usageError } from './errors.js';

/** Where a command writes: progress and human text to stderr, the result to stdout. */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export type Flags = Record<string, string | boolean | undefined>;
export type Progress = (message: string) => void;
export type Connect = (fallbackProject?: string) => Promise<{ rest: BigQueryRest; progress: Progress }>;

/**
 * Every command has one shape: its flags, parsed by the CLI; `run` checks them before it calls
 * `connect`, works, and returns its result for the CLI to print (as JSON with `--json`, else as text).
 */
export interface Command {
  summary: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(flags: Flags, connect: Connect): Promise<Record<string, unknown>>;
}

export const [text, flag] = [{ type: 'string' }, { type: 'boolean' }] as const;

export const commonHelp = `Common flags:
  --billing-project P   project that runs the jobs (default: $STABLE_COPY_BILLING_PROJECT,
                        $GOOGLE_CLOUD_PROJECT, else the destination's project)
  --json                print a machine-readable summary on stdout (progress stays on stderr)
  -h, --help            this help
Environment: BIGQUERY_API_ENDPOINT (plain http = emulator/stub, no credentials)
Exit codes: 0 ok (also "up to date" and --dry-run), 1 unexpected failure, 2 usage error,
  3 preflight refused (not found, permission, location), 4 verification failed,
  5 --max-bytes would be exceeded, 6 another run holds the lock`;

/**
 * Parses `argv` strictly (an unknown flag or a stray argument is a usage error). `--bbox -3.7,…`
 * is read as a value: parseArgs takes a leading dash for a flag, and western longitudes are negative.
 */
export function parseFlags(argv: string[], options: Command['options']): Flags {
  const all: Command['options'] = {
    ...options,
    'billing-project': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  const args: string[] = [];
  for (const arg of argv) {
    const last = args.at(-1) ?? '';
    if (/^-\d/.test(arg) && all[last.slice(2)]?.type === 'string') args[args.length - 1] = `${last}=${arg}`;
    else args.push(arg);
  }
  try {
    return parseArgs({ args, options: all, strict: true }).values as Flags;
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

export function integerFlag(name: string, value: unknown, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw usageError(`--${name} must be an integer between ${min} and ${max}, got '${value}'`);
  return n;
}

/** `project.dataset.table` from a flag (the API's identifier rules: nothing unchecked reaches SQL). */
export function tableIdFlag(flag: string, value: unknown): TableRef {
  const ref = parseTableId(value);
  if (!ref) throw usageError(`--${flag} '${value ?? ''}' is not a valid project.dataset.table id`);
  return ref;
}

export function siblingTable(ref: TableRef, tableId: string): TableRef {
  const sibling = parseTableId(`${ref.projectId}.${ref.datasetId}.${tableId}`);
  if (!sibling) throw usageError(`'${tableId}' is not a valid table id`);
  return sibling;
}

/**
 * The BigQuery client billed to `--billing-project` (or the environment, or `fallback`), and the
 * progress line writer. Credentials are looked up first: their absence is one clear refusal.
 */
export async function connect(flags: Flags, io: Io, fallback?: string) {
  const projectId =
    (flags['billing-project'] as string | undefined) ??
    io.env.STABLE_COPY_BILLING_PROJECT ??
    io.env.GOOGLE_CLOUD_PROJECT ??
    fallback;
  if (!projectId)
    throw usageError('no billing project: pass --billing-project or set STABLE_COPY_BILLING_PROJECT');
  const apiEndpoint = io.env.BIGQUERY_API_ENDPOINT || undefined;
  const client = createClient({ projectId, apiEndpoint, userAgent: 'tilestack-stable-copy' });
  if (!isPlainHttp(apiEndpoint))
    await client.authClient.getClient().catch((error: Error) => {
      throw new CliError(
        `no Google credentials (${error.message.split('.')[0]}). Run \`gcloud auth application-default login\` (or set GOOGLE_APPLICATION_CREDENTIALS; CI uses Workload Identity Federation).`,
        ExitCode.preflight,
      );
    });
  const progress: Progress = (message) => io.stderr.write(`stable-copy: ${message}\n`);
  const rest = new BigQueryRest(client, projectId, Number(io.env.STABLE_COPY_POLL_MS ?? 1000), (p) =>
    progress(
      `job ${p.jobId} ${p.state}, ${Math.round(p.elapsedMs / 1000)} s, ${formatBytes(p.bytesProcessed)} processed`,
    ),
  );
  return { rest, progress };
}

/** A query's rows, as objects keyed by column (wire values: strings, base64 BYTES), and its bytes billed. */
export async function queryRows(rest: BigQueryRest, q: Query) {
  const rows: Record<string, unknown>[] = [];
  let firstType: string | undefined;
  const { bytesBilled } = await runQuery(rest, { labels: { tool: 'stable-copy' }, ...q }, (page) => {
    firstType = page.fields[0]?.type;
    for (const row of page.rows)
      rows.push(Object.fromEntries(page.fields.map((f, i) => [f.name, row.f[i]?.v ?? null])));
    return true;
  });
  return { rows, bytesBilled, firstType };
}

export const dryRunBytes = async (rest: BigQueryRest, q: Query) =>
  (await runQuery(rest, { labels: { tool: 'stable-copy' }, ...q, dryRun: true })).bytesProcessed;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let [value, unit] = [bytes, 0];
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** On-demand price per TiB scanned: US multi-region list price; check your region and contract. */
export const formatQueryCost = (bytes: number) =>
  `${formatBytes(bytes)} (~$${((bytes / 1024 ** 4) * 6.25).toFixed(2)} on demand)`;
