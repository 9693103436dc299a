import { type BigQueryError, type BigQueryRest, type TableRef, tableReference } from '@tilestack/bigquery';
import { explain } from './errors.js';
import type { Reporter } from './io.js';
import { roleHint } from './permissions.js';
import { newProvenance, provenancePatch, readProvenance, sourceVersion } from './provenance.js';
import { publish } from './publish.js';
import { type SnapshotInfo, takeSnapshot } from './snapshots.js';
import { VerificationError, type VerificationLevel, verifyFull, verifyMetadata } from './verify.js';

/** The mutating part of a sync, run under the lock: copy, verify, snapshot, publish, record. */
export interface SyncRun {
  rest: BigQueryRest;
  reporter: Reporter;
  source: TableRef;
  dest: TableRef;
  staging: TableRef;
  verify: VerificationLevel;
  maxBytes?: number;
  retentionDays: number;
  location: string;
}

/** Under the lock: re-reads the destination (another run may have published meanwhile), then works. */
export async function copyVerifyPublish(run: SyncRun) {
  const { rest, reporter, source, dest, staging, location } = run;
  const destination = await rest.findTable(dest);
  reporter.progress(`copying ${source.id} → ${staging.id}`);
  const copyJob = await copyTable(rest, source, staging, location, {
    writeDisposition: 'WRITE_EMPTY',
    // A staging table left behind by a killed run removes itself.
    destinationExpirationTime: new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString(),
  });
  // The copy reads the source as of the job's start: the version the staging table holds.
  const asOfMs = Number(copyJob.statistics?.startTime ?? Date.now());
  const sourceNow = await rest.getTable(source);
  // Copy jobs carry data, schema and layout; the table's description and labels are the tool's to carry.
  await rest.patchTable(staging, {
    description: sourceNow.description ?? null,
    labels: sourceNow.labels ?? {},
  });
  const staged = await rest.getTable(staging);
  const changedDuringCopy = Number(sourceNow.lastModifiedTime) > asOfMs;

  reporter.progress(`verifying (${run.verify})`);
  if (run.verify === 'metadata' && changedDuringCopy) {
    throw new VerificationError([
      `${source.id} changed during the copy (modified ${sourceNow.lastModifiedTime}, copy started ${asOfMs}); metadata cannot be compared — rerun, or use --verify full`,
    ]);
  }
  let verification = verifyMetadata(sourceNow, staged, run.verify === 'metadata');
  if (run.verify === 'full') {
    const input = { source, staging, staged, asOfMs, maxBytes: run.maxBytes, location };
    verification = await verifyFull(rest, reporter, input);
  }
  const version = {
    ...sourceVersion(staged, source.id),
    sourceLastModified: changedDuringCopy ? asOfMs : Number(sourceNow.lastModifiedTime),
  };

  let snapshot: SnapshotInfo | undefined;
  if (destination) {
    reporter.progress(`keeping the current ${dest.id} as a snapshot (${run.retentionDays} days)`);
    snapshot = await takeSnapshot(rest, dest, {
      retentionDays: run.retentionDays,
      provenance: readProvenance(destination),
      reason: 'before-sync',
      location,
    }).catch((error) => {
      throw explain(
        error,
        `snapshot ${dest.id}`,
        `bigquery.tables.createSnapshot, deleteSnapshot (${roleHint})`,
      );
    });
  }

  reporter.progress(`publishing ${staging.id} → ${dest.id}`);
  const publishing = await publish(rest, {
    from: staging,
    fromTable: staged,
    dest,
    destTable: destination,
    location,
    maxBytes: run.maxBytes,
  }).catch((error) => {
    throw explain(error, `publish ${staging.id} as ${dest.id}`, roleHint);
  });
  const provenance = newProvenance(version, {
    verification: verification.level,
    contentFingerprint: verification.contentFingerprint,
  });
  const published = await rest.getTable(dest);
  await rest.patchTable(dest, {
    ...provenancePatch(provenance, staged, published),
    // The copy of a new destination must not inherit the staging table's expiration.
    expirationTime: null,
  });
  return { verification, snapshot, provenance, publishing };
}

/** A copy job `from` → `to`, with failures explained (permission names, location hints). */
async function copyTable(
  rest: BigQueryRest,
  from: TableRef,
  to: TableRef,
  location: string,
  options: Record<string, unknown>,
) {
  try {
    return await rest.runJob(
      {
        copy: {
          sourceTables: [tableReference(from)],
          destinationTable: tableReference(to),
          operationType: 'COPY',
          ...options,
        },
      },
      location,
    );
  } catch (error) {
    throw explain(error, `copy ${from.id} to ${to.id}`, `bigquery.tables.getData on the source; ${roleHint}`);
  }
}

/** Deletes the staging table, whatever happened; a failure only warns (it expires within a day). */
export async function dropStaging(rest: BigQueryRest, staging: TableRef, reporter: Reporter): Promise<void> {
  try {
    await rest.deleteTable(staging);
    reporter.progress(`dropped ${staging.id}`);
  } catch (error) {
    if ((error as BigQueryError).kind === 'notFound') return;
    reporter.progress(
      `warning: could not drop ${staging.id} (${(error as Error).message}); it expires within 24 hours`,
    );
  }
}
