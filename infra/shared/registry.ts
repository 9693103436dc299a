import * as gcp from '@pulumi/gcp';
import { apis } from './apis.js';
import * as c from './config.js';

// The one Docker repository: CI pushes each image once; every environment pulls the same digest.
export const repository = new gcp.artifactregistry.Repository(
  'images',
  {
    project: c.project,
    location: c.region,
    repositoryId: c.registryRepositoryId,
    format: 'DOCKER',
    description: 'tilestack images (api, cache), built once by CI and promoted by digest',
    dockerConfig: { immutableTags: true }, // promotion moves digests, never re-tags
    // An image prod still runs must never be deleted: dry-run until its log has been checked.
    cleanupPolicyDryRun: c.registryCleanupDryRun,
    cleanupPolicies: [
      { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: c.registryKeepVersions } },
      {
        id: 'delete-old',
        action: 'DELETE',
        condition: { tagState: 'ANY', olderThan: `${c.registryDeleteAfterDays * 86400}s` },
      },
    ],
    deletionPolicy: 'PREVENT',
    labels: c.labels,
  },
  { dependsOn: apis },
);

export const registryUrl = `${c.region}-docker.pkg.dev/${c.project}/${c.registryRepositoryId}`;
