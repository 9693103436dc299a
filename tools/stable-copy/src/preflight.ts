import type { BigQueryError, BigQueryRest, TableRef } from '@tilestack/bigquery';
import { explain, preflightError } from './errors.js';
import { roleHint, tablePermissions } from './permissions.js';
import { layoutClause, publishMethod } from './publish.js';

/**
 * Everything a sync checks before creating anything, with reads only (testIamPermissions reports,
 * it changes nothing): the source is a readable table with a known location; the destination
 * dataset, if it exists, is in that location; an existing destination is a table we may snapshot
 * and replace. Every refusal names the permission or the fix.
 */
export async function preflight(rest: BigQueryRest, sourceRef: TableRef, destRef: TableRef) {
  const source = await rest.getTable(sourceRef).catch((error) => {
    throw explain(
      error,
      `read source table ${sourceRef.id}`,
      'bigquery.tables.get (roles/bigquery.dataViewer)',
    );
  });
  if (source.type !== 'TABLE')
    throw preflightError(
      `Source ${sourceRef.id} is a ${source.type}, not a TABLE: a copy job copies tables only.`,
    );
  // Every job runs in the source's location: copy jobs cannot cross locations.
  const location = source.location;
  if (!location) throw preflightError(`BigQuery did not report the location of source ${sourceRef.id}.`);
  const sourcePermissions = ['bigquery.tables.get', 'bigquery.tables.getData'];
  await requirePermissions(rest, sourceRef, sourcePermissions, 'roles/bigquery.dataViewer');

  const datasetId = `${destRef.projectId}.${destRef.datasetId}`;
  const destinationDataset = await rest
    .getDataset(destRef.projectId, destRef.datasetId)
    .catch((error: BigQueryError) => {
      if (error.kind === 'notFound') return undefined;
      throw explain(error, `read dataset ${datasetId}`, `bigquery.datasets.get (${roleHint})`);
    });
  if (destinationDataset && destinationDataset.location?.toLowerCase() !== location.toLowerCase())
    throw preflightError(
      `Location mismatch: source ${sourceRef.id} is in ${location}, destination dataset ${datasetId} in ${destinationDataset.location}. Copy jobs cannot cross locations: choose a dataset in ${location} (a missing one is created there).`,
    );
  const destination = destinationDataset
    ? await rest.findTable(destRef).catch((error) => {
        throw explain(error, `read destination table ${destRef.id}`, `bigquery.tables.get (${roleHint})`);
      })
    : undefined;
  if (destination && destination.type !== 'TABLE')
    throw preflightError(`Destination ${destRef.id} is a ${destination.type}, not a TABLE.`);
  if (destination) await requirePermissions(rest, destRef, tablePermissions);
  // Set when the destination's partitioning/clustering differ from the source's: `old → new`.
  const layoutChange =
    destination && publishMethod(source, destination) === 'replace'
      ? `${layoutClause(destination) || 'none'} → ${layoutClause(source) || 'none'}`
      : undefined;
  return { source, location, destinationDataset, destination, layoutChange };
}

export type PreflightResult = Awaited<ReturnType<typeof preflight>>;

export async function requirePermissions(
  rest: BigQueryRest,
  ref: TableRef,
  permissions: string[],
  role = roleHint,
) {
  const granted = new Set(await rest.testTablePermissions(ref, permissions));
  const missing = permissions.filter((p) => !granted.has(p));
  if (missing.length > 0)
    throw preflightError(
      `Missing permission on ${ref.id}: ${missing.join(', ')}. Grant ${role} to the account running stable-copy.`,
    );
}
