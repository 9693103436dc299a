import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import {
  labels,
  project,
  region,
  registryCleanupDryRun,
  registryDeleteAfterDays,
  registryKeepVersions,
  registryRepositoryId,
} from './config.js';

// The one Docker repository of the platform. CI pushes each image once; dev, staging and prod
// pull the same digest (their node service accounts get reader access in their own stacks).
export const repository = new gcp.artifactregistry.Repository(
  'images',
  {
    project,
    location: region,
    repositoryId: registryRepositoryId,
    format: 'DOCKER',
    description: 'tilestack images (api, cache), built once by CI and promoted by digest',
    // A tag names one build forever: promotion moves digests, never re-tags.
    dockerConfig: { immutableTags: true },
    // Old versions are deleted, the most recent ones always kept. Dry-run by default: an image
    // that prod still runs must never be deleted, so check the dry-run log before turning it on.
    cleanupPolicyDryRun: registryCleanupDryRun,
    cleanupPolicies: [
      { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: registryKeepVersions } },
      {
        id: 'delete-old',
        action: 'DELETE',
        condition: { tagState: 'ANY', olderThan: `${registryDeleteAfterDays * 86400}s` },
      },
    ],
    deletionPolicy: 'PREVENT',
    labels,
  },
  { dependsOn: apis },
);

export const registryUrl = `${region}-docker.pkg.dev/${project}/${registryRepositoryId}`;
