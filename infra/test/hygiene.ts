import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Run } from './harness.js';

// Which argument of a resource type carries its labels, read from @pulumi/gcp's own declarations, so
// "every resource that takes labels has them" needs no hand-kept list.
const gcpRoot = dirname(createRequire(import.meta.url).resolve('@pulumi/gcp/package.json'));

/** `userLabels`, `resourceLabels`, `labels` or undefined for a token like `gcp:container/cluster:Cluster`. */
export function labelProperty(type: string): string | undefined {
  const [pkg, module = '', file = '', className] = type.split(/[:/]/);
  if (pkg !== 'gcp') return undefined;
  const dir = join(gcpRoot, module);
  const declaration = readdirSync(dir).find((f) => f.toLowerCase() === `${file.toLowerCase()}.d.ts`);
  const text = declaration ? readFileSync(join(dir, declaration), 'utf8') : '';
  const start = text.indexOf(`export interface ${className}Args {`);
  const body = start < 0 ? '' : text.slice(start, text.indexOf('\n}', start));
  // userLabels first: on notification channels, `labels` is the channel's settings.
  return ['userLabels', 'resourceLabels', 'labels'].find((p) => new RegExp(`^\\s+${p}\\?:`, 'm').test(body));
}

/** What no stack may hold: a labellable resource without the stack's labels, a long-lived credential. */
export function violations(run: Run) {
  const labels = { app: 'tilestack', environment: run.stack, 'managed-by': 'pulumi' };
  const labellable = run.resources.filter((r) => labelProperty(r.type));
  const unlabelled = labellable.filter(
    (r) => !isDeepStrictEqual(r.inputs[labelProperty(r.type) ?? ''], labels),
  );
  const credentials = run.resources.filter(
    (r) =>
      /^gcp:(serviceaccount\/key|storage\/hmacKey|apikeys\/key):/.test(r.type) ||
      /privateKey/i.test(JSON.stringify(r.inputs)),
  );
  return {
    labelled: labellable.length,
    problems: [...unlabelled, ...credentials].map((r) => `${r.type} ${r.name}`),
  };
}
