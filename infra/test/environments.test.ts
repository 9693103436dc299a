import type * as gcp from '@pulumi/gcp';
import { stableDatasetPermissions } from '@tilestack/stable-copy/permissions';
import { beforeAll, describe, expect, test } from 'vitest';
import { admitsWith } from './cel.js';
import {
  argsOf,
  envConfig,
  grants,
  longLivedCredentials,
  memberOf,
  named,
  ofType,
  type Run,
  resolve,
  runProgram,
  sharedOutputs,
  T,
} from './harness.js';
import { labelProperty } from './labels.js';

// Each environment stack, run from its committed Pulumi.<stack>.yaml under Pulumi's mocks.
const stacks = ['dev', 'staging', 'prod'] as const;
const runs = new Map<string, Run>();

beforeAll(async () => {
  for (const stack of stacks) runs.set(stack, await runProgram('env', stack, envConfig(stack)));
});

describe.each(stacks)('%s stack', (stack) => {
  const run = () => runs.get(stack) as Run;
  const config = () => run().config;
  const project = () => config()['gcp:project'];
  const stableCopyRole = () =>
    argsOf<gcp.projects.IAMCustomRoleArgs>(
      named(run(), 'gcp:projects/iAMCustomRole:IAMCustomRole', 'stable-copy'),
    );

  test('one private Autopilot cluster in the configured region, deletion protection only in prod', () => {
    const clusters = ofType(run(), T.cluster);
    expect(clusters).toHaveLength(1);
    const cluster = argsOf<gcp.container.ClusterArgs>(clusters[0] as never);
    expect(cluster.enableAutopilot).toBe(true);
    expect(cluster.location).toBe(config()['gcp:region']);
    expect(cluster.deletionProtection).toBe(stack === 'prod');
    expect(cluster.privateClusterConfig?.enablePrivateNodes).toBe(true);
    expect(cluster.releaseChannel?.channel).toBe(stack === 'prod' ? 'STABLE' : 'REGULAR');
    expect(cluster.maintenancePolicy?.recurringWindow?.recurrence).toMatch(/^FREQ=/);
    expect(cluster.workloadIdentityConfig?.workloadPool).toBe(`${project()}.svc.id.goog`);
    expect(cluster.ipAllocationPolicy).toEqual({
      clusterSecondaryRangeName: 'pods',
      servicesSecondaryRangeName: 'services',
    });
    // Nodes run as their own service account, not the default compute one.
    expect(cluster.clusterAutoscaling?.autoProvisioningDefaults?.serviceAccount).toBe(
      memberOf(run(), 'nodes').replace('serviceAccount:', ''),
    );
  });

  test('the subnet has pod and service ranges and Private Google Access', () => {
    const subnet = argsOf<gcp.compute.SubnetworkArgs>(
      named(run(), 'gcp:compute/subnetwork:Subnetwork', 'subnet'),
    );
    expect(subnet.privateIpGoogleAccess).toBe(true);
    expect(subnet.secondaryIpRanges?.map((r) => r.rangeName)).toEqual(['pods', 'services']);
  });

  test('no service account key, HMAC key or other long-lived credential exists', () => {
    expect(longLivedCredentials(run()).map((r) => r.type)).toEqual([]);
  });

  test('the API identity can only run jobs and read the stable dataset', () => {
    const api = memberOf(run(), 'api');
    const apiGrants = grants(run()).filter((g) => g.member === api);
    expect(apiGrants.map((g) => [g.type, g.role]).sort()).toEqual(
      [
        [T.datasetMember, 'roles/bigquery.dataViewer'],
        [T.projectMember, 'roles/bigquery.jobUser'],
      ].sort(),
    );
    const viewer = apiGrants.find((g) => g.type === T.datasetMember);
    expect(viewer?.inputs.datasetId).toBe('tilestack_stable');
    const jobUser = apiGrants.find((g) => g.type === T.projectMember);
    expect(jobUser?.inputs.project).toBe(project());
  });

  test('the API pods reach their identity through Workload Identity', () => {
    const binding = named(run(), T.saMember, 'api-workload-identity');
    expect(binding.inputs.role).toBe('roles/iam.workloadIdentityUser');
    expect(binding.inputs.member).toBe(`serviceAccount:${project()}.svc.id.goog[tilestack/tilestack-api]`);
    expect(String(binding.inputs.serviceAccountId)).toBe(
      `projects/${project()}/serviceAccounts/tilestack-api@${project()}.iam.gserviceaccount.com`,
    );
  });

  test('the deployer and the stable-copy job have the minimum roles', () => {
    const roles = (name: string) =>
      grants(run())
        .filter((g) => g.member === memberOf(run(), name))
        .map((g) => `${g.type.split(':')[2]} ${g.role}`)
        .sort();
    expect(roles('deployer')).toEqual(['IAMMember roles/container.developer']);
    expect(roles('stable-copy')).toEqual([
      `DatasetIamMember projects/${project()}/roles/${stableCopyRole().roleId}`,
      'IAMMember roles/bigquery.jobUser',
    ]);
    expect(roles('nodes')).toEqual([
      'IAMMember roles/container.defaultNodeServiceAccount',
      'RepositoryIamMember roles/artifactregistry.reader',
    ]);
  });

  test("the stable-copy role is the tool's permission list, granted on the stable dataset only", () => {
    expect(stableCopyRole().permissions).toEqual(stableDatasetPermissions);
    const grant = grants(run()).find((g) => g.role.endsWith(`/roles/${stableCopyRole().roleId}`));
    expect(grant?.type).toBe(T.datasetMember);
    expect(grant?.inputs.datasetId).toBe('tilestack_stable');
  });

  test('GitHub Actions get in only from the repository, on main, in the GitHub Environment of the stack', () => {
    const provider = argsOf<gcp.iam.WorkloadIdentityPoolProviderArgs>(named(run(), T.provider, 'github'));
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
    expect(admits(deploy)).toBe(true);
    expect(admits({ ...deploy, event_name: 'workflow_dispatch' })).toBe(true);
    expect(admits({ ...deploy, repository_id: '987654321' })).toBe(false);
    expect(admits({ ...deploy, ref: 'refs/heads/feature' })).toBe(false);
    expect(admits({ ...deploy, ref: 'refs/pull/7/merge', event_name: 'pull_request' })).toBe(false);
    expect(admits({ ...deploy, environment: stack === 'dev' ? 'staging' : 'dev' })).toBe(false);
    const { environment: _, ...withoutEnvironment } = deploy;
    expect(admits(withoutEnvironment)).toBe(false);
    // Prod, most strictly: no self-hosted runner, no scheduled run.
    expect(admits({ ...deploy, runner_environment: 'self-hosted' })).toBe(stack !== 'prod');
    expect(admits({ ...deploy, event_name: 'schedule' })).toBe(stack !== 'prod');
    expect(provider.oidc?.issuerUri).toBe('https://token.actions.githubusercontent.com');
    expect(provider.workloadIdentityPoolId).toBe(sharedOutputs().workloadIdentityPoolId);
    expect(provider.attributeMapping?.['attribute.tilestack_env']).toBe(
      `'${stack}/' + assertion.repository_id`,
    );

    // Only principals of this provider (the attribute it alone maps) may impersonate the two accounts.
    const principals = `principalSet://iam.googleapis.com/${sharedOutputs().workloadIdentityPoolName}/attribute.tilestack_env/${stack}/${repositoryId}`;
    const impersonations = grants(run()).filter(
      (g) => g.role === 'roles/iam.workloadIdentityUser' && g.member === principals,
    );
    expect(impersonations.map((g) => g.name).sort()).toEqual([
      'deployer-github-impersonation',
      'stable-copy-github-impersonation',
    ]);
  });

  test('the stable dataset lives in the source data location', () => {
    const dataset = argsOf<gcp.bigquery.DatasetArgs>(named(run(), T.dataset, 'stable'));
    expect(dataset.location).toBe('US');
    expect(dataset.deletionPolicy).toBe(stack === 'prod' ? 'PREVENT' : 'DELETE');
  });

  test('every resource that takes labels is labelled with its environment', () => {
    const labellable = run().resources.filter((r) => labelProperty(r.type));
    expect(labellable.length).toBeGreaterThan(10);
    for (const resource of labellable) {
      const labels = resource.inputs[labelProperty(resource.type) as string];
      expect(labels, `${resource.type} ${resource.name}`).toEqual({
        app: 'tilestack',
        environment: stack,
        'managed-by': 'pulumi',
      });
    }
  });

  test('the outputs name what the manifests and workflows need', async () => {
    const out = run().outputs;
    expect(await resolve(out.staticIpName as string)).toBe(`tilestack-${stack}-ip`);
    expect(await resolve(out.securityPolicyName as string)).toBe(`tilestack-${stack}-edge`);
    expect(await resolve(out.clusterName as string)).toBe(`tilestack-${stack}-gke`);
    expect(await resolve(out.namespace as string)).toBe('tilestack');
    expect(await resolve(out.deployerServiceAccountEmail as string)).toBe(
      `tilestack-deployer@${project()}.iam.gserviceaccount.com`,
    );
    expect(await resolve(out.workloadIdentityProvider as string)).toMatch(/\/providers\/github-/);
  });
});

test('the stable dataset follows a configured source location', async () => {
  const run = await runProgram('env', 'dev', { ...envConfig('dev'), 'tilestack:sourceDataLocation': 'EU' });
  expect(named(run, T.dataset, 'stable').inputs.location).toBe('EU');
});
