import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { vi } from 'vitest';
import { parse } from 'yaml';

// Runs a Pulumi program in-process under Pulumi's mocks: no cloud, no CLI, no plugins. Every
// resource the program declares is recorded with its resolved inputs.

export type Inputs = Record<string, unknown>;
export type Registered = { type: string; name: string; inputs: Inputs };
export type Run = { stack: string; config: Record<string, string>; resources: Registered[]; outputs: Inputs };

/** The `config:` map of a committed stack file, as the Pulumi CLI hands it to the program. */
export function stackConfig(file: string): Record<string, string> {
  const { config = {} } = parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
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
const pool = (i: Inputs) =>
  `projects/${projectNumber}/locations/global/workloadIdentityPools/${i.workloadIdentityPoolId}`;
const email = (i: Inputs) => `${i.accountId}@${i.project}.iam.gserviceaccount.com`;
const computed: Record<string, (inputs: Inputs, name: string) => Inputs> = {
  'gcp:serviceaccount/account:Account': (i) => ({
    email: email(i),
    member: `serviceAccount:${email(i)}`,
    name: `projects/${i.project}/serviceAccounts/${email(i)}`,
  }),
  'gcp:iam/workloadIdentityPool:WorkloadIdentityPool': (i) => ({ name: pool(i) }),
  'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider': (i) => ({
    name: `${pool(i)}/providers/${i.workloadIdentityPoolProviderId}`,
  }),
  'gcp:monitoring/slo:Slo': (i) => ({
    name: `projects/${i.project}/services/${i.service}/serviceLevelObjectives/${i.sloId}`,
  }),
  'gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig': (_, name) => ({ uptimeCheckId: `${name}-check-id` }),
  'gcp:monitoring/notificationChannel:NotificationChannel': (i, name) => ({
    name: `projects/${i.project}/notificationChannels/${name}`,
  }),
  'gcp:compute/globalAddress:GlobalAddress': () => ({ address: '203.0.113.10' }),
  'gcp:kms/cryptoKey:CryptoKey': (i) => ({ id: `${i.keyRing}/cryptoKeys/${i.name}` }),
};

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    if (args.type === 'pulumi:pulumi:StackReference') {
      return { id: args.name, state: { name: args.name, outputs: sharedOutputs() } };
    }
    current.push({ type: args.type, name: args.name, inputs: args.inputs as Inputs });
    const state = { ...args.inputs, ...computed[args.type]?.(args.inputs, args.name) };
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
  config: Run['config'],
): Promise<Run> {
  current = [];
  const resources = current;
  await pulumi.runtime.setMocks(mocks, program === 'env' ? 'tilestack' : 'tilestack-shared', stack, false);
  pulumi.runtime.setAllConfig(config);
  vi.resetModules(); // re-evaluate the program's modules: they read config at import time
  const outputs: Inputs = await import(program === 'env' ? '../index.ts' : '../shared/index.ts');
  // Resource registrations are asynchronous; wait until the mock monitor has seen them all.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { stack, config, resources, outputs };
}

/** Every environment stack run from its committed stack file, once per test file. */
export const stacks = ['dev', 'staging', 'prod'] as const;
let environments: Promise<Record<string, Run>> | undefined;
export function environmentRuns(): Promise<Record<string, Run>> {
  environments ??= (async () => {
    const runs: Record<string, Run> = {};
    for (const stack of stacks) runs[stack] = await runProgram('env', stack, envConfig(stack));
    return runs;
  })();
  return environments;
}

/** Resources whose type token ends with `type`: `Cluster`, `serviceaccount/iAMMember:IAMMember`. */
export const ofType = (run: Run, type: string) => run.resources.filter((r) => r.type.endsWith(type));

/** The one resource of `type` named `name`, its inputs typed with the plain form of an Args interface. */
export function named<T = Record<string, unknown>>(run: Run, type: string, name: string): pulumi.Unwrap<T> {
  const found = ofType(run, type).find((r) => r.name === name);
  if (!found) throw new Error(`${run.stack}: no ${type} named ${name}`);
  return found.inputs as pulumi.Unwrap<T>;
}

/** Every IAM grant recorded in a run, whatever the resource it is granted on. */
export const grants = (run: Run) =>
  run.resources
    .filter((r) => /iam(member|binding|policy)$/i.test(r.type.split(':')[2] ?? ''))
    .map((r) => ({ ...r, role: String(r.inputs.role), member: String(r.inputs.member ?? '') }));

/** The IAM member of the service account declared under `name`. */
export function memberOf(run: Run, name: string) {
  const { accountId, project } = named(run, 'serviceaccount/account:Account', name);
  return `serviceAccount:${accountId}@${project}.iam.gserviceaccount.com`;
}

/** Long-lived secrets (keys, by type or by a private key among the inputs): none may ever be declared. */
export const longLivedCredentials = (run: Run) =>
  run.resources.filter(
    (r) =>
      /^gcp:(serviceaccount\/key|storage\/hmacKey|apikeys\/key):/.test(r.type) ||
      /privateKey/i.test(JSON.stringify(r.inputs)),
  );
