/**
 * The one list of what stable-copy needs on the stable dataset: preflight asks BigQuery for the
 * table-level ones (`tables.testIamPermissions`), and the IaC (`infra/src/data.ts`) grants all of
 * them as a custom role on that dataset only. No predefined role fits: dataEditor lacks
 * deleteSnapshot (needed to create a snapshot with an expiration), dataOwner adds IAM admin.
 * https://cloud.google.com/bigquery/docs/table-snapshots-create,
 * https://cloud.google.com/bigquery/docs/table-snapshots-restore,
 * https://cloud.google.com/bigquery/docs/managing-tables#copy-table
 */
export const tablePermissions = [
  'bigquery.tables.get',
  'bigquery.tables.getData',
  'bigquery.tables.update',
  'bigquery.tables.updateData',
  'bigquery.tables.delete',
  'bigquery.tables.createSnapshot',
  'bigquery.tables.deleteSnapshot',
  'bigquery.tables.restoreSnapshot',
];
/** Granted on the dataset, not testable on a table. */
export const datasetPermissions = ['bigquery.datasets.get', 'bigquery.tables.create', 'bigquery.tables.list'];
export const stableDatasetPermissions = [...datasetPermissions, ...tablePermissions];
/** Where a refusal sends the operator (the IaC's custom role; jobs run with roles/bigquery.jobUser). */
export const roleHint =
  'the stable-copy custom role on the stable dataset (infra/src/data.ts) and roles/bigquery.jobUser on the billing project';
