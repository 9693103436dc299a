import { explain, usageError } from '../errors.js';
import {
  type Command,
  dryRunBytes,
  flag,
  formatBytes,
  formatQueryCost,
  integerFlag,
  siblingTable,
  tableIdFlag,
  text,
} from '../io.js';
import { preflight } from '../preflight.js';
import { isSameVersion, readProvenance, sourceVersion } from '../provenance.js';
import { pendingLabel } from '../publish.js';
import { retentionFlag } from '../snapshots.js';
import { runSync, type SyncRun } from '../sync-run.js';
import { fingerprintSql } from '../verify.js';

export const sync: Command = {
  summary: 'copy, verify and publish a table; keep the previous version as a snapshot',
  help: `Usage: stable-copy sync --source P.D.T --dest P.D.T [flags]
Copy to staging, verify, snapshot the current destination, publish atomically, record provenance
(tools/stable-copy/README.md). Does nothing when the destination holds the source's version.
  --source P.D.T               table to copy (e.g. carto-demo-data.demo_tilesets.osm_buildings)
  --dest P.D.T                 stable copy; a missing dataset is created in the source's location
  --verify metadata|full       metadata (default), or full: also content fingerprints (two scans)
  --max-bytes N                refuse a verification or layout-change scan over N bytes
  --snapshot-retention-days N  expiration of the snapshot of the previous version (default 30)
  --dry-run                    print the plan and costs; make no change`,
  options: {
    source: text,
    dest: text,
    verify: text,
    'max-bytes': text,
    'snapshot-retention-days': text,
    'dry-run': flag,
  },
  async run(flags, connect) {
    const source = tableIdFlag('source', flags.source);
    const dest = tableIdFlag('dest', flags.dest);
    if (source.id === dest.id) throw usageError('--source and --dest must be different tables');
    const verify = flags.verify ?? 'metadata';
    if (verify !== 'metadata' && verify !== 'full')
      throw usageError(`--verify must be metadata or full, got '${verify}'`);
    const maxBytes = integerFlag('max-bytes', flags['max-bytes']);
    const retentionDays = retentionFlag(flags);
    const { rest, progress } = await connect(dest.projectId);
    const startedAt = Date.now();

    progress(`preflight: ${source.id} → ${dest.id}`);
    const pre = await preflight(rest, source, dest);
    const current = sourceVersion(pre.source, source.id);
    const published = readProvenance(pre.destination);
    const summary = { source: source.id, destination: dest.id, sourceVersion: current };
    const pending = pre.destination?.labels?.[pendingLabel];
    if (isSameVersion(published, current) && Number(pre.destination?.numRows) === current.rows && !pending)
      return { ...summary, outcome: 'up-to-date', published };
    const staging = siblingTable(dest, `${dest.tableId}__staging_${startedAt}`);
    const run = { rest, progress, pre, source, dest, staging, verify, maxBytes, retentionDays } as const;
    if (flags['dry-run']) return { ...summary, outcome: 'dry-run', ...(await plan(run)) };
    return { ...summary, outcome: 'published', ...(await runSync(run)), durationMs: Date.now() - startedAt };
  },
};

/** What a sync would do and cost: copy jobs are free, the copy is billed as storage, `full` bills two scans. */
async function plan({ rest, pre, source, dest, staging, verify, maxBytes, retentionDays }: SyncRun) {
  const fingerprint = { sql: fingerprintSql(source, false), location: pre.location };
  // The source's fingerprint scan, a free dry run; the staging scan reads as much.
  const scan =
    verify === 'full'
      ? 2 *
        (await dryRunBytes(rest, fingerprint).catch((error) => {
          throw explain(error, `dry-run the fingerprint of ${source.id}`);
        }))
      : 0;
  const bytes = Number(pre.source.numBytes ?? 0);
  const steps = Object.entries({
    'create-dataset':
      !pre.destinationDataset && `create dataset ${dest.projectId}.${dest.datasetId} in ${pre.location}`,
    'copy-to-staging': `copy job ${source.id} → ${staging.id} (${formatBytes(bytes)}, free)`,
    verify: verify === 'full' ? `fingerprints, scanning ${formatQueryCost(scan)}` : 'metadata (free)',
    'snapshot-previous': pre.destination && `keep ${dest.id} as a snapshot expiring in ${retentionDays} days`,
    publish: pre.layoutChange
      ? `partitioning/clustering change (${pre.layoutChange}): CREATE OR REPLACE TABLE ${dest.id} … AS SELECT * FROM ${staging.id} (atomic; bills a scan of ${formatQueryCost(bytes)})`
      : `copy job ${staging.id} → ${dest.id} (WRITE_TRUNCATE, atomic, free)`,
    'record-provenance': `label and describe ${dest.id} with its provenance`,
    'drop-staging': `delete ${staging.id}`,
  }).flatMap(([step, description]) => (description ? [{ step, description }] : []));
  const withinMaxBytes = maxBytes === undefined || scan <= maxBytes;
  return {
    plan: { steps, verificationBytes: scan, storage: `${formatBytes(bytes)}, billed monthly` },
    withinMaxBytes,
  };
}
