import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { environment, githubEnvironment } from './config.js';
import { deployerServiceAccount, stableCopyServiceAccount } from './identity.js';
import { githubRepositoryId, poolId, poolName, sharedProject } from './shared.js';

// This environment's door for GitHub Actions: an OIDC provider in the shared pool whose
// condition admits only our repository (by numeric id, which survives renames and cannot be
// re-registered by someone else) and, where configured (prod), only jobs that run in the
// matching GitHub Environment, i.e. after its required reviewers approved.
export const githubCondition = pulumi.interpolate`assertion.repository_id == '${githubRepositoryId}'${
  githubEnvironment ? ` && assertion.environment == '${githubEnvironment}'` : ''
}`;

// Tokens admitted here carry `attribute.tilestack_env = '<environment>/<repository id>'`. No other
// provider of the pool maps that attribute, so only this provider's tokens (which passed the
// condition above) can match the bindings below.
export const githubProvider = new gcp.iam.WorkloadIdentityPoolProvider('github', {
  project: sharedProject,
  workloadIdentityPoolId: poolId,
  workloadIdentityPoolProviderId: `github-${environment}`,
  displayName: `GitHub Actions → ${environment}`,
  description: `Deploys and stable copies of tilestack ${environment}`,
  attributeCondition: githubCondition,
  attributeMapping: {
    'google.subject': 'assertion.sub',
    'attribute.tilestack_env': `'${environment}/' + assertion.repository_id`,
  },
  oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
});

/** The principal set of this environment's GitHub jobs. */
export const githubPrincipals = pulumi.interpolate`principalSet://iam.googleapis.com/${poolName}/attribute.tilestack_env/${environment}/${githubRepositoryId}`;

for (const [name, account] of [
  ['deployer', deployerServiceAccount],
  ['stable-copy', stableCopyServiceAccount],
] as const) {
  new gcp.serviceaccount.IAMMember(`${name}-github-impersonation`, {
    serviceAccountId: account.name,
    role: 'roles/iam.workloadIdentityUser',
    member: githubPrincipals,
  });
}
