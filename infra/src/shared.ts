import * as pulumi from '@pulumi/pulumi';
import { sharedStack } from './config.js';

// What this environment uses from the shared stack (infra/shared): one registry, one Workload
// Identity pool and one attestor serve every environment, so they are created once there.
const shared = new pulumi.StackReference('shared', { name: sharedStack });

const output = (key: string) => shared.requireOutput(key).apply((value) => String(value));

/** Project that holds the shared resources. */
export const sharedProject = output('project');
/** Full name of the GitHub Actions pool: `projects/<number>/locations/global/workloadIdentityPools/<id>`. */
export const poolName = output('workloadIdentityPoolName');
/** Short id of the pool (providers are created inside it). */
export const poolId = output('workloadIdentityPoolId');
/** Numeric id of the GitHub repository allowed to federate (ids survive renames, names do not). */
export const githubRepositoryId = output('githubRepositoryId');
/** Artifact Registry repository id and location the clusters pull images from. */
export const registryRepository = output('registryRepositoryId');
export const registryLocation = output('registryLocation');
/** Binary Authorization attestor (`projects/<p>/attestors/<id>`) that CI signs images with, and its id. */
export const attestorName = output('attestorName');
export const attestorId = output('attestorId');
