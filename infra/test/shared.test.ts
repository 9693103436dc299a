import type * as gcp from '@pulumi/gcp';
import { beforeAll, expect, test } from 'vitest';
import { mapped } from './cel.js';
import {
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
} from './harness.js';
import { labelProperty } from './labels.js';

// The shared stack: registry, GitHub federation and the image attestor.
let run: Run;
beforeAll(async () => {
  run = await runProgram('shared', 'shared', sharedConfig());
});
const pool = `projects/${projectNumber}/locations/global/workloadIdentityPools/github-actions`;

test('one Docker repository in the shared region with immutable tags, cleanup in dry run', () => {
  expect(named<gcp.artifactregistry.RepositoryArgs>(run, 'Repository', 'images')).toMatchObject({
    repositoryId: 'tilestack',
    format: 'DOCKER',
    location: 'us-central1',
    dockerConfig: { immutableTags: true },
    cleanupPolicyDryRun: true,
  });
});

test('the GitHub pool admits only the configured repository, through the OIDC issuer of GitHub Actions', async () => {
  const provider = named<gcp.iam.WorkloadIdentityPoolProviderArgs>(
    run,
    'WorkloadIdentityPoolProvider',
    'github-ci',
  );
  expect(provider.attributeCondition).toBe(
    `assertion.repository_id == '${run.config['tilestack-shared:githubRepositoryId']}'`,
  );
  expect(provider.oidc?.issuerUri).toBe('https://token.actions.githubusercontent.com');
  expect(
    named<gcp.iam.WorkloadIdentityPoolArgs>(run, 'WorkloadIdentityPool', 'github').workloadIdentityPoolId,
  ).toBe('github-actions');
  // The shared infra identity's attribute: the environment of a job on main, nothing else.
  const environmentOf = (claims: Record<string, string>) =>
    mapped(provider.attributeMapping?.['attribute.main_environment'] ?? '', claims);
  expect(environmentOf({ ref: 'refs/heads/main', environment: 'shared' })).toBe('shared');
  for (const claims of [
    { ref: 'refs/heads/feature', environment: 'shared' },
    { ref: 'refs/heads/main' },
  ] as Record<string, string>[])
    expect(environmentOf(claims), JSON.stringify(claims)).toBe('none');
  expect(await resolve(run.outputs.sharedInfraPrincipals)).toBe(
    `principalSet://iam.googleapis.com/${pool}/attribute.main_environment/shared`,
  );
});

test('only workflows on main may publish and sign; the publisher can do nothing else', () => {
  expect(named(run, 'serviceaccount/iAMMember:IAMMember', 'publisher-github-impersonation').member).toBe(
    `principalSet://iam.googleapis.com/${pool}/attribute.ref/refs/heads/main`,
  );
  const publisher = memberOf(run, 'publisher');
  expect(
    grants(run)
      .filter((g) => g.member === publisher)
      .map((g) => g.role)
      .sort(),
  ).toEqual([
    'roles/artifactregistry.writer',
    'roles/binaryauthorization.attestorsViewer',
    'roles/cloudkms.signerVerifier',
    'roles/containeranalysis.notes.attacher',
    'roles/containeranalysis.occurrences.editor',
  ]);
});

test('the attestor verifies signatures of the KMS key CI signs with', () => {
  const attestor = named<gcp.binaryauthorization.AttestorArgs>(run, 'Attestor', 'built-by-ci');
  const [key] = attestor.attestationAuthorityNote.publicKeys ?? [];
  expect(key?.id).toMatch(
    /^\/\/cloudkms\.googleapis\.com\/v1\/.*cryptoKeys\/built-by-ci\/cryptoKeyVersions\/1$/,
  );
  expect(key?.pkixPublicKey?.signatureAlgorithm).toBe('ECDSA_P256_SHA256');
});

test('no long-lived credential, and every labellable resource is labelled', () => {
  expect(longLivedCredentials(run)).toEqual([]);
  for (const { type, name, inputs } of run.resources.filter((r) => labelProperty(r.type)))
    expect(inputs[labelProperty(type) as string], name).toEqual({
      app: 'tilestack',
      environment: 'shared',
      'managed-by': 'pulumi',
    });
});

test('its outputs are what the environments read through their StackReference', async () => {
  const expected = { ...sharedOutputs(), workloadIdentityPoolName: pool };
  const outputs = Object.fromEntries(
    await Promise.all(Object.keys(expected).map(async (key) => [key, await resolve(run.outputs[key])])),
  );
  expect(outputs).toEqual(expected);
});
