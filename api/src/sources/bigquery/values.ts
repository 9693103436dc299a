import type { FieldSchema, WireRow } from '@tilestack/bigquery';

/**
 * BigQuery's wire rows (`{ f: [{ v }] }`, every scalar a string) as JSON-safe values, losslessly and
 * without the client's wrapper objects; the type table is in this folder's README ("GeoJSON values").
 * Queries must ask for `formatOptions.useInt64Timestamp` so TIMESTAMPs arrive as microseconds.
 */
export function decodeRows(fields: FieldSchema[], rows: WireRow[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(fields.map((field, i) => [field.name, decodeCell(field, row.f[i]?.v)])),
  );
}

function decodeCell(field: FieldSchema, value: unknown): unknown {
  if (field.mode !== 'REPEATED') return decodeScalar(field, value);
  return ((value ?? []) as { v: unknown }[]).map((item) => decodeScalar(field, item.v));
}

function decodeScalar(field: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (field.type) {
    case 'RECORD':
    case 'STRUCT':
      return decodeRows(field.fields ?? [], [value as WireRow])[0];
    case 'INTEGER':
    case 'INT64':
      return Number.isSafeInteger(Number(text)) ? Number(text) : text;
    case 'FLOAT':
    case 'FLOAT64':
      return Number.isFinite(Number(text)) ? Number(text) : text;
    case 'BOOLEAN':
    case 'BOOL':
      return text.toLowerCase() === 'true';
    case 'TIMESTAMP':
      return microsToIso(text);
    case 'JSON':
      return JSON.parse(text);
    default:
      return text;
  }
}

/** Integer microseconds since the epoch → ISO 8601 with all six fractional digits kept. */
export function microsToIso(micros: string): string {
  const value = BigInt(micros);
  const millis = value / 1000n - (value % 1000n < 0n ? 1n : 0n);
  const subMillis = Number(value - millis * 1000n);
  return `${new Date(Number(millis)).toISOString().slice(0, -1)}${String(subMillis).padStart(3, '0')}Z`;
}

/** A BYTES cell as bytes (the wire carries base64). */
export function bytesValue(value: unknown): Buffer | null {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : null;
}
