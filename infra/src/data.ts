import * as gcp from '@pulumi/gcp';
import { stableDatasetPermissions } from '@tilestack/stable-copy/permissions';
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

// The tool's own permission list (its preflight asks for the same ones), as a custom role: no
// predefined role fits (dataEditor cannot create expiring snapshots, dataOwner can change IAM).
const stableCopyRole = new gcp.projects.IAMCustomRole('stable-copy', {
  project,
  roleId: 'tilestackStableCopy', // one project per environment: the id needs no environment
  title: `tilestack ${environment} stable-copy`,
  description: 'What tools/stable-copy needs on the stable dataset (tools/stable-copy/src/permissions.ts).',
  permissions: stableDatasetPermissions,
});

new gcp.bigquery.DatasetIamMember(
  'stable-copy-writer',
  {
    project,
    datasetId: stableDataset.datasetId,
    role: stableCopyRole.roleId.apply((id) => `projects/${project}/roles/${id}`),
    member: stableCopyServiceAccount.member,
  },
  { dependsOn: stableCopyRole },
);
