import type {
  BigQueryError,
  BigQueryRest,
  DatasetResource,
  TableRef,
  TableResource,
} from '@tilestack/bigquery';
import { explain, preflightError } from './errors.js';
import { roleHint, tablePermissions } from './permissions.js';
import { layoutClause, publishMethod } from './publish.js';

/** What a sync needs on the source table (reading it by a copy job). */
export const sourcePermissions = ['bigquery.tables.get', 'bigquery.tables.getData'];

export interface PreflightResult {
  source: TableResource;
  /** The location every job runs in: the source's (copy jobs cannot cross locations). */
  location: string;
  /** Undefined when the destination dataset does not exist yet (the sync creates it). */
  destinationDataset?: DatasetResource;
  destination?: TableResource;
  /** Set when the destination's partitioning/clustering differ from the source's: `old → new`. */
  layoutChange?: string;
}

/**
 * Everything a sync checks before creating anything: the source is a readable table with a known
 * location; the destination dataset, if it exists, is in that location; an existing destination
 * is a table we may snapshot and replace. Every refusal names the permission or the fix.
 * Only reads are made (tables.testIamPermissions is a read: it reports, it changes nothing).
 */
export async function preflight(
  rest: BigQueryRest,
  sourceRef: TableRef,
  destRef: TableRef,
): Promise<PreflightResult> {
  const source = await rest.getTable(sourceRef).catch((error) => {
    throw explain(
      error,
      `read source table ${sourceRef.id}`,
      'bigquery.tables.get (roles/bigquery.dataViewer)',
    );
  });
  if (source.type !== 'TABLE') {
    throw preflightError(
      `Source ${sourceRef.id} is a ${source.type}, not a TABLE: a copy job can only copy tables.`,
    );
  }
  const location = source.location;
  if (!location) throw preflightError(`BigQuery did not report the location of source ${sourceRef.id}.`);
  await requirePermissions(rest, sourceRef, sourcePermissions, 'source table', 'roles/bigquery.dataViewer');

  const destinationDataset: DatasetResource | undefined = await rest
    .getDataset(destRef.projectId, destRef.datasetId)
    .catch((error: BigQueryError) => {
      if (error.kind === 'notFound') return undefined;
      throw explain(
        error,
        `read dataset ${destRef.projectId}.${destRef.datasetId}`,
        `bigquery.datasets.get (${roleHint})`,
      );
    });
  if (destinationDataset && !sameLocation(destinationDataset.location, location)) {
    throw preflightError(
      `Location mismatch: source ${sourceRef.id} is in ${location} but destination dataset ` +
        `${destRef.projectId}.${destRef.datasetId} is in ${destinationDataset.location}. Copy jobs cannot cross ` +
        `locations. Fix: choose a destination dataset in ${location} (a missing dataset is created there).`,
    );
  }
  const destination = destinationDataset
    ? await rest.findTable(destRef).catch((error) => {
        throw explain(error, `read destination table ${destRef.id}`, `bigquery.tables.get (${roleHint})`);
      })
    : undefined;
  if (destination) {
    if (destination.type !== 'TABLE') {
      throw preflightError(
        `Destination ${destRef.id} is a ${destination.type}; it must be a TABLE (or not exist).`,
      );
    }
    await requirePermissions(rest, destRef, tablePermissions, 'destination table', roleHint);
  }
  const layoutChange =
    destination && publishMethod(source, destination) === 'replace'
      ? `${layoutClause(destination) || 'none'} → ${layoutClause(source) || 'none'}`
      : undefined;
  if (layoutChange && source.timePartitioning)
    throw preflightError(
      `${destRef.id} is laid out differently (${layoutChange}) and the source is time-partitioned: replace ${destRef.id} by hand.`,
    );
  return { source, location, destinationDataset, destination, layoutChange };
}

/** Asks BigQuery which of `permissions` we hold on `ref`; stops naming the first ones missing. */
export async function requirePermissions(
  rest: BigQueryRest,
  ref: TableRef,
  permissions: string[],
  what: string,
  role: string,
): Promise<void> {
  const granted = new Set(await rest.testTablePermissions(ref, permissions));
  const missing = permissions.filter((p) => !granted.has(p));
  if (missing.length > 0) {
    throw preflightError(
      `Missing permission on ${what} ${ref.id}: ${missing.join(', ')}. Grant ${role} to the account running stable-copy.`,
    );
  }
}

function sameLocation(a: string | undefined, b: string): boolean {
  return (a ?? '').toLowerCase() === b.toLowerCase();
}
