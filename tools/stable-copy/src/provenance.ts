import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { FieldSchema, TableResource } from '@tilestack/bigquery';

const { version: toolVersion } = createRequire(import.meta.url)('../package.json');

/** Legacy and standard SQL spell some types differently; the REST API returns either. */
const aliases: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  RECORD: 'STRUCT',
};
const canonical = (fields: FieldSchema[] = []): unknown[] =>
  fields.map((f) => [
    f.name,
    aliases[f.type] ?? f.type,
    f.mode ?? 'NULLABLE',
    ...(f.fields ? [canonical(f.fields)] : []),
  ]);

/** Names, types, modes and nesting, in order, hashed to 16 hex characters (a label value). */
export const schemaFingerprint = (fields: FieldSchema[] | undefined): string =>
  createHash('sha256')
    .update(JSON.stringify(canonical(fields)))
    .digest('hex')
    .slice(0, 16);

/** The source version a table resource shows: what provenance must match to be "up to date". */
export const sourceVersion = (source: TableResource, sourceId: string) => ({
  sourceId,
  sourceLastModified: Number(source.lastModifiedTime ?? 0),
  rows: Number(source.numRows ?? 0),
  bytes: Number(source.numBytes ?? 0),
  schemaFingerprint: schemaFingerprint(source.schema?.fields),
});

/**
 * Where a published table came from. The full record lives in the table description (one JSON
 * line, exact ids and numbers); the same facts go into labels, shortened to BigQuery's label
 * rules, so they can be filtered on in the console and in INFORMATION_SCHEMA.
 */
export interface Provenance extends ReturnType<typeof sourceVersion> {
  copiedAt: number;
  toolVersion: string;
  verification: 'metadata' | 'full';
  /** `--verify full`'s `xor:sum` fingerprint. */
  contentFingerprint?: string;
  /** Set by `rollback`: the snapshot this version was restored from, and when. */
  restoredFrom?: string;
  restoredAt?: number;
}

const marker = 'stable-copy-provenance: ';

export const newProvenance = (
  version: ReturnType<typeof sourceVersion>,
  extra: Pick<Provenance, 'verification' | 'contentFingerprint'>,
): Provenance => ({ ...version, copiedAt: Date.now(), toolVersion, ...extra });

/** Label values: ≤ 63 chars of lowercase letters, digits, `_` and `-`. */
export const labelValue = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 63);

/**
 * The tables.patch body that records `p` on a table (labels merge; null removes one): `base`'s
 * description and labels (the source's) plus ours; labels of `current` that `base` lacks go.
 */
export function provenancePatch(p: Provenance, base: Partial<TableResource> = {}, current?: TableResource) {
  const ours = (k: string) => k.startsWith('stable-copy-');
  const stale = Object.keys(current?.labels ?? {}).filter((k) => !ours(k));
  const labels: Record<string, string | null> = {
    ...Object.fromEntries(stale.map((k) => [k, null])),
    ...Object.fromEntries(Object.entries(base.labels ?? {}).filter(([k]) => !ours(k))),
    'stable-copy-source': labelValue(p.sourceId),
    'stable-copy-source-modified': String(p.sourceLastModified),
    'stable-copy-rows': String(p.rows),
    'stable-copy-bytes': String(p.bytes),
    'stable-copy-schema': p.schemaFingerprint,
    'stable-copy-copied-at': String(p.copiedAt),
    'stable-copy-tool-version': labelValue(p.toolVersion),
    'stable-copy-verification': p.verification,
    'stable-copy-restored-from': p.restoredFrom ? labelValue(p.restoredFrom) : null,
    'stable-copy-restored-at': p.restoredAt ? String(p.restoredAt) : null,
    'stable-copy-pending': null,
  };
  // Keep what people wrote above our record; replace only our lines.
  const own = (base.description ?? '')
    .split('\n')
    .filter((l) => !l.startsWith(marker) && !l.startsWith('Stable copy of '))
    .join('\n')
    .trim();
  const summary = p.restoredFrom
    ? `Stable copy of ${p.sourceId}, restored from snapshot ${p.restoredFrom} by stable-copy ${p.toolVersion}.`
    : `Stable copy of ${p.sourceId} (source modified ${new Date(p.sourceLastModified).toISOString()}), verified (${p.verification}) and published by stable-copy ${p.toolVersion}.`;
  return { labels, description: [own, summary, `${marker}${JSON.stringify(p)}`].filter(Boolean).join('\n') };
}

export function readProvenance(table: TableResource | undefined): Provenance | undefined {
  const line = table?.description?.split('\n').find((l) => l.startsWith(marker));
  try {
    return line ? JSON.parse(line.slice(marker.length)) : undefined;
  } catch {
    return undefined;
  }
}

export const isSameVersion = (published: Provenance | undefined, current: ReturnType<typeof sourceVersion>) =>
  (['sourceId', 'sourceLastModified', 'rows', 'schemaFingerprint'] as const).every(
    (k) => published?.[k] === current[k],
  );
