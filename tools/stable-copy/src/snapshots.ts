import type { BigQueryRest, TableRef } from '@tilestack/bigquery';
import { explain } from './errors.js';
import { type Flags, integerFlag, siblingTable } from './io.js';
import { roleHint } from './permissions.js';
import { type Provenance, provenancePatch, readProvenance } from './provenance.js';
import { copyJob } from './publish.js';

export interface SnapshotInfo {
  id: string;
  tableId: string;
  snapshotTime: number;
  expirationTime?: number;
  provenance?: Provenance;
}

export const retentionFlag = (flags: Flags) =>
  integerFlag('snapshot-retention-days', flags['snapshot-retention-days'], { min: 1, max: 3650 }) ?? 30;

/** Snapshots of `dest` are named `<table>__snapshot_<UTC time>`, next to it: sortable, dated, findable. */
const snapshotPrefix = (dest: TableRef) => `${dest.tableId}__snapshot_`;

export async function readPublished(rest: BigQueryRest, dest: TableRef) {
  const table = await rest.getTable(dest).catch((error) => {
    throw explain(error, `read ${dest.id}`, 'bigquery.tables.get');
  });
  const listed = await rest.listTables(dest.projectId, dest.datasetId);
  const snapshots: SnapshotInfo[] = [];
  for (const entry of listed) {
    const ref = siblingTable(dest, entry.tableReference.tableId);
    if (entry.type !== 'SNAPSHOT' || !ref.tableId.startsWith(snapshotPrefix(dest))) continue;
    const snapshot = await rest.findTable(ref);
    const base = snapshot?.snapshotDefinition?.baseTableReference;
    if (!snapshot || base?.tableId !== dest.tableId || base.datasetId !== dest.datasetId) continue;
    snapshots.push({
      id: ref.id,
      tableId: ref.tableId,
      snapshotTime:
        Date.parse(snapshot.snapshotDefinition?.snapshotTime ?? '') || Number(snapshot.creationTime),
      expirationTime: snapshot.expirationTime ? Number(snapshot.expirationTime) : undefined,
      provenance: readProvenance(snapshot),
    });
  }
  snapshots.sort((a, b) => b.snapshotTime - a.snapshotTime);
  return { table, provenance: readProvenance(table), snapshots };
}

/**
 * Keeps the current content of `dest` as a table snapshot that expires after `retentionDays`, with
 * the provenance of the version it holds written on it, so `status` and `rollback` can tell versions apart.
 */
export async function takeSnapshot(
  rest: BigQueryRest,
  dest: TableRef,
  o: { retentionDays: number; provenance?: Provenance; reason: string; location: string },
): Promise<SnapshotInfo> {
  const now = Date.now();
  const stamp = new Date(now).toISOString().replace(/[-:Z]/g, '').replace(/[T.]/g, '_');
  const ref = siblingTable(dest, `${snapshotPrefix(dest)}${stamp}`);
  const expirationTime = now + o.retentionDays * 24 * 60 * 60 * 1000;
  const destinationExpirationTime = new Date(expirationTime).toISOString();
  await rest
    .runJob(
      copyJob(dest, ref, 'SNAPSHOT', { writeDisposition: 'WRITE_EMPTY', destinationExpirationTime }),
      o.location,
    )
    .catch((error) => {
      throw explain(
        error,
        `snapshot ${dest.id}`,
        `bigquery.tables.createSnapshot, deleteSnapshot (${roleHint})`,
      );
    });
  const patch = o.provenance ? provenancePatch(o.provenance) : { labels: {} };
  await rest.patchTable(ref, {
    ...patch,
    labels: { ...patch.labels, 'stable-copy-snapshot-reason': o.reason },
  });
  return { id: ref.id, tableId: ref.tableId, snapshotTime: now, expirationTime, provenance: o.provenance };
}
