import type { BigQueryRest, TableRef } from '@tilestack/bigquery';
import { explain, usageError } from '../errors.js';
import {
  connect,
  dryRunBytes,
  type Flags,
  formatBytes,
  formatQueryCost,
  type Io,
  integerFlag,
  parseFlags,
  type Reporter,
  siblingTable,
  tableIdFlag,
} from '../io.js';
import { withLock } from '../lock.js';
import { type PreflightResult, preflight } from '../preflight.js';
import { isSameVersion, readProvenance, sourceVersion } from '../provenance.js';
import { pendingLabel } from '../publish.js';
import { copyVerifyPublish, dropStaging } from '../sync-run.js';
import { fingerprintSql, type VerificationLevel } from '../verify.js';

const help = `Usage: stable-copy sync --source P.D.T --dest P.D.T [flags]

Copy to staging, verify, snapshot the current destination, publish atomically, record provenance
(tools/stable-copy/README.md). Does nothing when the destination holds the source's version.

  --source P.D.T               table to copy (e.g. carto-demo-data.demo_tilesets.osm_buildings)
  --dest P.D.T                 stable copy; a missing dataset is created in the source's location
  --verify metadata|full       metadata (default): schema, rows, bytes, layout, labels equal; full:
                               also content fingerprints of staging and of the source as of the copy
  --max-bytes N                refuse a verification or layout-change scan over N bytes
  --snapshot-retention-days N  expiration of the snapshot of the previous version (default 30)
  --dry-run                    print the plan and costs; make no change`;

