import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) =>
  v
    .trim()
    .split(/\s*,\s*/)
    .filter(Boolean),
);

/** Every setting, from the environment (README.md says what each means); `npm start` needs none. */
const schema = z
  .object({
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_SOURCE: z.enum(['mbtiles', 'bigquery']).default('mbtiles'),
    DATA_DIR: z.string().min(1).default('./data'),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    MAX_JSON_RESPONSE_SIZE: int(1).default(10 * 1024 * 1024),
    BIGQUERY_BILLING_PROJECT: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/)
      .optional(),
    BIGQUERY_ALLOWED_DATASETS: list.default(['carto-demo-data.demo_tilesets', 'carto-demo-data.demo_tables']),
    BIGQUERY_MAX_BYTES_BILLED: int(10 * 1024 * 1024).default(2 * 1024 ** 3),
    BIGQUERY_TIMEOUT_MS: int(100, 600_000).default(10_000),
    BIGQUERY_LOCATION: z.string().min(1).optional(),
    BIGQUERY_API_ENDPOINT: z.url().optional(),
    METADATA_TTL_SECONDS: int(0).default(300),
    CACHE_MAX_AGE: int(0).default(300),
    CACHE_S_MAXAGE: int(0).default(3600),
    CACHE_STALE_WHILE_REVALIDATE: int(0).default(600),
    CACHE_STALE_IF_ERROR: int(0).default(86_400),
    CACHE_IMMUTABLE_MAX_AGE: int(0).default(31_536_000),
    SHUTDOWN_DRAIN_MS: int(0, 60_000).default(0),
    REQUEST_TIMEOUT_MS: int(100, 300_000).default(10_000),
    SHUTDOWN_TIMEOUT_MS: int(100, 120_000).default(10_000),
    // A hop count makes the client IP the address that many hops back, which a client cannot forge.
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|1|0|[1-9]\d?)$/, 'must be true, false or a hop count')
      .transform((v) => (v === 'true' ? true : v === 'false' ? false : Number(v)))
      .default(false),
    RATE_LIMIT_PER_MINUTE: int(0).default(1200),
    GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
    VIEWER_ENABLED: bool.default(true),
    VIEWER_DIR: z.string().min(1).optional(),
  })
  .refine((c) => c.DATA_SOURCE !== 'bigquery' || c.BIGQUERY_BILLING_PROJECT, {
    path: ['BIGQUERY_BILLING_PROJECT'],
    message: 'is required when DATA_SOURCE=bigquery',
  });

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses and validates the environment; throws one `ConfigError` listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(schema.shape ?? {}).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
