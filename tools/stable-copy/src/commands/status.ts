import { parseTableId } from '@tilestack/bigquery';
import { type Command, tableIdFlag } from '../io.js';
import { isSameVersion, sourceVersion } from '../provenance.js';
import { pendingState } from '../publish.js';
import { readPublished } from '../snapshots.js';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : 'unknown');

export const status: Command = {
  summary: 'published version, snapshots, and how far behind the source it is',
  help: `Usage: stable-copy status --dest P.D.T [--source P.D.T] [flags]
The published version, an interrupted publish, the snapshots kept, and how far behind the source
(default: the provenance's) it is. Reads only.`,
  options: { dest: { type: 'string' }, source: { type: 'string' } },
  async run(flags, connect) {
    const dest = tableIdFlag('dest', flags.dest);
    const sourceFlag = flags.source ? tableIdFlag('source', flags.source) : undefined;
    const { rest } = await connect(dest.projectId);
    const { table, provenance: published, snapshots } = await readPublished(rest, dest);
    // A run that stopped between publishing and recording: say which version the table holds.
    const pending = await pendingState(rest, table, table.location);
    const source = sourceFlag ?? parseTableId(published?.sourceId);
    let behind: Record<string, unknown> | null = null;
    if (source)
      behind = await rest.getTable(source).then(
        (t) => {
          const current = sourceVersion(t, source.id);
          const upToDate = isSameVersion(published, current);
          return {
            source: source.id,
            upToDate,
            lagMs: upToDate ? 0 : current.sourceLastModified - (published?.sourceLastModified ?? 0),
            rowsDifference: current.rows - (published?.rows ?? Number(table.numRows ?? 0)),
          };
        },
        (error: Error) => ({ source: source.id, error: error.message }),
      );
    const summary = {
      destination: dest.id,
      rows: Number(table.numRows ?? 0),
      published: pending?.published ? null : (published ?? null),
      interrupted: pending ?? null,
      snapshots,
      behind,
    };
    const lines = [
      pending?.published &&
        `a run published (job ${pending.jobId}) but stopped before recording its provenance: run sync to repair`,
      pending &&
        !pending.published &&
        `a run stopped before publishing (job ${pending.jobId} ${pending.found ? 'failed' : `not found in ${rest.projectId}`}); the next sync clears the mark`,
      published
        ? `${dest.id}: ${published.sourceId} as modified ${iso(published.sourceLastModified)}, ${published.rows} rows, published ${iso(published.copiedAt)}${published.restoredFrom ? ` (restored from ${published.restoredFrom})` : ''}`
        : `${dest.id}: no stable-copy provenance (not published by this tool, or its first publish stopped: run sync)`,
      ...snapshots.map(
        (s) =>
          `snapshot ${s.id}: taken ${iso(s.snapshotTime)}, expires ${iso(s.expirationTime)}, holds ${s.provenance ? `source modified ${iso(s.provenance.sourceLastModified)}` : 'an unknown version'}`,
      ),
      behind &&
        `source ${behind.source}: ${behind.error ?? (behind.upToDate ? 'up to date' : `behind by ${Math.round(Number(behind.lagMs) / 60000)} minutes; run sync`)}`,
    ];
    return { summary, lines: lines.filter((l): l is string => typeof l === 'string') };
  },
};
