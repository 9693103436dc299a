import type { StubField, StubRow } from './model.js';

// BigQuery's wire format (https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/list):
// rows as `{ f: [{ v }] }`, every scalar a string, RECORD as nested `{ f }`, REPEATED as `[{ v }]`.
type WireValue = string | null | WireRow | { v: WireValue }[];
type WireRow = { f: { v: WireValue }[] };

/** `int64Timestamps` is `formatOptions.useInt64Timestamp`: TIMESTAMP as integer microseconds. */
export function encodeRow(fields: StubField[], row: StubRow, int64Timestamps: boolean): WireRow {
  const cell = (field: StubField, value: unknown): WireValue => {
    if (value === null || value === undefined) return field.mode === 'REPEATED' ? [] : null;
    if (field.mode !== 'REPEATED') return encodeScalar(field, value, int64Timestamps);
    if (!Array.isArray(value)) throw new TypeError(`column ${field.name} is REPEATED: give an array`);
    return value.map((item) => ({ v: encodeScalar(field, item, int64Timestamps) }));
  };
  return { f: fields.map((field) => ({ v: cell(field, row[field.name]) })) };
}

type Encode = (value: unknown, int64Timestamps: boolean, field: StubField) => string | WireRow;
const text: Encode = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
const record: Encode = (v, int64, field) => encodeRow(field.fields ?? [], v as StubRow, int64);
const bool: Encode = (v) => String(Boolean(v));
const encoders: Record<string, Encode> = {
  RECORD: record,
  STRUCT: record,
  BOOL: bool,
  BOOLEAN: bool,
  JSON: text,
  BYTES: (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : String(v)),
  TIMESTAMP: (v, int64) => (int64 ? timestampMicros(v).toString() : String(Number(timestampMicros(v)) / 1e6)),
  GEOGRAPHY: (v) => (typeof v === 'string' ? v : geoJsonToWkt(v as Geometry)),
};

function encodeScalar(field: StubField, value: unknown, int64Timestamps: boolean): string | WireRow | null {
  if (value === null || value === undefined) return null;
  return (encoders[field.type] ?? String)(value, int64Timestamps, field);
}

function timestampMicros(value: unknown): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
  if (typeof value === 'number') return BigInt(Math.round(value * 1000));
  if (typeof value === 'bigint') return value;
  const text = String(value);
  const fraction = /\.(\d{1,6})(?=Z|[+-]\d\d:?\d\d$)/.exec(text)?.[1] ?? '';
  const wholeSeconds = Date.parse(text.replace(/\.\d+/, ''));
  if (Number.isNaN(wholeSeconds)) throw new TypeError(`not a timestamp: ${text}`);
  return BigInt(wholeSeconds) * 1000n + BigInt(fraction.padEnd(6, '0'));
}

type Geometry = { type: string; coordinates?: unknown; geometries?: Geometry[] };

/** Well-known text for a GeoJSON geometry, as BigQuery returns GEOGRAPHY columns. */
function geoJsonToWkt({ type, coordinates: c, geometries }: Geometry): string {
  const point = (p: unknown) => (p as number[]).join(' ');
  const line = (l: unknown) => `(${(l as unknown[]).map(point).join(', ')})`;
  const polygon = (p: unknown) => `(${(p as unknown[]).map(line).join(', ')})`;
  const many = (each: (part: unknown) => string) => `(${(c as unknown[]).map(each).join(', ')})`;
  const text: Record<string, () => string> = {
    Point: () => `(${point(c)})`,
    MultiPoint: () => many((p) => `(${point(p)})`),
    LineString: () => line(c),
    MultiLineString: () => many(line),
    Polygon: () => polygon(c),
    MultiPolygon: () => many(polygon),
    GeometryCollection: () => `(${(geometries ?? []).map(geoJsonToWkt).join(', ')})`,
  };
  const body = text[type];
  if (!body) throw new TypeError(`not a GeoJSON geometry type: ${type}`);
  return `${type.toUpperCase()}${body()}`;
}

const fixedWidth = (type: string): number | undefined =>
  ({ BOOL: 1, BOOLEAN: 1, NUMERIC: 16, BIGNUMERIC: 32 })[type] ??
  (/^(INT|FLOAT|DATE|TIME)/.test(type) ? 8 : undefined);

/** Roughly what BigQuery's columnar storage bills for reading these columns of these rows. */
export function estimateRowsBytes(schema: StubField[], rows: StubRow[]): number {
  const cell = (field: StubField, value: unknown): number => {
    if (value === null || value === undefined) return 0;
    if (field.mode === 'REPEATED' && Array.isArray(value))
      return value.reduce((sum: number, item) => sum + cell({ ...field, mode: 'NULLABLE' }, item), 0);
    if (field.type === 'RECORD' || field.type === 'STRUCT')
      return estimateRowsBytes(field.fields ?? [], [value as StubRow]);
    const width = fixedWidth(field.type);
    if (width !== undefined) return width;
    if (value instanceof Uint8Array) return 2 + value.byteLength;
    return 2 + Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
  };
  return rows.reduce((total, row) => total + schema.reduce((sum, f) => sum + cell(f, row[f.name]), 0), 0);
}

/** BigQuery's billing: nothing for a free query, else at least 10 MiB, rounded up to a whole MiB. */
export function billedBytes(bytesProcessed: number): number {
  const mib = 1024 * 1024;
  return bytesProcessed <= 0 ? 0 : Math.max(10 * mib, Math.ceil(bytesProcessed / mib) * mib);
}

/**
 * `queryParameters` (https://cloud.google.com/bigquery/docs/reference/rest/v2/QueryParameter) as JavaScript
 * values by name (positional ones by index): INT64 → number, or bigint beyond 2^53; ARRAY → array.
 */
export function decodeQueryParameters(parameters: unknown): Record<string, unknown> {
  if (!Array.isArray(parameters)) return {};
  return Object.fromEntries(
    parameters.map((p, i) => [p.name ?? String(i), decodeValue(p.parameterType, p.parameterValue)]),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: QueryParameterType and QueryParameterValue as sent
function decodeValue(type: any, value: any): unknown {
  if (!value) return null;
  if (type.type === 'ARRAY')
    return (value.arrayValues ?? []).map((v: unknown) =>
      decodeValue(type.arrayType ?? { type: 'STRING' }, v),
    );
  if (type.type === 'STRUCT') {
    const fields: { name: string; type: unknown }[] = type.structTypes ?? [];
    return Object.fromEntries(fields.map((f) => [f.name, decodeValue(f.type, value.structValues?.[f.name])]));
  }
  const raw = value.value;
  if (raw === null || raw === undefined) return null;
  if (type.type === 'INT64') {
    const big = BigInt(raw);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  }
  if (type.type === 'FLOAT64') return Number(raw);
  if (type.type === 'BOOL') return raw.toLowerCase() === 'true';
  return type.type === 'BYTES' ? Buffer.from(raw, 'base64') : raw;
}
