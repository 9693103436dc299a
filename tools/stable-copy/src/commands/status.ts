import { parseTableId } from '@tilestack/bigquery';
import { connect, type Io, parseFlags, tableIdFlag } from '../io.js';
import { isSameVersion, sourceVersion } from '../provenance.js';
import { pendingState } from '../publish.js';
import { readPublished } from '../snapshots.js';

const help = `Usage: stable-copy status --dest P.D.T [--source P.D.T] [flags]

The published version, an interrupted publish, the snapshots kept, and how far behind the source
(default: the provenance's) it is. Reads only.`;

export async function status(argv: string[], io: Io): Promise<void> {
  const flags = parseFlags(argv, { dest: { type: 'string' }, source: { type: 'string' } }, help, io);
  if (!flags) return;
  const dest = tableIdFlag('dest', flags.dest);
  const { rest, reporter } = await connect(flags, io, dest.projectId);

  const { table, provenance: published, snapshots } = await readPublished(rest, dest);
  // A run that stopped between publishing and recording: say which version the table holds.
  const pending = await pendingState(rest, table, table.location);
  const sourceId = flags.source ? tableIdFlag('source', flags.source).id : published?.sourceId;
  const sourceRef = sourceId ? parseTableId(sourceId) : null;

  let behind: Record<string, unknown> | undefined;
  if (sourceRef) {
    try {
      const current = sourceVersion(await rest.getTable(sourceRef), sourceRef.id);
      const upToDate = isSameVersion(published, current);
      behind = {
        source: sourceRef.id,
        upToDate,
        sourceLastModified: current.sourceLastModified,
        publishedSourceLastModified: published?.sourceLastModified,
        lagMs: upToDate ? 0 : current.sourceLastModified - (published?.sourceLastModified ?? 0),
        sourceRows: current.rows,
        rowsDifference: current.rows - (published?.rows ?? Number(table.numRows ?? 0)),
      };
    } catch (error) {
      behind = { source: sourceRef.id, error: (error as Error).message };
    }
  }
  const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : 'unknown');
  reporter.result(
    {
      command: 'status',
      destination: dest.id,
      rows: Number(table.numRows ?? 0),
      bytes: Number(table.numBytes ?? 0),
      lastModified: Number(table.lastModifiedTime ?? 0),
      published: pending?.published ? null : (published ?? null),
      interrupted: pending ?? null,
      snapshots,
      behind: behind ?? null,
    },
    [
      ...(pending
        ? [
            pending.published
              ? `${dest.id}: a run published (job ${pending.jobId}) but stopped before recording the provenance: the version held is unrecorded; run sync to repair`
              : `${dest.id}: a run stopped before publishing (job ${pending.jobId} ${pending.found ? 'failed' : `not found in ${rest.projectId}; if another billing project ran it, pass --billing-project`}); the table holds the version below; the next sync clears the mark`,
          ]
        : []),
      published
        ? `${dest.id}: ${published.sourceId} as modified ${iso(published.sourceLastModified)}, ${published.rows} rows, published ${iso(published.copiedAt)}` +
          (published.restoredFrom ? ` (restored from ${published.restoredFrom})` : '')
        : `${dest.id}: no stable-copy provenance (not published by this tool, or its first publish stopped before recording it: run sync)`,
      `snapshots (${snapshots.length}):`,
      ...snapshots.map(
        (s) =>
          `  ${s.id}  taken ${iso(s.snapshotTime)}  expires ${iso(s.expirationTime)}  holds ${s.provenance ? `source modified ${iso(s.provenance.sourceLastModified)}, ${s.provenance.rows} rows` : 'unknown version'}`,
      ),
      !behind
        ? 'source: unknown (pass --source)'
        : behind.error
          ? `source ${behind.source}: could not be read (${behind.error})`
          : behind.upToDate
            ? `source ${behind.source}: up to date`
            : `source ${behind.source}: behind by ${Math.round(Number(behind.lagMs) / 60000)} minutes of source changes (${behind.rowsDifference} rows difference); run sync`,
    ],
  );
}
