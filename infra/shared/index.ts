// tilestack shared stack: created once, before any environment; environments read these outputs
// through a StackReference (../src/shared.ts).
import { attestor, attestorName, signingKeyVersion } from './attestation.js';
import { githubRepositoryId, project, region } from './config.js';
import { ciProvider, pool, publisher, sharedInfraPrincipals } from './github.js';
import { registryUrl, repository } from './registry.js';

export {
  attestorName,
  githubRepositoryId,
  project,
  region,
  registryUrl,
  sharedInfraPrincipals,
  signingKeyVersion,
};
export const registryRepositoryId = repository.repositoryId;
export const registryLocation = repository.location;
export const workloadIdentityPoolName = pool.name;
export const workloadIdentityPoolId = pool.workloadIdentityPoolId;
export const ciWorkloadIdentityProvider = ciProvider.name;
export const publisherServiceAccountEmail = publisher.email;
export const attestorId = attestor.name;
