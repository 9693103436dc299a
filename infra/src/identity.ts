import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import { cluster } from './cluster.js';
import { apiKsa, billingProject, environment, k8sNamespace, project } from './config.js';

// Google identities of this environment. None has a key: pods use Workload Identity, GitHub
// Actions uses Workload Identity Federation (github.ts), both exchange short-lived tokens.
// Account ids carry no environment suffix: each environment has its own project, and the
// Kubernetes overlays expect `tilestack-api@<project>.iam.gserviceaccount.com`.
const account = (name: string, accountId: string, description: string) =>
  new gcp.serviceaccount.Account(
    name,
    { project, accountId, displayName: `tilestack ${environment} ${name}`, description },
    { dependsOn: apis },
  );

/** The API pods' identity: read-only BigQuery. */
export const apiServiceAccount = account(
  'api',
  'tilestack-api',
  'tilestack API pods (KSA tilestack/tilestack-api): runs queries, reads the stable dataset.',
);

// jobUser lets the API run query jobs billed to our project; it grants no data access. Data
// access is dataViewer on the stable dataset only (data.ts). The public carto-demo-data
// datasets are readable by any authenticated principal, so they need no grant here.
new gcp.projects.IAMMember('api-job-user', {
  project: billingProject,
  role: 'roles/bigquery.jobUser',
  member: apiServiceAccount.member,
});

// Workload Identity: the Kubernetes service account tilestack/tilestack-api may act as the
// API's Google service account. The identity pool exists once the cluster does.
new gcp.serviceaccount.IAMMember(
  'api-workload-identity',
  {
    serviceAccountId: apiServiceAccount.name,
    role: 'roles/iam.workloadIdentityUser',
    member: `serviceAccount:${project}.svc.id.goog[${k8sNamespace}/${apiKsa}]`,
  },
  { dependsOn: [cluster] },
);

/** GitHub Actions' deploy identity for this environment (applies the Kustomize overlay). */
export const deployerServiceAccount = account(
  'deployer',
  'tilestack-deployer',
  'GitHub Actions deploys (kubectl apply of the Kustomize overlay) through Workload Identity Federation.',
);

// container.developer is the narrowest predefined role that can get cluster credentials and
// create/update the namespaced objects of a deploy (Deployments, Services, ConfigMaps, ...).
// It cannot change IAM, RBAC or the cluster itself. GKE roles exist only at project level, which
// is one reason each environment has its own project.
new gcp.projects.IAMMember('deployer-container-developer', {
  project,
  role: 'roles/container.developer',
  member: deployerServiceAccount.member,
});

/** GitHub Actions' stable-copy identity: refreshes the stable dataset from the source tables. */
export const stableCopyServiceAccount = account(
  'stable-copy',
  'tilestack-stable-copy',
  'Stable-copy job (GitHub Actions): copies source tilesets into the stable dataset.',
);

new gcp.projects.IAMMember('stable-copy-job-user', {
  project,
  role: 'roles/bigquery.jobUser',
  member: stableCopyServiceAccount.member,
});
