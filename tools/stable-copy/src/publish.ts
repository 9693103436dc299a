import {
  BigQueryError,
  type BigQueryRest,
  newJobId,
  type TableRef,
  type TableResource,
  tableReference,
} from '@tilestack/bigquery';
import { CliError, ExitCode, enforceMaxBytes } from './errors.js';
import { dryRunBytes } from './io.js';

/** Names the job of a publish under way: set before it, removed with the provenance after it. */
export const pendingLabel = 'stable-copy-pending';

/** Partitioning and clustering, comparable as one string (copy jobs keep them; readers rely on them). */
export const layoutOf = (t: TableResource | undefined) =>
  JSON.stringify([t?.rangePartitioning ?? null, t?.timePartitioning ?? null, t?.clustering?.fields ?? []]);

/** Partitioning and clustering as GoogleSQL DDL clauses (ids and numbers checked: they go into SQL). */
export function layoutClause(t: TableResource | undefined): string {
  const range = t?.rangePartitioning;
  const time = t?.timePartitioning;
  const parts = [
    range &&
      `PARTITION BY RANGE_BUCKET(${id(range.field)}, GENERATE_ARRAY(${int(range.range.start)}, ${int(range.range.end)}, ${int(range.range.interval)}))`,
    time && `PARTITION BY time (${time.type} on ${time.field ?? '_PARTITIONTIME'})`,
    t?.clustering?.fields.length && `CLUSTER BY ${t.clustering.fields.map(id).join(', ')}`,
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

/**
 * Publishes `from` (a verified staging table or a snapshot) as `dest`. The job id is ours and is
 * written on `dest` (label `stable-copy-pending`) before the job runs, so if the run dies before
 * recording the provenance, `status` can tell whether the publish happened and `sync` repairs it.
 */
export async function publish(
  rest: BigQueryRest,
  input: {
    from: TableRef;
    fromTable: TableResource;
    dest: TableRef;
    destTable?: TableResource;
    location: string;
    maxBytes?: number;
  },
) {
  const { from, fromTable, dest, destTable, location, maxBytes } = input;
  const jobId = newJobId('stable_copy');
  const method = publishMethod(fromTable, destTable);
  let sql = '';
  if (method === 'replace') {
    if (fromTable.timePartitioning)
      throw new CliError(
        `${from.id} is time-partitioned and ${dest.id} is laid out differently: replace ${dest.id} by hand`,
        ExitCode.preflight,
      );
    sql = `CREATE OR REPLACE TABLE ${dest.sql} ${layoutClause(fromTable)} OPTIONS(labels = [('${pendingLabel}', '${jobId}')]) AS SELECT * FROM ${from.sql}`;
    const bytes = await dryRunBytes(rest, { sql, location });
    enforceMaxBytes(bytes, maxBytes, `replacing ${dest.id} (its partitioning/clustering changes)`);
  }
  if (destTable) await rest.patchTable(dest, { labels: { [pendingLabel]: jobId } });
  try {
    const operationType = fromTable.type === 'SNAPSHOT' ? 'RESTORE' : 'COPY';
    const configuration =
      method === 'copy'
        ? {
            copy: {
              sourceTables: [tableReference(from)],
              destinationTable: tableReference(dest),
              operationType,
              writeDisposition: 'WRITE_TRUNCATE',
              createDisposition: 'CREATE_IF_NEEDED',
            },
          }
        : {
            query: {
              query: sql,
              useLegacySql: false,
              maximumBytesBilled: maxBytes === undefined ? undefined : String(maxBytes),
            },
          };
    const job = await rest.runJob(configuration, location, jobId);
    return { method, jobId, bytesBilled: Number(job.statistics?.query?.totalBytesBilled ?? 0) };
  } catch (error) {
    // Only a job that certainly failed leaves the previous version in place; otherwise keep the mark.
    if (destTable && error instanceof BigQueryError && error.failedJob)
      await rest.patchTable(dest, { labels: { [pendingLabel]: null } }).catch(() => undefined);
    throw error;
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
    .catch((error: BigQueryError) => {
      if (error.kind === 'notFound') return undefined;
      throw error;
    });
  return {
    jobId,
    published: job?.status?.state === 'DONE' && !job.status.errorResult,
    found: job !== undefined,
  };
}

function id(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new CliError(`unexpected column name '${name}'`, ExitCode.failed);
  return name;
}

function int(value: string): string {
  if (!/^-?\d+$/.test(value)) throw new CliError(`unexpected partition bound '${value}'`, ExitCode.failed);
  return value;
}
