import type { TableRef } from '../../../api/src/sources/bigquery/identifiers.js';
import type { BigQueryRest } from './bigquery.js';
import { explainBigQueryError } from './errors.js';
import { readProvenance } from './provenance.js';
import { listSnapshots } from './snapshots.js';

/** The destination table, the provenance of the version published there, and its snapshots. */
export async function readPublished(rest: BigQueryRest, dest: TableRef & { id: string }) {
  const table = await rest.getTable(dest).catch((error) => {
    throw explainBigQueryError(error, {
      action: 'read',
      resource: dest.id,
      permission: 'bigquery.tables.get',
    });
  });
  return { table, provenance: readProvenance(table), snapshots: await listSnapshots(rest, dest) };
}
