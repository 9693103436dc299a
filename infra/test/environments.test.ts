import { stableDatasetPermissions } from '@tilestack/stable-copy/permissions';
import { expect, test } from 'vitest';
import { mapped } from './cel.js';
import * as h from './harness.js';
import { violations } from './hygiene.js';

h.describeStacks(h.stacks, (stack, run, project) => {
  const prod = stack === 'prod';
  const account = (id: string) => `tilestack-${id}@${project}.iam.gserviceaccount.com`;

  test('one cluster; every labellable resource is labelled; no key or other long-lived credential', () => {
    expect(h.ofType(run(), 'Cluster')).toHaveLength(1);
    const { labelled, problems } = violations(run());
    expect([labelled > 10, problems]).toEqual([true, []]);
  });

  // Who may do what: the least-privilege grants of each identity, and nothing for anyone else.
  test('the IAM grants of the stack, by member', () => {
    const sa = (id: string) => `projects/${project}/serviceAccounts/${account(id)}`;
    const impersonate = 'roles/iam.workloadIdentityUser';
    expect(h.iamByMember(run())).toEqual({
      [`serviceAccount:${account('api')}`]: [
        'roles/bigquery.dataViewer tilestack_stable',
        `roles/bigquery.jobUser ${project}`,
      ],
      [`serviceAccount:${account('deployer')}`]: [`roles/container.developer ${project}`],
      [`serviceAccount:${account('stable-copy')}`]: [
        `projects/${project}/roles/tilestackStableCopy tilestack_stable`,
        `roles/bigquery.jobUser ${project}`,
      ],
      [`serviceAccount:${account('nodes')}`]: [
        'roles/artifactregistry.reader tilestack',
        `roles/container.defaultNodeServiceAccount ${project}`,
      ],
      [`serviceAccount:${project}.svc.id.goog[tilestack/tilestack-api]`]: [`${impersonate} ${sa('api')}`],
      // Only the principal set of this environment's provider (the attribute only it maps).
      [`principalSet://iam.googleapis.com/${h.shared.pool}/attribute.tilestack_env/${stack}/${h.shared.repositoryId}`]:
        [`${impersonate} ${sa('deployer')}`, `${impersonate} ${sa('stable-copy')}`],
      [`serviceAccount:service-${h.projectNumber}@gcp-sa-binaryauthorization.iam.gserviceaccount.com`]: [
        'roles/binaryauthorization.attestorsVerifier built-by-ci',
      ],
    });
  });

  // Tokens as GitHub mints them (https://docs.github.com/en/actions/reference/security/oidc).
  const deploy = { repository_id: h.shared.repositoryId, ref: 'refs/heads/main', environment: stack };
  const token = { ...deploy, runner_environment: 'github-hosted', event_name: 'push' };
  test.each([
    ['a push on main in its GitHub Environment', {}, true],
    ['a manual run', { event_name: 'workflow_dispatch' }, true],
    ['another repository', { repository_id: '987654321' }, false],
    ['a branch', { ref: 'refs/heads/feature' }, false],
    ['a pull request', { ref: 'refs/pull/7/merge', event_name: 'pull_request' }, false],
    ['another environment', { environment: stack === 'dev' ? 'staging' : 'dev' }, false],
    ['a job without environment', { environment: undefined }, false],
    ['a self-hosted runner (prod refuses)', { runner_environment: 'self-hosted' }, !prod],
    ['a scheduled run (prod refuses)', { event_name: 'schedule' }, !prod],
  ])('GitHub Actions: %s gets in: %s', (_, change, admitted) => {
    const claims = JSON.parse(JSON.stringify({ ...token, ...change })); // without the undefined ones
    const { attributeCondition } = h.named(run(), 'WorkloadIdentityPoolProvider', 'github');
    expect(mapped(String(attributeCondition), claims) === true).toBe(admitted);
  });

  test('the outputs name what the manifests and workflows need', async () => {
    expect(await h.outputsOf(run())).toMatchObject({
      staticIpName: `tilestack-${stack}-ip`,
      securityPolicyName: `tilestack-${stack}-edge`,
      clusterName: `tilestack-${stack}-gke`,
      namespace: 'tilestack',
      deployerServiceAccountEmail: account('deployer'),
      workloadIdentityProvider: `${h.shared.pool}/providers/github-${stack}`,
    });
  });
  return {
    'Cluster cluster': {
      enableAutopilot: true,
      location: 'us-central1',
      deletionProtection: prod,
      privateClusterConfig: { enablePrivateNodes: true },
      controlPlaneEndpointsConfig: { ipEndpointsConfig: { enabled: false } },
      releaseChannel: { channel: prod ? 'STABLE' : 'REGULAR' },
      workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
      ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
      clusterAutoscaling: { autoProvisioningDefaults: { serviceAccount: account('nodes') } }, // not the default compute one
    },
    'Subnetwork subnet': {
      privateIpGoogleAccess: true,
      secondaryIpRanges: [{ rangeName: 'pods' }, { rangeName: 'services' }],
    },
    'Dataset stable': { location: 'US', deletionPolicy: prod ? 'PREVENT' : 'DELETE' },
    // The tool's own permission list (its preflight asks for the same ones).
    'IAMCustomRole stable-copy': { permissions: stableDatasetPermissions },
    'WorkloadIdentityPoolProvider github': {
      oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
      workloadIdentityPoolId: 'github-actions',
      attributeMapping: { 'attribute.tilestack_env': `'${stack}/' + assertion.repository_id` },
    },
  };
});

test('the stable dataset follows a configured source location', async () => {
  const run = await h.runProgram('dev', { ...h.configOf('dev'), 'tilestack:sourceDataLocation': 'EU' });
  expect(h.named(run, 'Dataset', 'stable').location).toBe('EU');
});
