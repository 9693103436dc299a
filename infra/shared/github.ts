import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { apis } from './apis.js';
import { githubOwner, githubRepository, githubRepositoryId, project, publishRef } from './config.js';
import { repository } from './registry.js';

// Workload Identity Federation for GitHub Actions; each environment adds its own provider here.
const repo = `${githubOwner}/${githubRepository}`;
export const pool = new gcp.iam.WorkloadIdentityPool(
  'github',
  {
    project,
    workloadIdentityPoolId: 'github-actions',
    displayName: 'GitHub Actions',
    description: `Workflows of ${repo}`,
  },
  { dependsOn: apis },
);

// GitHub has one issuer for every repository: the condition keeps the others out.
export const ciProvider = new gcp.iam.WorkloadIdentityPoolProvider('github-ci', {
  project,
  workloadIdentityPoolId: pool.workloadIdentityPoolId,
  workloadIdentityPoolProviderId: 'github-ci',
  displayName: 'GitHub Actions CI',
  description: `Image builds of ${repo}`,
  attributeCondition: `assertion.repository_id == '${githubRepositoryId}'`,
  attributeMapping: {
    'google.subject': 'assertion.sub',
    'attribute.repository_id': 'assertion.repository_id',
    'attribute.ref': 'assertion.ref',
    // The GitHub Environment of a job on main ('none' otherwise), for the shared infra identity.
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
    description: `Pushes and attests images from ${publishRef} of ${repo}.`,
  },
  { dependsOn: apis },
);

const principals = (attribute: string) =>
  pulumi.interpolate`principalSet://iam.googleapis.com/${pool.name}/attribute.${attribute}`;
/** Who may act as the shared stack's infra identity: jobs on main in the GitHub Environment `shared`. */
export const sharedInfraPrincipals = principals('main_environment/shared');

// Branches and pull requests build and test, but only the publishing ref can ship.
new gcp.serviceaccount.IAMMember('publisher-github-impersonation', {
  serviceAccountId: publisher.name,
  role: 'roles/iam.workloadIdentityUser',
  member: principals(`ref/${publishRef}`),
});
new gcp.artifactregistry.RepositoryIamMember('publisher-writer', {
  project,
  location: repository.location,
  repository: repository.repositoryId,
  role: 'roles/artifactregistry.writer',
  member: publisher.member,
});