const options = {
  source: { type: 'string' },
  dest: { type: 'string' },
  verify: { type: 'string' },
  'max-bytes': { type: 'string' },
  'snapshot-retention-days': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export const retentionFlag = (flags: Flags) =>
  integerFlag('snapshot-retention-days', flags['snapshot-retention-days'], { min: 1, max: 3650 }) ?? 30;

export async function sync(argv: string[], io: Io): Promise<void> {
  const flags = parseFlags(argv, options, help, io);
  if (!flags) return;
  const source = tableIdFlag('source', flags.source);
  const dest = tableIdFlag('dest', flags.dest);
  if (source.id === dest.id) throw usageError('--source and --dest must be different tables');
  const verify = (flags.verify ?? 'metadata') as VerificationLevel;
  if (verify !== 'metadata' && verify !== 'full')
    throw usageError(`--verify must be metadata or full, got '${verify}'`);
  const maxBytes = integerFlag('max-bytes', flags['max-bytes']);
  const retentionDays = retentionFlag(flags);
  const { rest, reporter } = await connect(flags, io, dest.projectId);
  const startedAt = Date.now();

  reporter.progress(`preflight: ${source.id} → ${dest.id}`);
  const pre = await preflight(rest, source, dest);
  const current = sourceVersion(pre.source, source.id);
  const published = readProvenance(pre.destination);
  const summary = {
    command: 'sync',
    source: source.id,
    destination: dest.id,
    location: pre.location,
    sourceVersion: current,
  };
  const upToDate =
    pre.destination &&
    isSameVersion(published, current) &&
    Number(pre.destination.numRows ?? 0) === current.rows &&
    !pre.destination.labels?.[pendingLabel];
  if (upToDate) {
    reporter.result({ ...summary, outcome: 'up-to-date', published, durationMs: Date.now() - startedAt }, [
      `up to date: ${dest.id} already holds ${source.id} as modified ${new Date(current.sourceLastModified).toISOString()} (${current.rows} rows)`,
    ]);
    return;
  }

  const staging = siblingTable(dest, `${dest.tableId}__staging_${startedAt}`);
  if (flags['dry-run']) {
    const scan = verify === 'full' ? 2 * (await estimateScan(rest, source, pre.location)) : 0;
    const plan = syncPlan(pre, { source, dest, staging, verify, scan, retentionDays });
    for (const step of plan.steps) reporter.progress(`plan: ${step.description}`);
    const withinMaxBytes = maxBytes === undefined || scan <= maxBytes;
    reporter.result({ ...summary, outcome: 'dry-run', plan, withinMaxBytes }, [
      `dry run: nothing changed`,
      ...plan.steps.map((s, i) => `  ${i + 1}. ${s.description}`),
      `costs: copy ${plan.costs.copy}; storage ${plan.costs.storage}; verification ${plan.costs.verification}`,
      ...(withinMaxBytes
        ? []
        : [`note: verification would exceed --max-bytes ${maxBytes}; the sync would stop there`]),
    ]);
    return;
  }

  const createdDataset = !pre.destinationDataset;
  if (createdDataset) await createDataset(rest, dest, pre.location, reporter);
  const outcome = await withLock(rest, dest, reporter, () =>
    copyVerifyPublish({
      rest,
      reporter,
      source,
      dest,
      staging,
      verify,
      maxBytes,
      retentionDays,
      location: pre.location,
    }).finally(() => dropStaging(rest, staging, reporter)),
  );
  const { verification, snapshot, provenance, publishing } = outcome;
  reporter.result(
    {
      ...summary,
      outcome: 'published',
      createdDataset,
      staging: staging.id,
      verification,
      snapshot,
      provenance,
      publish: publishing,
      durationMs: Date.now() - startedAt,
    },
    [
      `published ${dest.id} (${publishing.method === 'copy' ? 'copy job' : 'CREATE OR REPLACE TABLE, new layout'}): ${provenance.rows} rows, ${formatBytes(provenance.bytes)}`,
      `verification (${verification.level}) passed${verification.bytesBilled ? `, billed ${formatQueryCost(verification.bytesBilled)}` : ''}`,
      snapshot ? `previous version kept as ${snapshot.id}` : 'no previous version to keep',
    ],
  );
}

/** What a sync will do and cost: copy jobs are free, the copy is billed as storage, `full` bills two scans. */
function syncPlan(
  pre: PreflightResult,
  p: {
    source: TableRef;
    dest: TableRef;
    staging: TableRef;
    verify: VerificationLevel;
    scan: number;
    retentionDays: number;
  },
) {
  const bytes = Number(pre.source.numBytes ?? 0);
  const verificationBytes = p.scan;
  const steps = [
    !pre.destinationDataset && [
      'create-dataset',
      `create dataset ${p.dest.projectId}.${p.dest.datasetId} in ${pre.location} (labelled managed-by=stable-copy)`,
    ],
    [
      'copy-to-staging',
      `copy job ${p.source.id} → ${p.staging.id} (${pre.source.numRows} rows, ${formatBytes(bytes)})`,
    ],
    [
      'verify',
      p.verify === 'full'
        ? `verify content fingerprints of staging and source (as of the copy), scanning ${formatQueryCost(verificationBytes)}`
        : 'verify schema, rows, size, layout, description and labels of staging against the source',
    ],
    pre.destination && [
      'snapshot-previous',
      `keep the current ${p.dest.id} as a table snapshot expiring in ${p.retentionDays} days`,
    ],
    [
      'publish',
      pre.layoutChange
        ? `partitioning/clustering change (${pre.layoutChange}): replace ${p.dest.id} with CREATE OR REPLACE TABLE … AS SELECT * FROM ${p.staging.id} (atomic; bills a scan of ${formatQueryCost(bytes)})`
        : `copy job ${p.staging.id} → ${p.dest.id} (WRITE_TRUNCATE, atomic, free)`,
    ],
    ['record-provenance', `label and describe ${p.dest.id} with its provenance`],
    ['drop-staging', `delete ${p.staging.id}`],
  ].filter((s): s is string[] => Array.isArray(s));
  return {
    steps: steps.map(([step, description]) => ({ step, description })),
    costs: {
      copy: 'free (copy jobs are not billed)',
      storage: `${formatBytes(bytes)} of logical storage for the destination, billed monthly`,
      verificationBytes,
      verification: p.verify === 'full' ? formatQueryCost(verificationBytes) : 'free (metadata only)',
    },
  };
}

async function createDataset(rest: BigQueryRest, dest: TableRef, location: string, reporter: Reporter) {
  reporter.progress(`creating dataset ${dest.projectId}.${dest.datasetId} in ${location}`);
  const body = {
    location,
    labels: { 'managed-by': 'stable-copy' },
    description: 'Stable copies made by stable-copy.',
  };
  await rest.insertDataset(dest.projectId, dest.datasetId, body).catch((error) => {
    // Created meanwhile by another run: preflight's location check is repeated by the copy job.
    if (error.kind === 'duplicate') return;
    throw explain(
      error,
      `create dataset ${dest.projectId}.${dest.datasetId}`,
      `bigquery.datasets.create on project ${dest.projectId} (or create it with the IaC: infra/src/data.ts)`,
    );
  });
}

/** Bytes the source fingerprint scan would read (a free dry run); the staging scan reads as much. */
const estimateScan = (rest: BigQueryRest, source: TableRef, location: string) =>
  dryRunBytes(rest, { sql: fingerprintSql(source, false), location }).catch((error) => {
    throw explain(error, `dry-run the fingerprint of ${source.id}`);
  });
