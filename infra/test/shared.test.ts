import { expect, test } from 'vitest';
import { mapped } from './cel.js';
import { describeStacks, iamByMember, named, outputsOf, projectNumber, shared } from './harness.js';
import { violations } from './hygiene.js';

// The shared stack: registry, GitHub federation and the image attestor.
describeStacks(['shared'], (_, run, project) => {
  const { pool } = shared;
  test.each([
    ['a job on main in environment shared', { ref: 'refs/heads/main', environment: 'shared' }, 'shared'],
    ['a job on a branch', { ref: 'refs/heads/feature', environment: 'shared' }, 'none'],
    ['a job on main without environment', { ref: 'refs/heads/main' }, 'none'],
  ])("the shared infra identity's attribute: %s maps to %s", (_, claims, expected) => {
    const { attributeMapping } = named(run(), 'WorkloadIdentityPoolProvider', 'github-ci');
    expect(mapped(String(Object(attributeMapping)['attribute.main_environment']), claims)).toBe(expected);
  });

  test('the IAM grants of the stack, by member: only workflows on main may publish and sign', () => {
    const publisher = `tilestack-ci-publisher@${project}.iam.gserviceaccount.com`;
    expect(iamByMember(run())).toEqual({
      [`serviceAccount:${publisher}`]: [
        'roles/artifactregistry.writer tilestack',
        'roles/binaryauthorization.attestorsViewer built-by-ci',
        'roles/cloudkms.signerVerifier attestor-id/cryptoKeys/built-by-ci',
        'roles/containeranalysis.notes.attacher tilestack-built-by-ci',
        `roles/containeranalysis.occurrences.editor ${project}`,
      ],
      [`principalSet://iam.googleapis.com/${pool}/attribute.ref/refs/heads/main`]: [
        `roles/iam.workloadIdentityUser projects/${project}/serviceAccounts/${publisher}`,
      ],
      [`serviceAccount:service-${projectNumber}@gcp-sa-binaryauthorization.iam.gserviceaccount.com`]: [
        'roles/containeranalysis.notes.occurrences.viewer tilestack-built-by-ci',
      ],
    });
  });

  test('every labellable resource is labelled; no long-lived credential exists', () => {
    expect(violations(run())).toEqual({ labelled: 2, problems: [] });
  });

  // The environments' StackReference reads this run's outputs: a missing one fails every environment run.
  test('the shared infra identity trusts jobs on main in the shared environment', async () => {
    expect((await outputsOf(run())).sharedInfraPrincipals).toBe(
      `principalSet://iam.googleapis.com/${pool}/attribute.main_environment/shared`,
    );
  });

  return {
    'Repository images': {
      repositoryId: 'tilestack',
      format: 'DOCKER',
      location: 'us-central1',
      dockerConfig: { immutableTags: true },
      cleanupPolicyDryRun: true,
    },
    'WorkloadIdentityPool github': { workloadIdentityPoolId: 'github-actions' },
    'WorkloadIdentityPoolProvider github-ci': {
      attributeCondition: `assertion.repository_id == '${shared.repositoryId}'`,
      oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
    },
    // The attestor verifies signatures of the KMS key CI signs with.
    'Attestor built-by-ci': {
      attestationAuthorityNote: {
        publicKeys: [
          {
            id: '//cloudkms.googleapis.com/v1/attestor-id/cryptoKeys/built-by-ci/cryptoKeyVersions/1',
            pkixPublicKey: { signatureAlgorithm: 'ECDSA_P256_SHA256' },
          },
        ],
      },
    },
  };
});
