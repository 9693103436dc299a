import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import {
  deletionProtection,
  environment,
  labels,
  project,
  sourceDataLocation,
  stableDatasetId,
} from './config.js';
import { apiServiceAccount, stableCopyServiceAccount } from './identity.js';

// The stable copy of the source tilesets (tools/stable-copy fills it). BigQuery cannot copy
// tables across locations, so the dataset lives where the source does (US for carto-demo-data).
export const stableDataset = new gcp.bigquery.Dataset(
  'stable',
  {
    project,
    datasetId: stableDatasetId,
    friendlyName: `tilestack ${environment} stable tilesets`,
    description:
      'Stable copies of the source tilesets served by the API. Written only by the stable-copy job.',
    location: sourceDataLocation,
    deleteContentsOnDestroy: false,
    deletionPolicy: deletionProtection ? 'PREVENT' : 'DELETE',
    labels,
  },
  { dependsOn: apis },
);

// Dataset-level grants, not project-level: the API reads this dataset and nothing else of ours.
new gcp.bigquery.DatasetIamMember('api-stable-viewer', {
  project,
  datasetId: stableDataset.datasetId,
  role: 'roles/bigquery.dataViewer',
  member: apiServiceAccount.member,
});

new gcp.bigquery.DatasetIamMember('stable-copy-editor', {
  project,
  datasetId: stableDataset.datasetId,
  role: 'roles/bigquery.dataEditor',
  member: stableCopyServiceAccount.member,
});
