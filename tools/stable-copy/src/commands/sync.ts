import { billingProject, commonHelp, integerFlag, parseFlags } from '../args.js';
import type { BigQueryRest } from '../bigquery.js';
import { connect } from '../connect.js';
import { explainBigQueryError, usageError } from '../errors.js';
import { withLock } from '../lock.js';
import { formatBytes, formatQueryCost, type Io, Reporter } from '../output.js';
import { buildSyncPlan } from '../plan.js';
import { preflight } from '../preflight.js';
import { isSameVersion, readProvenance, sourceVersion } from '../provenance.js';
import { pendingLabel } from '../publish.js';
import { copyVerifyPublish, dropStaging } from '../sync-run.js';
import { siblingTable, type TableRef, tableIdFlag } from '../table-id.js';
import { fingerprintSql, type VerificationLevel } from '../verify.js';

export const syncHelp = `Usage: stable-copy sync --source P.D.T --dest P.D.T [flags]

Copies the source table into a staging table with a BigQuery copy job, verifies the copy, keeps
the current destination as a dated table snapshot, then publishes the copy atomically (a
WRITE_TRUNCATE copy job; CREATE OR REPLACE TABLE … AS SELECT when the partitioning/clustering
changes, which bills one scan) and records its provenance. Does nothing when the destination
already holds the source's current version. Holds <dest>__lock meanwhile (a second run exits 6);
staging and lock are dropped on every path.

Flags:
  --source P.D.T                  table to copy (e.g. carto-demo-data.demo_tilesets.osm_buildings)
  --dest P.D.T                    stable copy; its dataset is created in the source's location if missing
  --verify metadata|full          metadata (default): schema, rows and bytes equal; full: also content
                                  fingerprints of staging and of the source as of the copy (bills 2 scans)
  --max-bytes N                   refuse a verification (or layout-change) scan over N bytes (dry-run first)
  --snapshot-retention-days N     expiration of the snapshot of the previous version (default 30)
  --dry-run                       print the plan and costs; make no change

${commonHelp}
`;

const syncOptions = {
  source: { type: 'string' },
  dest: { type: 'string' },
  verify: { type: 'string' },
  'max-bytes': { type: 'string' },
  'snapshot-retention-days': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export async function sync(argv: string[], io: Io): Promise<void> {
  const flags = parseFlags(argv, syncOptions);
  if (flags.help) {
    io.stdout.write(syncHelp);
    return;
  }
  const source = tableIdFlag('source', flags.source);
  const dest = tableIdFlag('dest', flags.dest);
  if (source.id === dest.id) throw usageError('--source and --dest must be different tables');
  const verify = (flags.verify ?? 'metadata') as VerificationLevel;
  if (verify !== 'metadata' && verify !== 'full')
    throw usageError(`--verify must be metadata or full, got '${verify}'`);
  const maxBytes = integerFlag('max-bytes', flags['max-bytes']);
  const retentionDays =
    integerFlag('snapshot-retention-days', flags['snapshot-retention-days'], { min: 1, max: 3650 }) ?? 30;
  const reporter = new Reporter(io, flags.json === true);
  const rest = await connect(
    io.env,
    billingProject(flags['billing-project'], io.env, dest.projectId),
    reporter,
  );
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

  if (
    pre.destination &&
    isSameVersion(published, current) &&
    sourceVersion(pre.destination, source.id).rows === current.rows &&
    !pre.destination.labels?.[pendingLabel]
  ) {
    reporter.progress(`${dest.id} is up to date with ${source.id}; nothing to do`);
    reporter.result({ ...summary, outcome: 'up-to-date', published, durationMs: Date.now() - startedAt }, [
      `up to date: ${dest.id} already holds ${source.id} as modified ${new Date(current.sourceLastModified).toISOString()} (${current.rows} rows)`,
    ]);
    return;
  }

  const staging = siblingTable(dest, `${dest.tableId}__staging_${startedAt}`);
  const verificationBytes =
    verify === 'full' && flags['dry-run'] ? 2 * (await estimateScan(rest, source, pre.location)) : 0;
  const plan = buildSyncPlan({
    source,
    dest,
    staging,
    preflight: pre,
    verify,
    verificationBytes,
    retentionDays,
  });
  if (flags['dry-run']) {
    for (const step of plan.steps) reporter.progress(`plan: ${step.description}`);
    const overCap = maxBytes !== undefined && verificationBytes > maxBytes;
    reporter.result({ ...summary, outcome: 'dry-run', plan, withinMaxBytes: !overCap }, [
      `dry run: ${plan.steps.length} steps, nothing changed`,
      ...plan.steps.map((s, i) => `  ${i + 1}. ${s.description}`),
      `costs: copy ${plan.costs.copy}; storage ${plan.costs.storage}; verification ${plan.costs.verification}`,
      ...(overCap
        ? [`note: verification would exceed --max-bytes ${maxBytes}; the sync would stop before it`]
        : []),
    ]);
    return;
  }

  const createdDataset = !pre.destinationDataset;
  if (createdDataset) await createDataset(rest, dest, pre.location, reporter);
  const outcome = await withLock(rest, dest, reporter, async () => {
    try {
      return await copyVerifyPublish({
        rest,
        reporter,
        source,
        dest,
        staging,
        verify,
        maxBytes,
        retentionDays,
        location: pre.location,
      });
    } finally {
      await dropStaging(rest, staging, reporter);
    }
  });
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
      `published ${dest.id} (${publishing.method === 'copy' ? 'copy job' : 'CREATE OR REPLACE TABLE, new layout'}): ${provenance.rows} rows, ${formatBytes(provenance.bytes)}, from ${source.id} modified ${new Date(provenance.sourceLastModified).toISOString()}`,
      `verification (${verification.level}) passed${verification.bytesBilled ? `, billed ${formatQueryCost(verification.bytesBilled)}` : ''}`,
      snapshot
        ? `previous version kept as ${snapshot.id} until ${new Date(snapshot.expirationTime ?? 0).toISOString()}`
        : 'no previous version to keep',
    ],
  );
}

async function createDataset(
  rest: BigQueryRest,
  dest: TableRef,
  location: string,
  reporter: Reporter,
): Promise<void> {
  reporter.progress(`creating dataset ${dest.projectId}.${dest.datasetId} in ${location}`);
  await rest
    .insertDataset(dest.projectId, dest.datasetId, {
      location,
      labels: { 'managed-by': 'stable-copy' },
      description: 'Stable copies made by tilestack stable-copy (tools/stable-copy).',
    })
    .catch((error) => {
      // Created meanwhile by another run: preflight's location check is repeated by the copy job.
      if ((error as { code?: number }).code === 409) return;
      throw explainBigQueryError(error, {
        action: 'create dataset',
        resource: `${dest.projectId}.${dest.datasetId}`,
        permission: `bigquery.datasets.create on project ${dest.projectId}`,
        role: 'roles/bigquery.user (or create the dataset with the IaC: infra/src/data.ts)',
      });
    });
}

/** Bytes the source fingerprint scan would read (a free dry run); the staging scan reads as much. */
async function estimateScan(rest: BigQueryRest, source: TableRef, location: string): Promise<number> {
  const answer = await rest
    .query(fingerprintSql(source, false), { dryRun: true, location })
    .catch((error) => {
      throw explainBigQueryError(error, { action: 'dry-run the fingerprint of', resource: source.id });
    });
  return answer.bytesProcessed;
}
