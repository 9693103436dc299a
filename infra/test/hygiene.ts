import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Registered, Run } from './harness.js';

// Which argument of a resource type carries its labels, read from @pulumi/gcp's own declarations, so
// "every resource that takes labels has them" needs no hand-kept list.
const gcpRoot = dirname(createRequire(import.meta.url).resolve('@pulumi/gcp/package.json'));
const cache = new Map<string, string | undefined>();

/** `userLabels`, `resourceLabels`, `labels` or undefined for a token like `gcp:container/cluster:Cluster`. */
export function labelProperty(type: string): string | undefined {
  const [pkg, path = '', className = ''] = type.split(':');
  if (pkg !== 'gcp' || cache.has(type)) return cache.get(type);
  const [module = '', file = ''] = path.split('/');
  const declaration = readdirSync(join(gcpRoot, module)).find(
    (f) => f.toLowerCase() === `${file.toLowerCase()}.d.ts`,
  );
  if (!declaration) throw new Error(`no declaration for ${type}`);
  const text = readFileSync(join(gcpRoot, module, declaration), 'utf8');
  const start = text.indexOf(`export interface ${className}Args {`);
  const body = start < 0 ? '' : text.slice(start, text.indexOf('\n}', start));
  // userLabels first: on notification channels, `labels` is the channel's settings.
  const property = ['userLabels', 'resourceLabels', 'labels'].find((p) =>
    new RegExp(`^\\s+${p}\\?:`, 'm').test(body),
  );
  cache.set(type, property);
  return property;
}

// Keys by type, or a private key among the inputs.
const longLived = (r: Registered) =>
  /^gcp:(serviceaccount\/key|storage\/hmacKey|apikeys\/key):/.test(r.type) ||
  /privateKey/i.test(JSON.stringify(r.inputs));

/** What no stack may hold: a labellable resource without the stack's labels, a long-lived credential. */
export function violations(run: Run) {
  const labels = { app: 'tilestack', environment: run.stack, 'managed-by': 'pulumi' };
  const labellable = run.resources.filter((r) => labelProperty(r.type));
  const unlabelled = labellable.filter(
    (r) => !isDeepStrictEqual(r.inputs[labelProperty(r.type) ?? ''], labels),
  );
  return {
    labelled: labellable.length,
    problems: [
      ...unlabelled.map((r) => `unlabelled ${r.type} ${r.name}`),
      ...run.resources.filter(longLived).map((r) => `credential ${r.type} ${r.name}`),
    ],
  };
}
