import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { vi } from 'vitest';
import { parse } from 'yaml';

// Runs a Pulumi program in-process under Pulumi's mocks: no cloud, no CLI, no plugins. Every
// resource the program declares is recorded with its resolved inputs.

export type Inputs = Record<string, unknown>;
export interface Registered {
  type: string;
  name: string;
  inputs: Inputs;
}
export interface Run {
  stack: string;
  config: Record<string, string>;
  resources: Registered[];
  outputs: Record<string, unknown>;
}

const infra = fileURLToPath(new URL('..', import.meta.url));

/** The `config:` map of a committed stack file, as the Pulumi CLI hands it to the program. */
export function stackConfig(file: string): Record<string, string> {
  const doc = parse(readFileSync(`${infra}/${file}`, 'utf8')) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

export const envConfig = (stack: string) => stackConfig(`Pulumi.${stack}.yaml`);
export const sharedConfig = () => stackConfig('shared/Pulumi.shared.yaml');

/** What the shared stack exports, as a StackReference in an environment sees it. */
export function sharedOutputs() {
  const config = sharedConfig();
  const project = config['gcp:project'];
  return {
    project,
    region: config['gcp:region'],
    githubRepositoryId: config['tilestack-shared:githubRepositoryId'],
    // A project number distinct from the environments' (111…) so a mix-up would show.
    workloadIdentityPoolName: 'projects/222222222222/locations/global/workloadIdentityPools/github-actions',
    workloadIdentityPoolId: 'github-actions',
    registryRepositoryId: 'tilestack',
    registryLocation: config['gcp:region'],
    attestorName: `projects/${project}/attestors/built-by-ci`,
    attestorId: 'built-by-ci',
  };
}

export const projectNumber = '111111111111';

// Values the real provider computes, so outputs the program reads (e-mails, names) look real.
function computed(type: string, name: string, inputs: Inputs): Inputs {
  const s = (key: string) => String(inputs[key] ?? '');
  switch (type) {
    case 'gcp:serviceaccount/account:Account': {
      const email = `${s('accountId')}@${s('project')}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${s('project')}/serviceAccounts/${email}`,
      };
    }
    case 'gcp:iam/workloadIdentityPool:WorkloadIdentityPool':
      return {
        name: `projects/${projectNumber}/locations/global/workloadIdentityPools/${s('workloadIdentityPoolId')}`,
      };
    case 'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider':
      return {
        name: `projects/${projectNumber}/locations/global/workloadIdentityPools/${s('workloadIdentityPoolId')}/providers/${s('workloadIdentityPoolProviderId')}`,
      };
    case 'gcp:monitoring/slo:Slo':
      return {
        name: `projects/${s('project')}/services/${s('service')}/serviceLevelObjectives/${s('sloId')}`,
      };
    case 'gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig':
      return { uptimeCheckId: `${name}-check-id` };
    case 'gcp:monitoring/notificationChannel:NotificationChannel':
      return { name: `projects/${s('project')}/notificationChannels/${name}` };
    case 'gcp:compute/globalAddress:GlobalAddress':
      return { address: '203.0.113.10' };
    case 'gcp:kms/cryptoKey:CryptoKey':
      return { id: `${s('keyRing')}/cryptoKeys/${s('name')}` };
    default:
      return {};
  }
}

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    if (args.type === 'pulumi:pulumi:StackReference') {
      return { id: args.name, state: { name: args.name, outputs: sharedOutputs() } };
    }
    current.push({ type: args.type, name: args.name, inputs: args.inputs as Inputs });
    const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs as Inputs) };
    return { id: String(state.id ?? `${args.name}-id`), state };
  },
  call(args) {
    switch (args.token) {
      case 'gcp:organizations/getProject:getProject':
        return { number: projectNumber, projectId: args.inputs.projectId };
      case 'gcp:kms/getKMSCryptoKeyVersion:getKMSCryptoKeyVersion':
        return {
          name: `${args.inputs.cryptoKey}/cryptoKeyVersions/1`,
          publicKeys: [
            {
              algorithm: 'EC_SIGN_P256_SHA256',
              pem: '-----BEGIN PUBLIC KEY-----\nMOCK\n-----END PUBLIC KEY-----\n',
            },
          ],
        };
      default:
        throw new Error(`unexpected invoke ${args.token}`);
    }
  },
};

