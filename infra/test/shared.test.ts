import type * as gcp from '@pulumi/gcp';
import { beforeAll, expect, test } from 'vitest';
import { mapped } from './cel.js';
import {
  argsOf,
  grants,
  longLivedCredentials,
  memberOf,
  named,
  projectNumber,
  type Run,
  resolve,
  runProgram,
  sharedConfig,
  sharedOutputs,
  T,
} from './harness.js';
import { labelProperty } from './labels.js';

// The shared stack: registry, GitHub federation and the image attestor.
let run: Run;
beforeAll(async () => {
  run = await runProgram('shared', 'shared', sharedConfig());
});

test('one Docker repository in the shared region with immutable tags', () => {
  const repository = argsOf<gcp.artifactregistry.RepositoryArgs>(named(run, T.repository, 'images'));
  expect(repository).toMatchObject({ repositoryId: 'tilestack', format: 'DOCKER', location: 'us-central1' });
  expect(repository.dockerConfig?.immutableTags).toBe(true);
  expect(repository.cleanupPolicyDryRun).toBe(true);
});

test('the GitHub pool admits only the configured repository, through the OIDC issuer of GitHub Actions', async () => {
  const provider = argsOf<gcp.iam.WorkloadIdentityPoolProviderArgs>(named(run, T.provider, 'github-ci'));
  expect(provider.attributeCondition).toBe(
    `assertion.repository_id == '${run.config['tilestack-shared:githubRepositoryId']}'`,
  );
  expect(provider.oidc?.issuerUri).toBe('https://token.actions.githubusercontent.com');
  // The shared infra identity's attribute: the environment of a job on main, nothing else.
  const environmentOf = (claims: Record<string, string>) =>
    mapped(provider.attributeMapping?.['attribute.main_environment'] ?? '', claims);
  expect(environmentOf({ ref: 'refs/heads/main', environment: 'shared' })).toBe('shared');
  expect(environmentOf({ ref: 'refs/heads/feature', environment: 'shared' })).toBe('none');
  expect(environmentOf({ ref: 'refs/heads/main' })).toBe('none');
  expect(environmentOf({ ref: 'refs/pull/7/merge' })).toBe('none');
  expect(await resolve(run.outputs.sharedInfraPrincipals)).toBe(
    `principalSet://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/github-actions/attribute.main_environment/shared`,
  );
  expect(argsOf<gcp.iam.WorkloadIdentityPoolArgs>(named(run, T.pool, 'github')).workloadIdentityPoolId).toBe(
    'github-actions',
  );
});

test('only workflows on main may publish and sign; the publisher can do nothing else', () => {
  const impersonation = named(run, T.saMember, 'publisher-github-impersonation');
  expect(impersonation.inputs.member).toBe(
    `principalSet://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/github-actions/attribute.ref/refs/heads/main`,
  );
  const roles = grants(run)
    .filter((g) => g.member === memberOf(run, 'publisher'))
    .map((g) => g.role)
    .sort();
  expect(roles).toEqual([
    'roles/artifactregistry.writer',
    'roles/binaryauthorization.attestorsViewer',
    'roles/cloudkms.signerVerifier',
    'roles/containeranalysis.notes.attacher',
    'roles/containeranalysis.occurrences.editor',
  ]);
});

test('the attestor verifies signatures of the KMS key CI signs with', () => {
  const attestor = argsOf<gcp.binaryauthorization.AttestorArgs>(named(run, T.attestor, 'built-by-ci'));
  const key = attestor.attestationAuthorityNote.publicKeys?.[0];
  expect(key?.id).toMatch(
    /^\/\/cloudkms\.googleapis\.com\/v1\/.*cryptoKeys\/built-by-ci\/cryptoKeyVersions\/1$/,
  );
  expect(key?.pkixPublicKey?.signatureAlgorithm).toBe('ECDSA_P256_SHA256');
});

test('no long-lived credential, and every labellable resource is labelled', () => {
  expect(longLivedCredentials(run)).toEqual([]);
  for (const resource of run.resources.filter((r) => labelProperty(r.type))) {
    expect(resource.inputs[labelProperty(resource.type) as string], resource.name).toEqual({
      app: 'tilestack',
      environment: 'shared',
      'managed-by': 'pulumi',
    });
  }
});

test('its outputs are what the environments read through their StackReference', async () => {
  const expected = sharedOutputs();
  for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
    expect(await resolve(run.outputs[key] as string), key).toBe(
      key === 'workloadIdentityPoolName'
        ? expected[key].replace('222222222222', projectNumber)
        : expected[key],
    );
  }
});
