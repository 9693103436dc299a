import * as pulumi from '@pulumi/pulumi';
import { labelsOf } from '../src/google.js';

// Settings of the shared stack with their defaults (Pulumi.shared.yaml overrides).
const cfg = new pulumi.Config();
const gcpCfg = new pulumi.Config('gcp');

export const project = gcpCfg.require('project');
export const region = gcpCfg.get('region') ?? 'us-central1'; // the clusters': same-region pulls are free
export const labels = labelsOf(pulumi.getStack());
export const githubOwner = cfg.require('githubOwner');
export const githubRepository = cfg.require('githubRepository');
export const githubRepositoryId = cfg.require('githubRepositoryId'); // the only repository that may federate
export const publishRef = cfg.get('publishRef') ?? 'refs/heads/main'; // may publish and sign images
export const registryRepositoryId = cfg.get('registryRepositoryId') ?? 'tilestack';
export const registryKeepVersions = cfg.getNumber('registryKeepVersions') ?? 50; // per image, always kept
export const registryDeleteAfterDays = cfg.getNumber('registryDeleteAfterDays') ?? 180;
// Cleanup only logs what it would delete until someone has checked that log (see README).
export const registryCleanupDryRun = cfg.getBoolean('registryCleanupDryRun') ?? true;
