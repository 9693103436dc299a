import type { FieldSchema, WireRow } from '@tilestack/bigquery';

/**
 * BigQuery's wire rows (`{ f: [{ v }] }`, every scalar a string) as JSON-safe values, losslessly and
 * without the client's wrapper objects; the type table is in this folder's README ("GeoJSON values").
 * Queries must ask for `formatOptions.useInt64Timestamp` so TIMESTAMPs arrive as microseconds.
 */
export function decodeRows(fields: FieldSchema[], rows: WireRow[]): Record<string, unknown>[] {
  return rows.map((row) => decodeRecord(fields, row));
}

function decodeRecord(fields: FieldSchema[], row: WireRow): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  fields.forEach((field, i) => {
    record[field.name] = decodeCell(field, row.f[i]?.v);
  });
  return record;
}

function decodeCell(field: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return field.mode === 'REPEATED' ? [] : null;
  if (field.mode === 'REPEATED') {
    return (value as { v: unknown }[]).map((item) => decodeScalar(field, item.v));
  }
  return decodeScalar(field, value);
}

function decodeScalar(field: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'RECORD':
    case 'STRUCT':
      return decodeRecord(field.fields ?? [], value as WireRow);
    case 'INTEGER':
    case 'INT64':
      return decodeInteger(String(value));
    case 'FLOAT':
    case 'FLOAT64': {
      const number = Number(value);
      return Number.isFinite(number) ? number : String(value);
    }
    case 'BOOLEAN':
    case 'BOOL':
      return String(value).toLowerCase() === 'true';
    case 'TIMESTAMP':
      return microsToIso(String(value));
    case 'JSON':
      return JSON.parse(String(value));
    default:
      return String(value);
  }
}

function decodeInteger(text: string): number | string {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

/** Integer microseconds since the epoch → ISO 8601 with all six fractional digits kept. */
export function microsToIso(micros: string): string {
  const value = BigInt(micros);
  const millis = value / 1000n - (value % 1000n < 0n ? 1n : 0n);
  const subMillis = Number(value - millis * 1000n);
  const iso = new Date(Number(millis)).toISOString();
  return `${iso.slice(0, -1)}${String(subMillis).padStart(3, '0')}Z`;
}

/** A BYTES cell as bytes (the wire carries base64). */
export function bytesValue(value: unknown): Buffer | null {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : null;
}
