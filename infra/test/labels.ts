import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Which argument of a resource type carries its labels, read from @pulumi/gcp's own type
// declarations, so "every resource that takes labels has them" needs no hand-kept list.
const gcpRoot = dirname(createRequire(import.meta.url).resolve('@pulumi/gcp/package.json'));
const cache = new Map<string, string | undefined>();

/** `userLabels`, `resourceLabels`, `labels` or undefined for a token like `gcp:container/cluster:Cluster`. */
export function labelProperty(type: string): string | undefined {
  if (cache.has(type)) return cache.get(type);
  const [pkg, path = '', className = ''] = type.split(':');
  const [module = '', file = ''] = path.split('/');
  let property: string | undefined;
  if (pkg === 'gcp') {
    const dir = join(gcpRoot, module);
    const declaration = readdirSync(dir).find((f) => f.toLowerCase() === `${file.toLowerCase()}.d.ts`);
    if (!declaration) throw new Error(`no declaration for ${type}`);
    const text = readFileSync(join(dir, declaration), 'utf8');
    const start = text.indexOf(`export interface ${className}Args {`);
    const body = start < 0 ? '' : text.slice(start, text.indexOf('\n}', start));
    // userLabels first: on notification channels, `labels` is the channel's settings.
    property = ['userLabels', 'resourceLabels', 'labels'].find((p) =>
      new RegExp(`^\\s+${p}\\?:`, 'm').test(body),
    );
  }
  cache.set(type, property);
  return property;
}
