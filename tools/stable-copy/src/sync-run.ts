import type { BigQueryError, BigQueryRest, TableRef } from '@tilestack/bigquery';
import { explain } from './errors.js';
import type { Progress } from './io.js';
import { withLock } from './lock.js';
import { roleHint } from './permissions.js';
import type { PreflightResult } from './preflight.js';
import { newProvenance, provenancePatch, readProvenance, sourceVersion } from './provenance.js';
import { copyJob, publish } from './publish.js';
import { takeSnapshot } from './snapshots.js';
import { type VerificationLevel, verify } from './verify.js';

/** The mutating part of a sync: dataset, then under the lock copy, verify, snapshot, publish, record. */
export interface SyncRun {
  rest: BigQueryRest;
  progress: Progress;
  pre: PreflightResult;
  source: TableRef;
  dest: TableRef;
  staging: TableRef;
  verify: VerificationLevel;
  maxBytes?: number;
  retentionDays: number;
}

export async function runSync(run: SyncRun) {
  const { rest, dest, pre, progress } = run;
  if (!pre.destinationDataset) {
    progress(`creating dataset ${dest.projectId}.${dest.datasetId} in ${pre.location}`);
    const body = { location: pre.location, labels: { 'managed-by': 'stable-copy' } };
    await rest.insertDataset(dest.projectId, dest.datasetId, body).catch((error) => {
      // Created meanwhile by another run: preflight's location check is repeated by the copy job.
      if (error.kind === 'duplicate') return;
      throw explain(error, `create dataset ${dest.projectId}.${dest.datasetId}`, 'bigquery.datasets.create');
    });
  }
  return withLock(rest, dest, progress, () =>
    copyVerifyPublish(run).finally(() =>
      rest.deleteTable(run.staging).catch((error: BigQueryError) => {
        if (error.kind !== 'notFound')
          progress(`warning: could not drop ${run.staging.id}; it expires within 24 h`);
      }),
    ),
  );
}

/** Under the lock: re-reads the destination (another run may have published meanwhile), then works. */
async function copyVerifyPublish(run: SyncRun) {
  const { rest, progress, source, dest, staging } = run;
  const location = run.pre.location;
  const destination = await rest.findTable(dest);
  progress(`copying ${source.id} → ${staging.id}`);
  // A staging table left behind by a killed run removes itself.
  const destinationExpirationTime = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString();
  const options = { writeDisposition: 'WRITE_EMPTY', destinationExpirationTime };
  const copied = await rest.runJob(copyJob(source, staging, 'COPY', options), location).catch((error) => {
    throw explain(
      error,
      `copy ${source.id} to ${staging.id}`,
      `bigquery.tables.getData on the source; ${roleHint}`,
    );
  });
  // The copy reads the source as of the job's start: the version the staging table holds.
  const asOfMs = Number(copied.statistics?.startTime ?? Date.now());
  const sourceNow = await rest.getTable(source);
  // Copy jobs carry data, schema and layout; the table's description and labels are the tool's to carry.
  await rest.patchTable(staging, {
    description: sourceNow.description ?? null,
    labels: sourceNow.labels ?? {},
  });
  const staged = await rest.getTable(staging);
  const verification = await verify(run, sourceNow, staged, asOfMs);
  const changedDuringCopy = Number(sourceNow.lastModifiedTime) > asOfMs;
  const version = {
    ...sourceVersion(staged, source.id),
    sourceLastModified: changedDuringCopy ? asOfMs : Number(sourceNow.lastModifiedTime),
  };

  const snapshot =
    destination &&
    (await takeSnapshot(rest, dest, {
      retentionDays: run.retentionDays,
      provenance: readProvenance(destination),
      reason: 'before-sync',
      location,
    }));
  if (snapshot) progress(`kept the current ${dest.id} as ${snapshot.id}`);
  progress(`publishing ${staging.id} → ${dest.id}`);
  const publishing = await publish(rest, {
    from: staging,
    fromTable: staged,
    dest,
    destTable: destination,
    location,
    maxBytes: run.maxBytes,
  });
  const { level, contentFingerprint } = verification;
  const provenance = newProvenance(version, { verification: level, contentFingerprint });
  await rest.patchTable(dest, {
    ...provenancePatch(provenance, staged, await rest.getTable(dest)),
    // The copy of a new destination must not inherit the staging table's expiration.
    expirationTime: null,
  });
  return { verification, snapshot, provenance, publish: publishing };
}
