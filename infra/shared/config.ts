import * as pulumi from '@pulumi/pulumi';
import { labelsOf } from '../src/google.js';

// Settings of the shared stack, with their types and defaults (Pulumi.shared.yaml overrides).
const cfg = new pulumi.Config();
const gcpCfg = new pulumi.Config('gcp');

/** Project that holds what all environments share. */
export const project = gcpCfg.require('project');
/** Region of the registry (the clusters' region: same-region pulls are free and fast). */
export const region = gcpCfg.get('region') ?? 'us-central1';
export const labels = labelsOf(pulumi.getStack());

/** GitHub owner (user or organization) and repository name, for names and descriptions. */
export const githubOwner = cfg.require('githubOwner');
export const githubRepository = cfg.require('githubRepository');
/** Numeric GitHub repository id: the only repository whose workflows may federate. */
export const githubRepositoryId = cfg.require('githubRepositoryId');
/** Git ref whose workflows may publish and sign images (the one every deploy starts from). */
export const publishRef = cfg.get('publishRef') ?? 'refs/heads/main';

/** Artifact Registry Docker repository id (images `api` and `cache`). */
export const registryRepositoryId = cfg.get('registryRepositoryId') ?? 'tilestack';
/** Versions of each image the cleanup policy always keeps. */
export const registryKeepVersions = cfg.getNumber('registryKeepVersions') ?? 50;
/** Age after which other versions are deleted, once `registryCleanupDryRun` is false. */
export const registryDeleteAfterDays = cfg.getNumber('registryDeleteAfterDays') ?? 180;
/** Cleanup only logs what it would delete until someone has checked that log (see README). */
export const registryCleanupDryRun = cfg.getBoolean('registryCleanupDryRun') ?? true;
