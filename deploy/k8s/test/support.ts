import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Environment, type K8sObject, render, repoRoot } from '../src/render.js';

const rendered = new Map<Environment, K8sObject[]>();

/** `kubectl kustomize deploy/k8s/overlays/<env>`, once per test file and environment. */
export function renderOnce(env: Environment): K8sObject[] {
  let objects = rendered.get(env);
  if (!objects) {
    objects = render(env);
    rendered.set(env, objects);
  }
  return structuredClone(objects);
}

/**
 * A throw-away copy of what the overlays read (deploy/k8s and cache/'s kustomization + VCL), laid out as in
 * the repository, for tests that edit files the way a developer or CD would.
 */
export function scratchRepo(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'tilestack-k8s-'));
  for (const dir of ['base', 'components', 'overlays']) {
    cpSync(join(repoRoot, 'deploy/k8s', dir), join(root, 'deploy/k8s', dir), { recursive: true });
  }
  for (const file of ['kustomization.yaml', 'default.vcl']) {
    cpSync(join(repoRoot, 'cache', file), join(root, 'cache', file));
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A deep copy of one object, to doctor in negative tests. */
export function doctor<T extends K8sObject>(object: T, change: (copy: T) => void): T {
  const copy = structuredClone(object);
  change(copy);
  return copy;
}
