import type { BigQueryRest, TableRef, TableResource } from '@tilestack/bigquery';
import { CliError, ExitCode, enforceMaxBytes, explain } from './errors.js';
import { dryRunBytes, formatQueryCost, type Progress, queryRows } from './io.js';
import { schemaFingerprint } from './provenance.js';
import { layoutOf } from './publish.js';

export type VerificationLevel = 'metadata' | 'full';

export const differ = (differences: (string | false)[]) => {
  const found = differences.filter(Boolean);
  if (found.length > 0)
    throw new CliError(
      `Verification failed: ${found.join('; ')}. The destination was not changed.`,
      ExitCode.verification,
    );
};

/**
 * The content fingerprint of a table: row count, and the XOR and the NUMERIC sum of a hash of
 * every row (as JSON). Both are order-independent; XOR alone cancels pairs of equal rows, the
 * sum does not ({A, A, B} and {B, C, C} differ). NUMERIC holds 481 M × 2^63 (29 digits).
 * GoogleSQL: `table_name [AS alias] [FOR SYSTEM_TIME AS OF …]`, alias first.
 */
export function fingerprintSql(table: TableRef, asOf: boolean): string {
  const hash = 'FARM_FINGERPRINT(TO_JSON_STRING(t))';
  return `SELECT COUNT(*) AS row_count, BIT_XOR(${hash}) AS content_xor, SUM(CAST(${hash} AS NUMERIC)) AS content_sum FROM ${table.sql} AS t${asOf ? ' FOR SYSTEM_TIME AS OF TIMESTAMP_MILLIS(@as_of_ms)' : ''}`;
}

/** Each way two tables can differ that a reader notices (CARTO finds tilesets by their `carto_tileset` label). */
const compared: Record<string, (t: TableResource) => unknown> = {
  schema: (t) => schemaFingerprint(t.schema?.fields),
  numRows: (t) => t.numRows,
  numBytes: (t) => t.numBytes,
  'partitioning/clustering': layoutOf,
  description: (t) => t.description ?? '',
  labels: (t) =>
    JSON.stringify(
      Object.entries(t.labels ?? {})
        .filter(([k]) => !k.startsWith('stable-copy-'))
        .sort(),
    ),
};

/** The staging copy has the source's metadata; `sizes: false` leaves them to `full`'s scans (the source may have moved on). */
export function verifyMetadata(source: TableResource, staging: TableResource, sizes: boolean) {
  const checks = Object.entries(compared).filter(([name]) => sizes || !name.startsWith('num'));
  differ(
    checks.map(
      ([name, read]) => read(source) !== read(staging) && `${name} ${read(staging)} ≠ source ${read(source)}`,
    ),
  );
  return {
    level: 'metadata' as VerificationLevel,
    contentFingerprint: undefined as string | undefined,
    bytesBilled: 0,
  };
}

/**
 * `full`: the content fingerprint of the staging copy equals the source's as of the copy's
 * snapshot time (`FOR SYSTEM_TIME AS OF`), so a source updated meanwhile is no false alarm.
 * Both scans are dry-run first and checked against `maxBytes` before anything is billed; the
 * real queries carry the cap as `maximumBytesBilled` too.
 */
export async function verifyFull(
  rest: BigQueryRest,
  progress: Progress,
  input: {
    source: TableRef;
    staging: TableRef;
    staged: TableResource;
    asOfMs: number;
    maxBytes?: number;
    location: string;
  },
) {
  const { location, maxBytes } = input;
  const scans: { table: TableRef; sql: string; params: Record<string, number>; location: string }[] = [
    { table: input.staging, sql: fingerprintSql(input.staging, false), params: {}, location },
    {
      table: input.source,
      sql: fingerprintSql(input.source, true),
      params: { as_of_ms: input.asOfMs },
      location,
    },
  ];
  let planned = 0;
  for (const scan of scans)
    planned += await dryRunBytes(rest, scan).catch((error) => {
      throw explain(error, `dry-run the fingerprint of ${scan.table.id}`);
    });
  progress(`full verification will scan ${formatQueryCost(planned)}`);
  enforceMaxBytes(planned, maxBytes, 'full verification');
  let bytesBilled = 0;
  const results: { rows: string; fingerprint: string }[] = [];
  for (const scan of scans) {
    const answer = await queryRows(rest, { ...scan, maximumBytesBilled: maxBytes }).catch((error) => {
      throw explain(error, `compute the fingerprint of ${scan.table.id}`);
    });
    bytesBilled += answer.bytesBilled;
    const row = answer.rows[0] ?? {};
    results.push({ rows: String(row.row_count), fingerprint: `${row.content_xor}:${row.content_sum}` });
  }
  const [staging, source] = results as [(typeof results)[0], (typeof results)[0]];
  differ([
    staging.rows !== source.rows && `row count ${staging.rows} ≠ source ${source.rows}`,
    staging.fingerprint !== source.fingerprint &&
      `content fingerprint ${staging.fingerprint} ≠ source ${source.fingerprint}`,
    staging.rows !== String(input.staged.numRows) &&
      `staging numRows ${input.staged.numRows} ≠ counted ${staging.rows}`,
  ]);
  return { level: 'full' as VerificationLevel, contentFingerprint: staging.fingerprint, bytesBilled };
}
