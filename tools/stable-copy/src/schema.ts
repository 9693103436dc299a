import { createHash } from 'node:crypto';
import type { FieldSchema } from './bigquery.js';

/** Legacy and standard SQL spell some types differently; the REST API returns either. */
const typeAliases: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};

function canonical(fields: FieldSchema[] = []): unknown[] {
  return fields.map((f) => [
    f.name,
    typeAliases[f.type] ?? f.type,
    f.mode ?? 'NULLABLE',
    ...(f.fields ? [canonical(f.fields)] : []),
  ]);
}

/**
 * A short hash of a table schema: column names, types, modes and nesting, in order. Descriptions
 * and policy tags are left out: they do not change what a reader gets. 16 hex characters fit a
 * label value and are plenty to tell versions apart.
 */
export function schemaFingerprint(fields: FieldSchema[] | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(fields)))
    .digest('hex')
    .slice(0, 16);
}
