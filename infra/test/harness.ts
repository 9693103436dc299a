import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { parse } from 'yaml';

// Runs a Pulumi program in-process under Pulumi's mocks (no cloud, no CLI, no plugins) and records
// every resource it declares with its resolved inputs.
export type Inputs = Record<string, unknown>;
type Resource = { type: string; name: string; inputs: Inputs };
export type Run = { stack: string; resources: Resource[]; outputs: Inputs };

/** The `config:` map of a committed stack file, as the Pulumi CLI hands it to the program. */
export function stackConfig(file: string): Record<string, string> {
  const { config = {} } = parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
  const asString = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, asString(value)]));
}
export const configOf = (stack: string) =>
  stackConfig(stack === 'shared' ? 'shared/Pulumi.shared.yaml' : `Pulumi.${stack}.yaml`);

export const projectNumber = '111111111111';
const sharedSettings = configOf('shared');
const pool = (i: Inputs) =>
  `projects/${projectNumber}/locations/global/workloadIdentityPools/${i.workloadIdentityPoolId}`;
/** What the environments' tests expect of the shared stack. */
export const shared = {
  project: sharedSettings['gcp:project'],
  repositoryId: sharedSettings['tilestack-shared:githubRepositoryId'],
  pool: pool({ workloadIdentityPoolId: 'github-actions' }),
};

// Values the real provider computes (by class), so outputs the program reads look real; other
// resources are named by their logical name.
const email = (i: Inputs) => `${i.accountId}@${i.project}.iam.gserviceaccount.com`;
const computed: Record<string, (inputs: Inputs, name: string) => Inputs> = {
  Account: (i) => ({
    email: email(i),
    member: `serviceAccount:${email(i)}`,
    name: `projects/${i.project}/serviceAccounts/${email(i)}`,
  }),
  WorkloadIdentityPool: (i) => ({ name: pool(i) }),
  WorkloadIdentityPoolProvider: (i) => ({ name: `${pool(i)}/providers/${i.workloadIdentityPoolProviderId}` }),
  Slo: (i) => ({ name: `projects/${i.project}/services/${i.service}/serviceLevelObjectives/${i.sloId}` }),
  UptimeCheckConfig: (_, name) => ({ uptimeCheckId: `${name}-check-id` }),
  CryptoKey: (i) => ({ id: `${i.keyRing}/cryptoKeys/${i.name}` }),
};
const invokes: Record<string, (inputs: Inputs) => Inputs> = {
  getProject: (i) => ({ number: projectNumber, projectId: i.projectId }),
  getKMSCryptoKeyVersion: (i) => ({
    name: `${i.cryptoKey}/cryptoKeyVersions/1`,
    publicKeys: [{ algorithm: 'EC_SIGN_P256_SHA256', pem: 'MOCK PEM' }],
  }),
};

let current: Resource[] = [];
let referenced: Inputs = {};
const mocks: pulumi.runtime.Mocks = {
  newResource({ type, name, inputs }) {
    if (type === 'pulumi:pulumi:StackReference') return { id: name, state: { name, outputs: referenced } };
    current.push({ type, name, inputs });
    const state = { name, ...inputs, ...computed[type.split(':')[2] ?? '']?.(inputs, name) };
    return { id: String(state.id ?? `${name}-id`), state };
  },
  call({ token, inputs }) {
    const invoke = invokes[token.split(':')[2] ?? ''];
    if (!invoke) throw new Error(`unexpected invoke ${token}`);
    return invoke(inputs);
  },
};

/** Runs `shared/index.ts` for the stack `shared`, else `index.ts`; one at a time (one runtime per process). */
export async function runProgram(stack: string, config = configOf(stack)): Promise<Run> {
  const shared = stack === 'shared';
  if (!shared) referenced = await outputsOf(await stackRun('shared'));
  current = [];
  const resources = current;
  await pulumi.runtime.setMocks(mocks, shared ? 'tilestack-shared' : 'tilestack', stack, false);
  pulumi.runtime.setAllConfig(config);
  vi.resetModules(); // the program's modules read config at import time
  const outputs: Inputs = await import(shared ? '../shared/index.ts' : '../index.ts');
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { stack, resources, outputs };
}

// Each stack's run once per test file; environments' StackReferences read the shared run's outputs.
const runs = new Map<string, Promise<Run>>();
export const stackRun = (stack: string) =>
  runs.get(stack) ?? (runs.set(stack, runProgram(stack)).get(stack) as Promise<Run>);

export const stacks = ['dev', 'staging', 'prod'] as const;
/** Declares `body`'s tests, and the inputs it expects by `<type> <name>`, once per stack of `names`. */
export function describeStacks(
  names: readonly string[],
  body: (stack: string, run: () => Run, project: string) => Record<string, Inputs> | undefined,
) {
  describe.each(names)('%s stack', (stack) => {
    let run: Run;
    beforeAll(async () => {
      run = await stackRun(stack);
    });
    const expectations = body(stack, () => run, configOf(stack)['gcp:project'] ?? '');
    test.each(Object.entries(expectations ?? {}))('%s', (id, expected) => {
      expect(named(run, ...(id.split(' ') as [string, string]))).toMatchObject(expected);
    });
  });
}

/** Resources whose type token ends with `type`: `Cluster`, `serviceaccount/iAMMember:IAMMember`. */
export const ofType = (run: Run, type: string) => run.resources.filter((r) => r.type.endsWith(type));

/** The one resource of `type` named `name`, its inputs typed with the plain form of an Args interface. */
export function named<T = Inputs>(run: Run, type: string, name: string): pulumi.Unwrap<T> {
  const found = ofType(run, type).find((r) => r.name === name);
  if (!found) throw new Error(`${run.stack}: no ${type} named ${name}`);
  return found.inputs as pulumi.Unwrap<T>;
}

/** Every output of a run, resolved. */
export const outputsOf = (run: Run) =>
  new Promise<Inputs>((done) => pulumi.output({ ...run.outputs }).apply(done));

/** Every IAM grant of a run by member: `<role> <what it is granted on>`, sorted. */
export function iamByMember(run: Run): Record<string, string[]> {
  const picture: Record<string, string[]> = {};
  for (const { inputs: i } of run.resources.filter((r) => /iam(member|binding|policy)$/i.test(r.type))) {
    const on =
      i.repository ?? i.datasetId ?? i.serviceAccountId ?? i.attestor ?? i.note ?? i.cryptoKeyId ?? i.project;
    picture[String(i.member)] = [...(picture[String(i.member)] ?? []), `${i.role} ${on}`].sort();
  }
  return picture;
}
