import type { BigQueryRest, TableRef, TableResource } from '@tilestack/bigquery';
import { CliError, ExitCode, enforceMaxBytes, explain } from './errors.js';
import { dryRunBytes, formatQueryCost, queryRows, type Reporter } from './io.js';
import { schemaFingerprint } from './provenance.js';
import { layoutOf } from './publish.js';

export type VerificationLevel = 'metadata' | 'full';

export interface VerificationResult {
  level: VerificationLevel;
  rows: number;
  bytes: number;
  schemaFingerprint: string;
  /** `full` only: the fingerprint both sides agreed on (`xor:sum`), and what the two scans billed. */
  contentFingerprint?: string;
  bytesBilled?: number;
}

export class VerificationError extends CliError {
  constructor(readonly differences: string[]) {
    super(
      `Verification failed: ${differences.join('; ')}. The destination was not changed.`,
      ExitCode.verification,
    );
  }
}

/**
 * The content fingerprint of a table: row count, and the XOR and the NUMERIC sum of a hash of
 * every row (as JSON). Both are order-independent; XOR alone cancels pairs of equal rows, the
 * sum does not ({A, A, B} and {B, C, C} differ). A full scan, computed by BigQuery; three numbers
 * leave it. NUMERIC holds 481 M × 2^63 (29 digits).
 */
export function fingerprintSql(table: TableRef, asOf: boolean): string {
  const hash = 'FARM_FINGERPRINT(TO_JSON_STRING(t))';
  return [
    `SELECT COUNT(*) AS row_count, BIT_XOR(${hash}) AS content_xor, SUM(CAST(${hash} AS NUMERIC)) AS content_sum`,
    // GoogleSQL: `table_name [AS alias] [FOR SYSTEM_TIME AS OF …]`, alias first.
    `FROM ${table.sql} AS t${asOf ? ' FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@as_of_ms)' : ''}`,
  ].join(' ');
}

/** Each way two tables can differ that a reader notices (CARTO finds tilesets by their `carto_tileset` label). */
const compared = {
  schema: (t: TableResource) => schemaFingerprint(t.schema?.fields),
  numRows: (t: TableResource) => t.numRows,
  numBytes: (t: TableResource) => t.numBytes,
  'partitioning/clustering': layoutOf,
  description: (t: TableResource) => t.description ?? '',
  labels: (t: TableResource) =>
    JSON.stringify(
      Object.entries(t.labels ?? {})
        .filter(([k]) => !k.startsWith('stable-copy-'))
        .sort(),
    ),
};

const differ = (differences: string[]) => {
  if (differences.length > 0) throw new VerificationError(differences);
};

/** The staging copy has the source's metadata; `full` leaves the sizes to its scans (the source may have moved on). */
export function verifyMetadata(
  source: TableResource,
  staging: TableResource,
  sizes = true,
): VerificationResult {
  const checks = Object.entries(compared).filter(([name]) => sizes || !name.startsWith('num'));
  differ(
    checks.flatMap(([name, read]) =>
      read(source) === read(staging) ? [] : [`${name} ${read(staging)} ≠ source ${read(source)}`],
    ),
  );
  const [rows, bytes] = [Number(staging.numRows ?? 0), Number(staging.numBytes ?? 0)];
  return { level: 'metadata', rows, bytes, schemaFingerprint: compared.schema(staging) };
}

/**
 * `full`: the content fingerprint of the staging copy equals the source's as of the copy's
 * snapshot time (`FOR SYSTEM_TIME AS OF`), so a source updated meanwhile is no false alarm.
 * Both scans are dry-run first: their bytes are printed and checked against `maxBytes` before
 * anything is billed; the real queries carry the cap as `maximumBytesBilled` too.
 */
export async function verifyFull(
  rest: BigQueryRest,
  reporter: Reporter,
  input: {
    source: TableRef;
    staging: TableRef;
    staged: TableResource;
    asOfMs: number;
    maxBytes?: number;
    location: string;
  },
): Promise<VerificationResult> {
  const scans: { table: TableRef; sql: string; params: Record<string, number> }[] = [
    { table: input.staging, sql: fingerprintSql(input.staging, false), params: {} },
    { table: input.source, sql: fingerprintSql(input.source, true), params: { as_of_ms: input.asOfMs } },
  ];
  const { location, maxBytes } = input;
  let planned = 0;
  for (const { table, sql, params } of scans)
    planned += await dryRunBytes(rest, { sql, params, location }).catch((error) => {
      throw explain(error, `dry-run the fingerprint of ${table.id}`);
    });
  reporter.progress(`full verification will scan ${formatQueryCost(planned)}`);
  enforceMaxBytes(planned, maxBytes, 'full verification');
  let billed = 0;
  const results = [];
  for (const { table, sql, params } of scans) {
    const answer = await queryRows(rest, { sql, params, location, maximumBytesBilled: maxBytes }).catch(
      (error) => {
        throw explain(error, `compute the fingerprint of ${table.id}`);
      },
    );
    billed += answer.bytesBilled;
    const row = answer.rows[0] ?? {};
    results.push({ rows: String(row.row_count), fingerprint: `${row.content_xor}:${row.content_sum}` });
  }
  const [staging, source] = results as [(typeof results)[0], (typeof results)[0]];
  differ([
    ...(staging.rows === source.rows ? [] : [`row count ${staging.rows} ≠ source ${source.rows}`]),
    ...(staging.fingerprint === source.fingerprint
      ? []
      : [`content fingerprint ${staging.fingerprint} ≠ source ${source.fingerprint}`]),
    ...(staging.rows === String(input.staged.numRows ?? '')
      ? []
      : [`staging numRows ${input.staged.numRows} ≠ counted ${staging.rows}`]),
  ]);
  return {
    level: 'full',
    rows: Number(staging.rows),
    bytes: Number(input.staged.numBytes ?? 0),
    schemaFingerprint: compared.schema(input.staged),
    contentFingerprint: staging.fingerprint,
    bytesBilled: billed,
  };
}
