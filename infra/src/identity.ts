import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import { cluster } from './cluster.js';
import { apiKsa, billingProject, environment, k8sNamespace, project } from './config.js';

// Google identities of this environment; none has a key (pods use Workload Identity, GitHub Actions
// Workload Identity Federation: github.ts). Account ids carry no environment: each has its own project.
const account = (name: string, accountId: string, description: string) =>
  new gcp.serviceaccount.Account(
    name,
    { project, accountId, displayName: `tilestack ${environment} ${name}`, description },
    { dependsOn: apis },
  );

export const apiServiceAccount = account(
  'api',
  'tilestack-api',
  `tilestack API pods (KSA ${k8sNamespace}/${apiKsa}): runs queries, reads the stable dataset.`,
);
export const deployerServiceAccount = account(
  'deployer',
  'tilestack-deployer',
  'GitHub Actions deploys (kubectl apply of the Kustomize overlay) through Workload Identity Federation.',
);
export const stableCopyServiceAccount = account(
  'stable-copy',
  'tilestack-stable-copy',
  'Stable-copy job (GitHub Actions): copies source tilesets into the stable dataset.',
);

// Project roles; data access is granted on the stable dataset only (data.ts). jobUser runs query
// jobs and grants no data access (the public carto-demo-data is readable by any authenticated
// principal). container.developer is the narrowest predefined role that can fetch cluster
// credentials and apply namespaced objects; it cannot change IAM, RBAC or the cluster.
const projectRoles = [
  ['api-job-user', billingProject, 'roles/bigquery.jobUser', apiServiceAccount],
  ['deployer-container-developer', project, 'roles/container.developer', deployerServiceAccount],
  ['stable-copy-job-user', project, 'roles/bigquery.jobUser', stableCopyServiceAccount],
] as const;
for (const [name, roleProject, role, { member }] of projectRoles)
  new gcp.projects.IAMMember(name, { project: roleProject, role, member });

// The Kubernetes service account of the API pods may act as the API's Google identity; the
// cluster's identity pool exists once the cluster does.
new gcp.serviceaccount.IAMMember(
  'api-workload-identity',
  {
    serviceAccountId: apiServiceAccount.name,
    role: 'roles/iam.workloadIdentityUser',
    member: `serviceAccount:${project}.svc.id.goog[${k8sNamespace}/${apiKsa}]`,
  },
  { dependsOn: [cluster] },
);
