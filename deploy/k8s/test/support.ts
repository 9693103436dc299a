import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Environment, find, findGenerated, type K8sObject, render, repoRoot } from '../src/render.js';

const rendered = new Map<Environment, K8sObject[]>();

/** `kubectl kustomize deploy/k8s/overlays/<env>`, once per test file and environment. */
export function renderOnce(env: Environment): K8sObject[] {
  if (!rendered.has(env)) rendered.set(env, render(env));
  return structuredClone(rendered.get(env) as K8sObject[]);
}

/** A throw-away copy of what the overlays read (deploy/k8s, cache/'s kustomization and VCL), laid out as here. */
export function scratchRepo(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'tilestack-k8s-'));
  for (const dir of ['base', 'components', 'overlays'])
    cpSync(join(repoRoot, 'deploy/k8s', dir), join(root, 'deploy/k8s', dir), { recursive: true });
  for (const file of ['kustomization.yaml', 'default.vcl'])
    cpSync(join(repoRoot, 'cache', file), join(root, 'cache', file));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The value at `path` of the object `Kind/name` (a ConfigMap by its name before the hash): dotted steps, or
 * `[key]` for a key with dots; a step into an array is an index or the `name` of an element.
 */
// biome-ignore lint/suspicious/noExplicitAny: rendered YAML; the tests compare what they read.
export function at(objects: K8sObject[], ref: string, path = ''): any {
  const [kind = '', name = ''] = ref.split('/');
  const object = kind === 'ConfigMap' ? findGenerated(objects, kind, name) : find(objects, kind, name);
  const keys = [...path.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)].map((m) => m[1] ?? m[2] ?? '');
  const step = (value: K8sObject, key: string) =>
    Array.isArray(value) && !(key in value) ? value.find((e) => e.name === key) : value?.[key];
  return keys.reduce(step, object);
}

/** A deep copy of `object` with the value at a dotted path (`spec.endpoints.0.port`) set, or deleted. */
export function doctor<T extends object>(object: T, path: string, value: unknown): T {
  const copy = structuredClone(object);
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce((o: K8sObject, key) => o[key], copy as K8sObject);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}
