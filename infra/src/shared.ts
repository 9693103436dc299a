import * as pulumi from '@pulumi/pulumi';
import { sharedStack } from './config.js';

// The shared stack's outputs: one registry, Workload Identity pool and attestor serve every environment.
const shared = new pulumi.StackReference('shared', { name: sharedStack });
const output = (key: string) => shared.requireOutput(key).apply((value) => String(value));

export const sharedProject = output('project');
export const poolName = output('workloadIdentityPoolName'); // projects/<number>/locations/global/…
export const poolId = output('workloadIdentityPoolId');
export const githubRepositoryId = output('githubRepositoryId');
export const registryRepository = output('registryRepositoryId');
export const registryLocation = output('registryLocation');
export const attestorName = output('attestorName'); // projects/<p>/attestors/<id>
export const attestorId = output('attestorId');
