import type * as gcp from '@pulumi/gcp';
import { stableDatasetPermissions } from '@tilestack/stable-copy/permissions';
import { beforeAll, describe, expect, test } from 'vitest';
import { admitsWith } from './cel.js';
import {
  envConfig,
  environmentRuns,
  grants,
  longLivedCredentials,
  memberOf,
  named,
  ofType,
  type Run,
  resolve,
  runProgram,
  sharedOutputs,
  stacks,
} from './harness.js';
import { labelProperty } from './labels.js';

let runs: Record<string, Run>;
beforeAll(async () => {
  runs = await environmentRuns();
});

describe.each(stacks)('%s stack', (stack) => {
  const run = () => runs[stack] as Run;
  const project = () => run().config['gcp:project'];
  const roleId = () => named<gcp.projects.IAMCustomRoleArgs>(run(), 'IAMCustomRole', 'stable-copy').roleId;

  test('one private Autopilot cluster in the configured region, deletion protection only in prod', () => {
    expect(ofType(run(), 'Cluster')).toHaveLength(1);
    const cluster = named<gcp.container.ClusterArgs>(run(), 'Cluster', 'cluster');
    expect(cluster).toMatchObject({
      enableAutopilot: true,
      location: run().config['gcp:region'],
      deletionProtection: stack === 'prod',
      privateClusterConfig: { enablePrivateNodes: true },
      releaseChannel: { channel: stack === 'prod' ? 'STABLE' : 'REGULAR' },
      workloadIdentityConfig: { workloadPool: `${project()}.svc.id.goog` },
      ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
    });
    // Nodes run as their own service account, not the default compute one.
    const nodes = cluster.clusterAutoscaling?.autoProvisioningDefaults?.serviceAccount;
    expect(`serviceAccount:${nodes}`).toBe(memberOf(run(), 'nodes'));
    const subnet = named<gcp.compute.SubnetworkArgs>(run(), 'Subnetwork', 'subnet');
    expect(subnet.privateIpGoogleAccess).toBe(true);
    expect(subnet.secondaryIpRanges?.map((r) => r.rangeName)).toEqual(['pods', 'services']);
  });

  test('no service account key, HMAC key or other long-lived credential exists', () => {
    expect(longLivedCredentials(run()).map((r) => r.type)).toEqual([]);
  });

  test('each identity has the minimum roles: the API runs jobs and reads the stable dataset only', () => {
    const roles = (name: string) =>
      grants(run())
        .filter((g) => g.member === memberOf(run(), name))
        .map((g) => `${g.type.split(':')[2]} ${g.role} ${g.inputs.datasetId ?? g.inputs.project ?? ''}`)
        .sort();
    expect(roles('api')).toEqual([
      'DatasetIamMember roles/bigquery.dataViewer tilestack_stable',
      `IAMMember roles/bigquery.jobUser ${project()}`,
    ]);
    expect(roles('deployer')).toEqual([`IAMMember roles/container.developer ${project()}`]);
    expect(roles('stable-copy')).toEqual([
      `DatasetIamMember projects/${project()}/roles/${roleId()} tilestack_stable`,
      `IAMMember roles/bigquery.jobUser ${project()}`,
    ]);
    expect(roles('nodes')).toEqual([
      `IAMMember roles/container.defaultNodeServiceAccount ${project()}`,
      `RepositoryIamMember roles/artifactregistry.reader ${sharedOutputs().project}`,
    ]);
  });

  test("the stable-copy role is the tool's own permission list (its preflight asks for the same ones)", () => {
    const role = named<gcp.projects.IAMCustomRoleArgs>(run(), 'IAMCustomRole', 'stable-copy');
    expect(role.permissions).toEqual(stableDatasetPermissions);
  });

  test('the API pods reach their identity through Workload Identity', () => {
    expect(named(run(), 'serviceaccount/iAMMember:IAMMember', 'api-workload-identity')).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${project()}.svc.id.goog[tilestack/tilestack-api]`,
      serviceAccountId: `projects/${project()}/serviceAccounts/tilestack-api@${project()}.iam.gserviceaccount.com`,
    });
  });

  test('GitHub Actions get in only from the repository, on main, in the GitHub Environment of the stack', () => {
    const provider = named<gcp.iam.WorkloadIdentityPoolProviderArgs>(
      run(),
      'WorkloadIdentityPoolProvider',
      'github',
    );
    const repositoryId = sharedOutputs().githubRepositoryId ?? '';
    const admits = admitsWith(provider.attributeCondition ?? '');
    // Tokens as GitHub mints them (https://docs.github.com/en/actions/reference/security/oidc).
    const deploy: Record<string, string> = {
      repository_id: repositoryId,
      ref: 'refs/heads/main',
      environment: stack,
      runner_environment: 'github-hosted',
      event_name: 'push',
    };
    const { environment: _, ...withoutEnvironment } = deploy;
    expect(admits(deploy)).toBe(true);
    expect(admits({ ...deploy, event_name: 'workflow_dispatch' })).toBe(true);
    for (const claims of [
      { repository_id: '987654321' },
      { ref: 'refs/heads/feature' },
      { ref: 'refs/pull/7/merge', event_name: 'pull_request' },
      { environment: stack === 'dev' ? 'staging' : 'dev' },
    ] as Record<string, string>[])
      expect(admits({ ...deploy, ...claims }), JSON.stringify(claims)).toBe(false);
    expect(admits(withoutEnvironment)).toBe(false);
    // Prod, most strictly: no self-hosted runner, no scheduled run.
    expect(admits({ ...deploy, runner_environment: 'self-hosted' })).toBe(stack !== 'prod');
    expect(admits({ ...deploy, event_name: 'schedule' })).toBe(stack !== 'prod');
    expect(provider).toMatchObject({
      oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
      workloadIdentityPoolId: sharedOutputs().workloadIdentityPoolId,
      attributeMapping: { 'attribute.tilestack_env': `'${stack}/' + assertion.repository_id` },
    });
    // Only principals of this provider (the attribute it alone maps) may impersonate the two accounts.
    const principals = `principalSet://iam.googleapis.com/${sharedOutputs().workloadIdentityPoolName}/attribute.tilestack_env/${stack}/${repositoryId}`;
    const impersonations = grants(run()).filter((g) => g.member === principals);
    expect(impersonations.map((g) => `${g.name} ${g.role}`).sort()).toEqual([
      'deployer-github-impersonation roles/iam.workloadIdentityUser',
      'stable-copy-github-impersonation roles/iam.workloadIdentityUser',
    ]);
  });

  test('the stable dataset lives in the source data location, protected in prod', () => {
    const dataset = named<gcp.bigquery.DatasetArgs>(run(), 'Dataset', 'stable');
    expect([dataset.location, dataset.deletionPolicy]).toEqual([
      'US',
      stack === 'prod' ? 'PREVENT' : 'DELETE',
    ]);
  });

  test('every resource that takes labels is labelled with its environment', () => {
    const labellable = run().resources.filter((r) => labelProperty(r.type));
    expect(labellable.length).toBeGreaterThan(10);
    for (const { type, name, inputs } of labellable)
      expect(inputs[labelProperty(type) as string], `${type} ${name}`).toEqual({
        app: 'tilestack',
        environment: stack,
        'managed-by': 'pulumi',
      });
  });

  test('the outputs name what the manifests and workflows need', async () => {
    const out = (key: string) => resolve(run().outputs[key] as string);
    expect(await out('staticIpName')).toBe(`tilestack-${stack}-ip`);
    expect(await out('securityPolicyName')).toBe(`tilestack-${stack}-edge`);
    expect(await out('clusterName')).toBe(`tilestack-${stack}-gke`);
    expect(await out('namespace')).toBe('tilestack');
    expect(await out('deployerServiceAccountEmail')).toBe(
      `tilestack-deployer@${project()}.iam.gserviceaccount.com`,
    );
    expect(await out('workloadIdentityProvider')).toMatch(/\/providers\/github-/);
  });
});

test('the stable dataset follows a configured source location', async () => {
  const run = await runProgram('env', 'dev', { ...envConfig('dev'), 'tilestack:sourceDataLocation': 'EU' });
  expect(named(run, 'Dataset', 'stable').location).toBe('EU');
});
