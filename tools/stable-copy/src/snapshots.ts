import { type BigQueryRest, type TableRef, tableReference } from '@tilestack/bigquery';
import { explain } from './errors.js';
import { siblingTable } from './io.js';
import { type Provenance, provenancePatch, readProvenance } from './provenance.js';

const dayMs = 24 * 60 * 60 * 1000;

export interface SnapshotInfo {
  id: string;
  tableId: string;
  /** When the snapshot's data was taken (epoch ms). */
  snapshotTime: number;
  expirationTime?: number;
  provenance?: Provenance;
}

/** Snapshots of `dest` are named `<table>__snapshot_<UTC time>`, next to it: sortable, dated, findable. */
const snapshotPrefix = (dest: TableRef) => `${dest.tableId}__snapshot_`;
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:Z]/g, '').replace(/[T.]/g, '_');

/** The destination table, the provenance of the version published there, and its snapshots. */
export async function readPublished(rest: BigQueryRest, dest: TableRef) {
  const table = await rest.getTable(dest).catch((error) => {
    throw explain(error, `read ${dest.id}`, 'bigquery.tables.get');
  });
  return { table, provenance: readProvenance(table), snapshots: await listSnapshots(rest, dest) };
}

/** The snapshots of `dest` kept by this tool, newest first (tables.list, then tables.get each). */
export async function listSnapshots(rest: BigQueryRest, dest: TableRef): Promise<SnapshotInfo[]> {
  const listed = await rest.listTables(dest.projectId, dest.datasetId);
  const candidates = listed.filter(
    (t) => t.type === 'SNAPSHOT' && t.tableReference.tableId.startsWith(snapshotPrefix(dest)),
  );
  const snapshots: SnapshotInfo[] = [];
  for (const entry of candidates) {
    const ref = siblingTable(dest, entry.tableReference.tableId);
    const table = await rest.findTable(ref);
    const base = table?.snapshotDefinition?.baseTableReference;
    if (!table || !base || base.tableId !== dest.tableId || base.datasetId !== dest.datasetId) continue;
    snapshots.push({
      id: ref.id,
      tableId: ref.tableId,
      snapshotTime:
        Date.parse(table.snapshotDefinition?.snapshotTime ?? '') || Number(table.creationTime ?? 0),
      expirationTime: table.expirationTime ? Number(table.expirationTime) : undefined,
      provenance: readProvenance(table),
    });
  }
  return snapshots.sort((a, b) => b.snapshotTime - a.snapshotTime);
}

/**
 * Keeps the current content of `dest` as a table snapshot that expires after `retentionDays`.
 * Snapshots store only what later changes, so keeping one is cheap; the provenance of the version
 * it holds is written on it, so `status` and `rollback` can tell versions apart.
 */
export async function takeSnapshot(
  rest: BigQueryRest,
  dest: TableRef,
  options: {
    retentionDays: number;
    provenance?: Provenance;
    reason: string;
    location?: string;
    now?: number;
  },
): Promise<SnapshotInfo> {
  const now = options.now ?? Date.now();
  const ref = siblingTable(dest, `${snapshotPrefix(dest)}${stamp(now)}`);
  const expirationTime = now + options.retentionDays * dayMs;
  await rest.runJob(
    {
      copy: {
        sourceTables: [tableReference(dest)],
        destinationTable: tableReference(ref),
        operationType: 'SNAPSHOT',
        writeDisposition: 'WRITE_EMPTY',
        destinationExpirationTime: new Date(expirationTime).toISOString(),
      },
    },
    options.location,
  );
  const patch = options.provenance
    ? provenancePatch(options.provenance)
    : { labels: {}, description: undefined };
  await rest.patchTable(ref, {
    labels: { ...patch.labels, 'stable-copy-snapshot-reason': options.reason },
    ...(patch.description ? { description: patch.description } : {}),
  });
  return {
    id: ref.id,
    tableId: ref.tableId,
    snapshotTime: now,
    expirationTime,
    provenance: options.provenance,
  };
}
