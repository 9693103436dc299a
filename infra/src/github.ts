import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { environment, githubStrict } from './config.js';
import { deployerServiceAccount, stableCopyServiceAccount } from './identity.js';
import { githubRepositoryId, poolId, poolName, sharedProject } from './shared.js';

// This environment's door for GitHub Actions (claims: https://docs.github.com/en/actions/reference/security/oidc):
// our repository by numeric id (ids survive renames, names can be re-registered), a run on main, a job
// in this environment's GitHub Environment (after its protection rules). Prod also wants a
// GitHub-hosted runner and a push or manual run.
const strict =
  " && assertion.runner_environment == 'github-hosted' && assertion.event_name in ['push', 'workflow_dispatch']";
export const githubCondition = pulumi.interpolate`assertion.repository_id == '${githubRepositoryId}' && assertion.ref == 'refs/heads/main' && assertion.environment == '${environment}'${githubStrict ? strict : ''}`;

// No other provider of the pool maps `attribute.tilestack_env`, so only tokens that passed this
// condition match the principal set below (also trusted by the bootstrap-made infra identity).
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

const principals = pulumi.interpolate`principalSet://iam.googleapis.com/${poolName}/attribute.tilestack_env/${environment}/${githubRepositoryId}`;
for (const [name, account] of [
  ['deployer', deployerServiceAccount],
  ['stable-copy', stableCopyServiceAccount],
] as const)
  new gcp.serviceaccount.IAMMember(`${name}-github-impersonation`, {
    serviceAccountId: account.name,
    role: 'roles/iam.workloadIdentityUser',
    member: principals,
  });
