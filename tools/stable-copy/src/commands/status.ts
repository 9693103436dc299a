import { parseTableId } from '@tilestack/bigquery';
import { type Command, tableIdFlag, text } from '../io.js';
import { isSameVersion, sourceVersion } from '../provenance.js';
import { pendingState } from '../publish.js';
import { readPublished } from '../snapshots.js';

export const status: Command = {
  summary: 'published version, snapshots, and how far behind the source it is',
  help: `Usage: stable-copy status --dest P.D.T [--source P.D.T] [flags]
The published version, an interrupted publish, the snapshots kept, and how far behind the source
(default: the provenance's) it is. Reads only.`,
  options: { dest: text, source: text },
  async run(flags, connect) {
    const dest = tableIdFlag('dest', flags.dest);
    const sourceFlag = flags.source ? tableIdFlag('source', flags.source) : undefined;
    const { rest } = await connect(dest.projectId);
    const { table, provenance: published, snapshots } = await readPublished(rest, dest);
    // A run that stopped between publishing and recording: say which version the table holds.
    const pending = await pendingState(rest, table, table.location);
    const source = sourceFlag ?? parseTableId(published?.sourceId);
    const behind =
      source &&
      (await rest.getTable(source).then(
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
      ));
    return {
      destination: dest.id,
      rows: Number(table.numRows ?? 0),
      published: pending?.published ? null : (published ?? null),
      interrupted: pending ?? null,
      snapshots,
      behind: behind ?? null,
    };
  },
};
