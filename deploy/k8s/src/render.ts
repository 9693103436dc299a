import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './manifest.js';

/** The repository's root: every command below runs from there, exactly as the README writes it. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const environments = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof environments)[number];

/** Oldest kubectl whose built-in Kustomize (v5.0) handles components, replacements and local-config. */
export const minKubectlMinor = 27;

const missingKubectl =
  'kubectl is not installed (or not on PATH): run `bash deploy/k8s/scripts/ensure-kubectl.sh` (.ci/run does)';

/** `kubectl kustomize deploy/k8s/overlays/<env>`: the README's render command, as an argv. */
export function renderCommand(env: Environment): string[] {
  return ['kubectl', 'kustomize', `deploy/k8s/overlays/${env}`];
}

function kubectl(args: string[], cwd: string): string {
  const run = spawnSync('kubectl', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) {
    throw new Error(
      (run.error as NodeJS.ErrnoException).code === 'ENOENT' ? missingKubectl : run.error.message,
    );
  }
  if (run.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

/** kubectl's client version, e.g. `{ major: 1, minor: 32 }`; throws a clear error when it is absent. */
export function kubectlVersion(): { major: number; minor: number; kustomize: string } {
  const info = JSON.parse(kubectl(['version', '--client', '-o', 'json'], repoRoot)) as {
    clientVersion: { major: string; minor: string };
    kustomizeVersion?: string;
  };
  return {
    major: Number(info.clientVersion.major),
    minor: Number.parseInt(info.clientVersion.minor, 10),
    kustomize: info.kustomizeVersion ?? 'unknown',
  };
}

/** Parses a multi-document YAML stream (kubectl kustomize's output) into objects. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Renders a kustomization directory (relative to `cwd`, the repository root by default). */
export function renderDir(dir: string, cwd = repoRoot): K8sObject[] {
  return parseManifests(kubectl(['kustomize', dir], cwd));
}

/** Renders one environment exactly as the README's command does. */
export function render(env: Environment, cwd = repoRoot): K8sObject[] {
  const [, ...args] = renderCommand(env);
  return parseManifests(kubectl(args, cwd));
}
