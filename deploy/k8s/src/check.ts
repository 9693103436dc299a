import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { find, type K8sObject } from './manifest.js';
import { checkApiIsPrivate, checkContainers, checkImages } from './policy.js';
import { environments, parseManifests, render } from './render.js';
import { validateAll } from './schema.js';

/**
 * The deploy-time gate, the same checks as the tests: schemas, container security, digests, API privacy.
 *
 *   node --import tsx deploy/k8s/src/check.ts prod                         # renders the overlay itself
 *   node --import tsx deploy/k8s/src/check.ts --require-real-digest out.yaml  # CD: what it will apply
 */
export function check(objects: K8sObject[], options: { requireRealDigest?: boolean } = {}): string[] {
  const apiPodLabels = find(objects, 'Deployment', 'tilestack-api').spec.template.metadata.labels;
  return [
    ...validateAll(objects),
    ...checkContainers(objects),
    ...checkImages(objects, options),
    ...checkApiIsPrivate(objects, apiPodLabels),
  ];
}

function main(args: string[]): number {
  const requireRealDigest = args.includes('--require-real-digest');
  const input = args.filter((a) => !a.startsWith('--'));
  if (input.length !== 1) {
    console.error(`usage: check.ts [--require-real-digest] <${environments.join('|')}|rendered.yaml|->`);
    return 2;
  }
  const source = input[0] as string;
  const objects = (environments as readonly string[]).includes(source)
    ? render(source as (typeof environments)[number])
    : parseManifests(readFileSync(source === '-' ? 0 : source, 'utf8'));
  const problems = check(objects, { requireRealDigest });
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.log(`${objects.length} objects checked, ${problems.length} problem(s)`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
