import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { environment, githubStrict } from './config.js';
import { deployerServiceAccount, stableCopyServiceAccount } from './identity.js';
import { githubRepositoryId, poolId, poolName, sharedProject } from './shared.js';

// This environment's door for GitHub Actions (claims: https://docs.github.com/en/actions/reference/security/oidc).
// A token gets in only from our repository (by numeric id, which survives renames and is never reused),
// from a workflow run on main, and from a job that runs in this environment's GitHub Environment, i.e.
// after its protection rules passed (a job without `environment:` carries no such claim). Prod also wants
// a GitHub-hosted runner and a push or a manual run (no schedule, no pull-request event of any kind).
const prodOnly =
  " && assertion.runner_environment == 'github-hosted' && assertion.event_name in ['push', 'workflow_dispatch']";
export const githubCondition = pulumi.interpolate`assertion.repository_id == '${githubRepositoryId}' && assertion.ref == 'refs/heads/main' && assertion.environment == '${environment}'${
  githubStrict ? prodOnly : ''
}`;

// Tokens admitted here carry `attribute.tilestack_env = '<environment>/<repository id>'`. No other
// provider of the pool maps that attribute, so only this provider's tokens (which passed the
// condition above) can match the bindings below; the environment's infra identity, made at bootstrap,
// trusts the same principal set (infra/README.md).
export const githubProvider = new gcp.iam.WorkloadIdentityPoolProvider('github', {
  project: sharedProject,
  workloadIdentityPoolId: poolId,
  workloadIdentityPoolProviderId: `github-${environment}`,
  displayName: `GitHub Actions → ${environment}`,
  description: `Deploys, stable copies and infra updates of tilestack ${environment}`,
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
