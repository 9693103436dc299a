import type { StubModel } from './model.js';
import type { RecordedRequest } from './types.js';

type Need = [resource: string, permission: string];

/**
 * The IAM permissions a request needs, for stubs that grant a role (`StubModel.grantOnly`).
 * From the reference's "Required permissions" of each method and of copy jobs:
 * https://cloud.google.com/bigquery/docs/reference/rest/v2/tables (per method),
 * https://cloud.google.com/bigquery/docs/managing-tables#copy-table,
 * https://cloud.google.com/bigquery/docs/table-snapshots-create (an expiration also needs
 * bigquery.tables.deleteSnapshot), https://cloud.google.com/bigquery/docs/table-snapshots-restore.
 * Project-level permissions (bigquery.jobs.create) are not modelled.
 */
export function requiredPermissions(request: RecordedRequest, model: StubModel): Need[] {
  const { projectId = '', datasetId = '', tableId = '' } = request.pathParams;
  const dataset = `${projectId}.${datasetId}`;
  const table = `${dataset}.${tableId}`;
  switch (request.route) {
    case 'datasets.get':
      return [[dataset, 'bigquery.datasets.get']];
    case 'tables.get':
      return [[table, 'bigquery.tables.get']];
    case 'tables.list':
      return [[dataset, 'bigquery.tables.list']];
    case 'tables.insert':
      return [[dataset, 'bigquery.tables.create']];
    case 'tables.patch':
      return [[table, 'bigquery.tables.update']];
    case 'tables.delete': {
      const isSnapshot = model.getTable({ projectId, datasetId, tableId })?.type === 'SNAPSHOT';
      return [[table, isSnapshot ? 'bigquery.tables.deleteSnapshot' : 'bigquery.tables.delete']];
    }
    case 'jobs.insert':
      return copyPermissions(request.body?.configuration?.copy);
    default:
      return [];
  }
}

const id = (ref: { projectId: string; datasetId: string; tableId: string }) =>
  `${ref.projectId}.${ref.datasetId}.${ref.tableId}`;

// biome-ignore lint/suspicious/noExplicitAny: the raw JobConfigurationTableCopy
function copyPermissions(copy: any): Need[] {
  if (!copy?.destinationTable) return [];
  const source = id(copy.sourceTables?.[0] ?? copy.sourceTable);
  const dest = id(copy.destinationTable);
  const destDataset = dest.split('.').slice(0, 2).join('.');
  const needs: Need[] = [
    [source, 'bigquery.tables.getData'],
    [destDataset, 'bigquery.tables.create'],
    [destDataset, 'bigquery.tables.updateData'],
  ];
  if (copy.operationType === 'SNAPSHOT') {
    needs.push([source, 'bigquery.tables.createSnapshot']);
    if (copy.destinationExpirationTime) needs.push([source, 'bigquery.tables.deleteSnapshot']);
  }
  if (copy.operationType === 'RESTORE') needs.push([source, 'bigquery.tables.restoreSnapshot']);
  return needs;
}
