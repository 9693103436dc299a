// tilestack shared stack: created once, before any environment (see ../README.md for the order).
// Environments read these outputs through a StackReference (../src/shared.ts).
import { attestor, attestorName, signingKeyVersion } from './attestation.js';
import { githubRepositoryId, project, region } from './config.js';
import { ciProvider, pool, publisher, sharedInfraPrincipals } from './github.js';
import { registryUrl, repository } from './registry.js';

export { attestorName, githubRepositoryId, project, region, registryUrl, signingKeyVersion };

export const registryRepositoryId = repository.repositoryId;
export const registryLocation = repository.location;
export const workloadIdentityPoolName = pool.name;
export const workloadIdentityPoolId = pool.workloadIdentityPoolId;
/** google-github-actions/auth inputs of the image build job. */
export const ciWorkloadIdentityProvider = ciProvider.name;
export const publisherServiceAccountEmail = publisher.email;
/** Member to grant roles/iam.workloadIdentityUser on the shared infra identity (bootstrap). */
export { sharedInfraPrincipals };
export const attestorId = attestor.name;
