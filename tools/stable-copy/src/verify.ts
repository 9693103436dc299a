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

const ownLabel = (key: string) => key.startsWith('stable-copy-');
const sourceLabels = (t: TableResource) =>
  JSON.stringify(
    Object.entries(t.labels ?? {})
      .filter(([k]) => !ownLabel(k))
      .sort(),
  );

/**
 * `metadata`: the staging copy has the source's schema, row count, size, partitioning, clustering,
 * description and labels (CARTO finds tilesets by their `carto_tileset` label). `full` leaves the
 * sizes to its scans: the source may have changed since the copy read it.
 */
export function verifyMetadata(
  source: TableResource,
  staging: TableResource,
  sizes = true,
): VerificationResult {
  const differences: string[] = [];
  const [sourceSchema, stagingSchema] = [source.schema?.fields, staging.schema?.fields].map(
    schemaFingerprint,
  );
  if (sourceSchema !== stagingSchema) differences.push(`schema ${stagingSchema} ≠ source ${sourceSchema}`);
  const compared = {
    numRows: (t: TableResource) => t.numRows,
    numBytes: (t: TableResource) => t.numBytes,
    'partitioning/clustering': layoutOf,
    description: (t: TableResource) => t.description ?? '',
    labels: sourceLabels,
  };
  for (const [name, read] of Object.entries(compared)) {
    if (!sizes && name.startsWith('num')) continue;
    if (read(source) !== read(staging)) differences.push(`${name} ${read(staging)} ≠ source ${read(source)}`);
  }
  if (differences.length > 0) throw new VerificationError(differences);
  return {
    level: 'metadata',
    rows: Number(staging.numRows ?? 0),
    bytes: Number(staging.numBytes ?? 0),
    schemaFingerprint: stagingSchema ?? '',
  };
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
  const differences: string[] = [];
  if (staging.rows !== source.rows) differences.push(`row count ${staging.rows} ≠ source ${source.rows}`);
  if (staging.fingerprint !== source.fingerprint)
    differences.push(`content fingerprint ${staging.fingerprint} ≠ source ${source.fingerprint}`);
  if (staging.rows !== String(input.staged.numRows ?? ''))
    differences.push(`staging numRows ${input.staged.numRows} ≠ counted ${staging.rows}`);
  if (differences.length > 0) throw new VerificationError(differences);
  return {
    level: 'full',
    rows: Number(staging.rows),
    bytes: Number(input.staged.numBytes ?? 0),
    schemaFingerprint: schemaFingerprint(input.staged.schema?.fields),
    contentFingerprint: staging.fingerprint,
    bytesBilled: billed,
  };
}
