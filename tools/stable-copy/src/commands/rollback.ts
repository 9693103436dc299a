import { parseTableId, type TableRef } from '@tilestack/bigquery';
import { explain, preflightError } from '../errors.js';
import { connect, type Io, parseFlags, tableIdFlag } from '../io.js';
import { withLock } from '../lock.js';
import { roleHint, tablePermissions } from '../permissions.js';
import { requirePermissions } from '../preflight.js';
import { type Provenance, provenancePatch } from '../provenance.js';
import { publish } from '../publish.js';
import { readPublished, type SnapshotInfo, takeSnapshot } from '../snapshots.js';
import { retentionFlag } from './sync.js';

const help = `Usage: stable-copy rollback --dest P.D.T [--to SNAPSHOT] [flags]

Restores a snapshot over the destination, atomically, after keeping the current version as a
snapshot too. The next sync publishes the source's version again: pause scheduled syncs to stay back.

  --dest P.D.T                 the stable copy to roll back
  --to SNAPSHOT                snapshot table id (in the destination's dataset, or P.D.T); default:
                               the newest snapshot holding a version other than the published one
  --snapshot-retention-days N  expiration of the snapshot of the current version (default 30)
  --dry-run                    say which snapshot would be restored; change nothing`;

const options = {
  dest: { type: 'string' },
  to: { type: 'string' },
  'snapshot-retention-days': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export async function rollback(argv: string[], io: Io): Promise<void> {
  const flags = parseFlags(argv, options, help, io);
  if (!flags) return;
  const dest = tableIdFlag('dest', flags.dest);
  const retentionDays = retentionFlag(flags);
  const { rest, reporter } = await connect(flags, io, dest.projectId);

  const { table, provenance: current, snapshots } = await readPublished(rest, dest);
  const target = chooseSnapshot(snapshots, current, flags.to, dest);
  const targetRef = parseTableId(target.id);
  if (!targetRef) throw preflightError(`'${target.id}' is not a table id`);
  reporter.progress(
    `restoring ${target.id} (taken ${new Date(target.snapshotTime).toISOString()}) over ${dest.id}`,
  );
  if (flags['dry-run']) {
    reporter.result({ command: 'rollback', outcome: 'dry-run', destination: dest.id, snapshot: target }, [
      `dry run: would restore ${target.id} over ${dest.id}; nothing changed`,
    ]);
    return;
  }
  await requirePermissions(
    rest,
    targetRef,
    ['bigquery.tables.get', 'bigquery.tables.getData', 'bigquery.tables.restoreSnapshot'],
    'snapshot',
    roleHint,
  );
  await requirePermissions(rest, dest, tablePermissions, 'destination table', roleHint);
  const location = table.location;
  const { kept, provenance, restored } = await withLock(rest, dest, reporter, async () => {
    const kept = await takeSnapshot(rest, dest, {
      retentionDays,
      provenance: current,
      reason: 'before-rollback',
      location,
    });
    reporter.progress(`kept the current version as ${kept.id}`);
    const fromTable = await rest.getTable(targetRef);
    await publish(rest, {
      from: targetRef,
      fromTable,
      dest,
      destTable: await rest.getTable(dest),
      location: location ?? '',
    }).catch((error) => {
      throw explain(error, `restore ${target.id} over ${dest.id}`, roleHint);
    });
    const provenance: Provenance = {
      ...(target.provenance ?? current ?? unknownVersion),
      restoredFrom: target.id,
      restoredAt: Date.now(),
    };
    const restored = await rest.getTable(dest);
    await rest.patchTable(dest, provenancePatch(provenance, table, restored));
    return { kept, provenance, restored };
  });
  reporter.result(
    {
      command: 'rollback',
      outcome: 'restored',
      destination: dest.id,
      snapshot: target,
      keptCurrentAs: kept.id,
      provenance,
    },
    [
      `restored ${dest.id} from ${target.id} (${restored.numRows} rows); the replaced version is kept as ${kept.id}`,
    ],
  );
}

const unknownVersion = {
  sourceId: 'unknown',
  sourceLastModified: 0,
  rows: 0,
  bytes: 0,
  schemaFingerprint: '',
  copiedAt: 0,
  toolVersion: '',
  verification: 'metadata' as const,
};

/** `--to` (in the destination's dataset, or P.D.T), else the newest snapshot holding another version. */
function chooseSnapshot(
  snapshots: SnapshotInfo[],
  current: Provenance | undefined,
  to: unknown,
  dest: TableRef,
) {
  const id = typeof to === 'string' && (to.includes('.') ? to : `${dest.projectId}.${dest.datasetId}.${to}`);
  const found = snapshots.find((s) =>
    id ? s.id === id : s.provenance?.sourceLastModified !== current?.sourceLastModified || !current,
  );
  if (!found)
    throw preflightError(
      `No snapshot ${id || 'holding another version'} of ${dest.id}. Available: ${snapshots.map((s) => s.tableId).join(', ') || 'none'}`,
    );
  return found;
}
