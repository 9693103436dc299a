import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { stableDatasetPermissions } from '@tilestack/stable-copy/permissions';
import { apis } from './apis.js';
import * as c from './config.js';
import { apiServiceAccount, stableCopyServiceAccount } from './identity.js';

// The stable copy of the source tilesets, filled by tools/stable-copy.
export const stableDataset = new gcp.bigquery.Dataset(
  'stable',
  {
    project: c.project,
    datasetId: c.stableDatasetId,
    friendlyName: `tilestack ${c.environment} stable tilesets`,
    description:
      'Stable copies of the source tilesets served by the API. Written only by the stable-copy job.',
    location: c.sourceDataLocation,
    deleteContentsOnDestroy: false,
    deletionPolicy: c.deletionProtection ? 'PREVENT' : 'DELETE',
    labels: c.labels,
  },
  { dependsOn: apis },
);

// The tool's own permission list (its preflight asks for the same ones) as a custom role: no
// predefined role fits (dataEditor cannot create expiring snapshots, dataOwner can change IAM).
const stableCopyRole = new gcp.projects.IAMCustomRole('stable-copy', {
  project: c.project,
  roleId: 'tilestackStableCopy',
  title: `tilestack ${c.environment} stable-copy`,
  description: 'What tools/stable-copy needs on the stable dataset (tools/stable-copy/src/permissions.ts).',
  permissions: stableDatasetPermissions,
});

// Dataset-level grants: the API reads this dataset and nothing else of ours.
const datasetRoles = [
  ['api-stable-viewer', 'roles/bigquery.dataViewer', apiServiceAccount],
  [
    'stable-copy-writer',
    pulumi.interpolate`projects/${c.project}/roles/${stableCopyRole.roleId}`,
    stableCopyServiceAccount,
  ],
] as const;
for (const [name, role, { member }] of datasetRoles)
  new gcp.bigquery.DatasetIamMember(name, {
    project: c.project,
    datasetId: stableDataset.datasetId,
    role,
    member,
  });
