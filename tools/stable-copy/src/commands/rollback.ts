import { preflightError } from '../errors.js';
import { type Command, flag, siblingTable, tableIdFlag, text } from '../io.js';
import { withLock } from '../lock.js';
import { tablePermissions } from '../permissions.js';
import { requirePermissions } from '../preflight.js';
import { newProvenance, provenancePatch, sourceVersion } from '../provenance.js';
import { publish } from '../publish.js';
import { readPublished, retentionFlag, takeSnapshot } from '../snapshots.js';

export const rollback: Command = {
  summary: 'restore a snapshot over the destination, atomically',
  help: `Usage: stable-copy rollback --dest P.D.T [--to SNAPSHOT] [flags]
Keeps the current version as a snapshot, then restores SNAPSHOT over the destination, atomically.
The next sync publishes the source's version again: pause scheduled syncs to stay back.
  --to SNAPSHOT                snapshot table id (default: the newest holding another version)
  --snapshot-retention-days N  expiration of the snapshot of the current version (default 30)
  --dry-run                    say which snapshot would be restored; change nothing`,
  options: { dest: text, to: text, 'snapshot-retention-days': text, 'dry-run': flag },
  async run(flags, connect) {
    const dest = tableIdFlag('dest', flags.dest);
    const retentionDays = retentionFlag(flags);
    const { rest, progress } = await connect(dest.projectId);
    const { table, provenance: current, snapshots } = await readPublished(rest, dest);
    const to = String(flags.to ?? '')
      .split('.')
      .at(-1);
    const target = snapshots.find((s) =>
      to ? s.tableId === to : !current || s.provenance?.sourceLastModified !== current.sourceLastModified,
    );
    if (!target)
      throw preflightError(
        `No snapshot ${to || 'holding another version'} of ${dest.id}. Available: ${snapshots.map((s) => s.tableId).join(', ') || 'none'}`,
      );
    if (flags['dry-run']) return { outcome: 'dry-run', destination: dest.id, snapshot: target };
    const from = siblingTable(dest, target.tableId);
    const onSnapshot = ['bigquery.tables.get', 'bigquery.tables.getData', 'bigquery.tables.restoreSnapshot'];
    await requirePermissions(rest, from, onSnapshot);
    await requirePermissions(rest, dest, tablePermissions);
    const location = table.location ?? '';
    return withLock(rest, dest, progress, async () => {
      const reason = 'before-rollback';
      const kept = await takeSnapshot(rest, dest, { retentionDays, provenance: current, reason, location });
      progress(`kept the current version as ${kept.id}; restoring ${target.id}`);
      const fromTable = await rest.getTable(from);
      await publish(rest, { from, fromTable, dest, destTable: await rest.getTable(dest), location });
      const provenance = {
        ...(target.provenance ??
          newProvenance(sourceVersion(fromTable, 'unknown'), { verification: 'metadata' })),
        restoredFrom: target.id,
        restoredAt: Date.now(),
      };
      await rest.patchTable(dest, provenancePatch(provenance, table, await rest.getTable(dest)));
      return {
        outcome: 'restored',
        destination: dest.id,
        snapshot: target,
        keptCurrentAs: kept.id,
        provenance,
      };
    });
  },
};
