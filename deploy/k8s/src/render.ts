import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository's root: every command below runs from there, exactly as the README writes it. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const environments = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof environments)[number];

// biome-ignore lint/suspicious/noExplicitAny: past apiVersion, kind and name, the fields depend on the kind.
type Fields = Record<string, any>;
/** Any rendered object; callers narrow the fields of its kind. */
export type K8sObject = Fields & { apiVersion: string; kind: string; metadata: Fields & { name: string } };

/** `kubectl kustomize deploy/k8s/overlays/<env>`: the README's render command, as an argv. */
export const renderCommand = (env: Environment) => ['kubectl', 'kustomize', `deploy/k8s/overlays/${env}`];

export function kubectl(args: string[], cwd = repoRoot): string {
  const run = spawnSync('kubectl', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const missing = (run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  if (missing) throw new Error('kubectl is not on PATH: run `bash deploy/k8s/scripts/ensure-kubectl.sh`');
  if (run.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${run.error ?? run.stderr}`);
  return run.stdout;
}

/** Parses a multi-document YAML stream (kubectl kustomize's output) into objects. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() ?? [];
  });
}

/** Renders a kustomization directory (relative to `cwd`, the repository root by default). */
export const renderDir = (dir: string, cwd = repoRoot) => parseManifests(kubectl(['kustomize', dir], cwd));
export const render = (env: Environment, cwd = repoRoot) => renderDir(renderCommand(env)[2] as string, cwd);

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered output`);
  return found;
}

/** A generated object by its name before Kustomize's hash suffix (`tilestack-api-config-<hash>`). */
export function findGenerated(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter(
    (o) => o.kind === kind && new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name),
  );
  if (found.length !== 1)
    throw new Error(`expected one generated ${kind} ${name}-<hash>, found ${found.length}`);
  return found[0] as K8sObject;
}
