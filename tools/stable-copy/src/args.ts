import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const commonOptions = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'billing-project': { type: 'string' },
} as const satisfies Options;

/** Parses `argv` strictly: an unknown flag or a stray argument is a usage error (exit 2). */
export function parseFlags<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...commonOptions, ...options },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** A non-negative integer flag (bytes, days, zoom), or undefined when absent. */
export function integerFlag(
  name: string,
  value: string | undefined,
  { min = 0, max = Number.MAX_SAFE_INTEGER } = {},
) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(`--${name} must be an integer between ${min} and ${max}, got '${value}'`);
  }
  return n;
}

/** The project that runs and pays for jobs: `--billing-project`, then the environment, then `fallback`. */
export function billingProject(flag: string | undefined, env: NodeJS.ProcessEnv, fallback?: string): string {
  const project = flag ?? env.STABLE_COPY_BILLING_PROJECT ?? env.GOOGLE_CLOUD_PROJECT ?? fallback;
  if (!project) {
    throw usageError('no billing project: pass --billing-project or set STABLE_COPY_BILLING_PROJECT');
  }
  return project;
}

export const commonHelp = `Common flags:
  --billing-project P   project that runs the jobs (default: $STABLE_COPY_BILLING_PROJECT,
                        $GOOGLE_CLOUD_PROJECT, else the destination's project)
  --json                print a machine-readable summary on stdout (progress stays on stderr)
  -h, --help            this help

Environment:
  BIGQUERY_API_ENDPOINT  BigQuery endpoint override (plain http = emulator/stub, no credentials)

Exit codes: 0 ok (also "up to date" and --dry-run), 1 unexpected failure, 2 usage error,
  3 preflight refused (not found, permission, location), 4 verification failed,
  5 --max-bytes would be exceeded`;

/**
 * `--bbox -3.7,40.3,…` → `--bbox=-3.7,40.3,…`: parseArgs reads a value starting with a dash as a
 * flag, and western longitudes are negative.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
