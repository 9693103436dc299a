import type { TableRef, TableResource } from '@tilestack/bigquery';
import { CliError, ExitCode, enforceMaxBytes, explain } from './errors.js';
import { dryRunBytes, formatQueryCost, queryRows } from './io.js';
import { schemaFingerprint } from './provenance.js';
import { layoutOf } from './publish.js';
import type { SyncRun } from './sync-run.js';

export type VerificationLevel = 'metadata' | 'full';

const differ = (differences: (string | false)[]) => {
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

const ours = (label: string) => label.startsWith('stable-copy-');

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
        .filter(([k]) => !ours(k))
        .sort(),
    ),
};

/**
 * The staging copy has the source's metadata. `full`: also its content fingerprint equals the
 * source's as of the copy's start (`FOR SYSTEM_TIME AS OF`), so a source updated meanwhile is no
 * false alarm, and the sizes are left to the scans. Both scans are dry-run first and checked
 * against `--max-bytes` before anything is billed; the real queries carry it as `maximumBytesBilled`.
 */
export async function verify(
  { rest, progress, source, staging, verify: level, maxBytes, pre }: SyncRun,
  sourceNow: TableResource,
  staged: TableResource,
  asOfMs: number,
) {
  progress(`verifying (${level})`);
  const checks = Object.entries(compared).filter(([name]) => level === 'metadata' || !name.startsWith('num'));
  differ([
    level === 'metadata' &&
      Number(sourceNow.lastModifiedTime) > asOfMs &&
      `${source.id} changed during the copy (at ${sourceNow.lastModifiedTime}, copy started ${asOfMs}); rerun, or use --verify full`,
    ...checks.map(
      ([name, read]) =>
        read(sourceNow) !== read(staged) && `${name} ${read(staged)} ≠ source ${read(sourceNow)}`,
    ),
  ]);
  if (level === 'metadata') return { level };
  const scans = [
    { table: staging, sql: fingerprintSql(staging, false), params: {} as Record<string, number> },
    { table: source, sql: fingerprintSql(source, true), params: { as_of_ms: asOfMs } },
  ].map((scan) => ({ ...scan, location: pre.location }));
  let planned = 0;
  for (const scan of scans)
    planned += await dryRunBytes(rest, scan).catch((error) => {
      throw explain(error, `dry-run the fingerprint of ${scan.table.id}`);
    });
  progress(`full verification will scan ${formatQueryCost(planned)}`);
  enforceMaxBytes(planned, maxBytes, 'full verification');
  const answers = [];
  for (const scan of scans)
    answers.push(
      await queryRows(rest, { ...scan, maximumBytesBilled: maxBytes }).catch((error) => {
        throw explain(error, `compute the fingerprint of ${scan.table.id}`);
      }),
    );
  const [mine = '', theirs = ''] = answers.map(({ rows: [r = {}] }) => `${r.content_xor}:${r.content_sum}`);
  const [rows, sourceRows] = answers.map(({ rows: [r = {}] }) => String(r.row_count));
  differ([
    rows !== sourceRows && `row count ${rows} ≠ source ${sourceRows}`,
    mine !== theirs && `content fingerprint ${mine} ≠ source ${theirs}`,
    rows !== String(staged.numRows) && `staging numRows ${staged.numRows} ≠ counted ${rows}`,
  ]);
  return { level, contentFingerprint: mine, bytesBilled: answers.reduce((sum, a) => sum + a.bytesBilled, 0) };
}
