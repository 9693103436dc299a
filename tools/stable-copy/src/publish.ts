import {
  BigQueryError,
  type BigQueryRest,
  isColumnName,
  newJobId,
  type TableRef,
  type TableResource,
  tableReference,
} from '@tilestack/bigquery';
import { enforceMaxBytes, explain, preflightError } from './errors.js';
import { dryRunBytes } from './io.js';
import { roleHint } from './permissions.js';

export const copyJob = (from: TableRef, to: TableRef, operationType: string, options: object) => ({
  copy: {
    sourceTables: [tableReference(from)],
    destinationTable: tableReference(to),
    operationType,
    ...options,
  },
});

/** Names the job of a publish under way: set before it, removed with the provenance after it. */
export const pendingLabel = 'stable-copy-pending';

/** Partitioning and clustering, comparable as one string (copy jobs keep them; readers rely on them). */
export const layoutOf = (t: TableResource | undefined) =>
  JSON.stringify([t?.rangePartitioning ?? null, t?.timePartitioning ?? null, t?.clustering?.fields ?? []]);

/** Partitioning and clustering as GoogleSQL DDL clauses (ids and numbers checked: they go into SQL). */
export function layoutClause(t: TableResource | undefined): string {
  if (t?.timePartitioning)
    throw preflightError(
      'the layouts differ and a table is time-partitioned: replace the destination by hand',
    );
  const column = (name: string) => {
    if (!isColumnName(name)) throw preflightError(`unexpected column name '${name}'`);
    return name;
  };
  const range = t?.rangePartitioning;
  const bounds = range && [range.range.start, range.range.end, range.range.interval].map(Number);
  if (bounds && !bounds.every(Number.isSafeInteger)) throw preflightError('unexpected partition bounds');
  const parts = [
    range && `PARTITION BY RANGE_BUCKET(${column(range.field)}, GENERATE_ARRAY(${bounds?.join(', ')}))`,
    t?.clustering?.fields.length && `CLUSTER BY ${t.clustering.fields.map(column).join(', ')}`,
  ];
  return parts.filter(Boolean).join(' ');
}

/**
 * How `from` replaces `dest`: a copy job with WRITE_TRUNCATE (free) when the layouts match, else
 * CREATE OR REPLACE TABLE … AS SELECT (bills a scan of `from`): BigQuery refuses a copy onto a
 * table partitioned or clustered differently. Both commit in one step: readers see the old table
 * or the new one, never a missing or half-written one.
 */
export const publishMethod = (from: TableResource, dest?: TableResource) =>
  !dest || layoutOf(dest) === layoutOf(from) ? 'copy' : 'replace';

type Tables = { from: TableRef; fromTable: TableResource; dest: TableRef; destTable?: TableResource };

/**
 * Publishes `from` (a verified staging table or a snapshot) as `dest`. The job id is ours and is
 * written on `dest` (label `stable-copy-pending`) before the job runs, so if the run dies before
 * recording the provenance, `status` can tell whether the publish happened and `sync` repairs it.
 */
export async function publish(rest: BigQueryRest, p: Tables & { location: string; maxBytes?: number }) {
  const jobId = newJobId('stable_copy');
  const method = publishMethod(p.fromTable, p.destTable);
  const operation = p.fromTable.type === 'SNAPSHOT' ? 'RESTORE' : 'COPY';
  let configuration: object = copyJob(p.from, p.dest, operation, { writeDisposition: 'WRITE_TRUNCATE' });
  if (method === 'replace') {
    const sql = `CREATE OR REPLACE TABLE ${p.dest.sql} ${layoutClause(p.fromTable)} OPTIONS(labels = [('${pendingLabel}', '${jobId}')]) AS SELECT * FROM ${p.from.sql}`;
    const bytes = await dryRunBytes(rest, { sql, location: p.location });
    enforceMaxBytes(bytes, p.maxBytes, `replacing ${p.dest.id} (its partitioning/clustering changes)`);
    configuration = {
      query: { query: sql, useLegacySql: false, maximumBytesBilled: p.maxBytes?.toString() },
    };
  }
  if (p.destTable) await rest.patchTable(p.dest, { labels: { [pendingLabel]: jobId } });
  try {
    const job = await rest.runJob(configuration, p.location, jobId);
    return { method, jobId, bytesBilled: Number(job.statistics?.query?.totalBytesBilled ?? 0) };
  } catch (error) {
    // Only a job that certainly failed leaves the previous version in place; otherwise keep the mark.
    if (p.destTable && error instanceof BigQueryError && error.failedJob)
      await rest.patchTable(p.dest, { labels: { [pendingLabel]: null } }).catch(() => undefined);
    throw explain(error, `publish ${p.from.id} as ${p.dest.id}`, roleHint);
  }
}

/**
 * What a pending mark means: its job published (DONE without error) or not (failed, or not found:
 * never started — or billed to another project than `rest`'s, which `found: false` lets status say).
 */
export async function pendingState(rest: BigQueryRest, table: TableResource, location?: string) {
  const jobId = table.labels?.[pendingLabel];
  if (!jobId) return undefined;
  const job = await rest
    .getJob({ projectId: rest.projectId, jobId, location })
    .catch((error: BigQueryError) => (error.kind === 'notFound' ? undefined : Promise.reject(error)));
  return {
    jobId,
    published: job?.status?.state === 'DONE' && !job.status.errorResult,
    found: job !== undefined,
  };
}