let current: Registered[] = [];

/** Resolves any Pulumi output (or plain value) the program exported. */
export function resolve<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((done) => pulumi.output(value).apply((v) => done(v as T)));
}

/**
 * Runs `index.ts` (environment) or `shared/index.ts` as stack `stack` with `config`.
 * Runs are sequential: Pulumi's runtime state is per process.
 */
export async function runProgram(
  program: 'env' | 'shared',
  stack: string,
  config: Record<string, string>,
): Promise<Run> {
  current = [];
  const resources = current;
  await pulumi.runtime.setMocks(mocks, program === 'env' ? 'tilestack' : 'tilestack-shared', stack, false);
  pulumi.runtime.setAllConfig(config);
  vi.resetModules(); // re-evaluate the program's modules: they read config at import time
  const outputs = (await import(program === 'env' ? '../index.ts' : '../shared/index.ts')) as Record<
    string,
    unknown
  >;
  // Resource registrations are asynchronous; wait until the mock monitor has seen them all.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { stack, config, resources, outputs };
}

/** All resources of one type token, e.g. `gcp:container/cluster:Cluster`. */
export const ofType = (run: Run, type: string) => run.resources.filter((r) => r.type === type);

/** The one resource of `type` named `name` (throws if missing). */
export function named(run: Run, type: string, name: string): Registered {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`${run.stack}: no ${type} named ${name}`);
  return found;
}

/** A resource's recorded inputs, typed with the plain (unwrapped) form of its Args interface. */
export const argsOf = <T>(resource: Registered) => resource.inputs as pulumi.Unwrap<T>;

/** Type tokens the tests refer to. */
export const T = {
  cluster: 'gcp:container/cluster:Cluster',
  account: 'gcp:serviceaccount/account:Account',
  saMember: 'gcp:serviceaccount/iAMMember:IAMMember',
  projectMember: 'gcp:projects/iAMMember:IAMMember',
  datasetMember: 'gcp:bigquery/datasetIamMember:DatasetIamMember',
  dataset: 'gcp:bigquery/dataset:Dataset',
  provider: 'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider',
  pool: 'gcp:iam/workloadIdentityPool:WorkloadIdentityPool',
  slo: 'gcp:monitoring/slo:Slo',
  service: 'gcp:monitoring/customService:CustomService',
  alert: 'gcp:monitoring/alertPolicy:AlertPolicy',
  uptime: 'gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig',
  channel: 'gcp:monitoring/notificationChannel:NotificationChannel',
  dashboard: 'gcp:monitoring/dashboard:Dashboard',
  armor: 'gcp:compute/securityPolicy:SecurityPolicy',
  binauthzPolicy: 'gcp:binaryauthorization/policy:Policy',
  attestor: 'gcp:binaryauthorization/attestor:Attestor',
  address: 'gcp:compute/globalAddress:GlobalAddress',
  repository: 'gcp:artifactregistry/repository:Repository',
} as const;

/** Every IAM grant recorded in a run, whatever the resource it is granted on. */
export function grants(run: Run) {
  return run.resources
    .filter((r) => /iam(member|binding|policy)$/i.test(r.type.split(':')[2] ?? ''))
    .map((r) => ({ ...r, role: String(r.inputs.role), member: String(r.inputs.member ?? '') }));
}

/** The e-mail-derived IAM member of the service account declared under `name`. */
export function memberOf(run: Run, name: string) {
  const { accountId, project } = named(run, T.account, name).inputs;
  return `serviceAccount:${accountId}@${project}.iam.gserviceaccount.com`;
}

/** Resource types that would be long-lived secrets: none may ever be declared. */
const credentialTypes = ['gcp:serviceaccount/key:Key', 'gcp:storage/hmacKey:HmacKey', 'gcp:apikeys/key:Key'];

/** Declared keys or key-like credentials (by type, or by a private key among the inputs). */
export const longLivedCredentials = (run: Run) =>
  run.resources.filter(
    (r) => credentialTypes.includes(r.type) || /privateKey/i.test(JSON.stringify(r.inputs)),
  );
