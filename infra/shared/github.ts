import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import { githubOwner, githubRepository, githubRepositoryId, project, publishRef } from './config.js';
import { repository } from './registry.js';

// Workload Identity Federation for GitHub Actions: workflows exchange their OIDC token for a
// short-lived Google token. No service account key exists anywhere.
export const pool = new gcp.iam.WorkloadIdentityPool(
  'github',
  {
    project,
    workloadIdentityPoolId: 'github-actions',
    displayName: 'GitHub Actions',
    description: `Workflows of ${githubOwner}/${githubRepository}. Each environment adds its own provider here.`,
  },
  { dependsOn: apis },
);

// GitHub uses one issuer for every repository on github.com, so the condition is what keeps
// other repositories out. The numeric id survives renames and is never reused.
export const ciCondition = `assertion.repository_id == '${githubRepositoryId}'`;

/** The CI provider: image builds. Environments have their own providers (deploys, stable copies). */
export const ciProvider = new gcp.iam.WorkloadIdentityPoolProvider('github-ci', {
  project,
  workloadIdentityPoolId: pool.workloadIdentityPoolId,
  workloadIdentityPoolProviderId: 'github-ci',
  displayName: 'GitHub Actions CI',
  description: `Image builds of ${githubOwner}/${githubRepository}`,
  attributeCondition: ciCondition,
  attributeMapping: {
    'google.subject': 'assertion.sub',
    'attribute.repository_id': 'assertion.repository_id',
    'attribute.ref': 'assertion.ref',
    // The GitHub Environment of a job on main ('none' otherwise): the shared infra identity, made at
    // bootstrap, trusts `attribute.main_environment/shared` only (infra/README.md).
    'attribute.main_environment':
      "assertion.ref == 'refs/heads/main' && has(assertion.environment) ? assertion.environment : 'none'",
  },
  oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
});

/** CI's identity: pushes images and signs the attestation of each image it built and tested. */
export const publisher = new gcp.serviceaccount.Account(
  'publisher',
  {
    project,
    accountId: 'tilestack-ci-publisher',
    displayName: 'tilestack CI publisher',
    description: `Pushes and attests images from ${publishRef} of ${githubOwner}/${githubRepository}.`,
  },
  { dependsOn: apis },
);

// Only workflows running on the publishing ref (the provider has already checked the repository)
// may act as the publisher: branches and pull requests build and test, but cannot ship.
export const publisherPrincipals = pulumi.interpolate`principalSet://iam.googleapis.com/${pool.name}/attribute.ref/${publishRef}`;

/** Who may act as the shared stack's infra identity: jobs on main in the GitHub Environment `shared`. */
export const sharedInfraPrincipals = pulumi.interpolate`principalSet://iam.googleapis.com/${pool.name}/attribute.main_environment/shared`;

new gcp.serviceaccount.IAMMember('publisher-github-impersonation', {
  serviceAccountId: publisher.name,
  role: 'roles/iam.workloadIdentityUser',
  member: publisherPrincipals,
});

new gcp.artifactregistry.RepositoryIamMember('publisher-writer', {
  project,
  location: repository.location,
  repository: repository.repositoryId,
  role: 'roles/artifactregistry.writer',
  member: publisher.member,
});
