import type { StubField, StubRow } from './types.js';

/** A cell on the wire: `{ v }` where v is a string, null, a nested row or an array of cells. */
export interface WireCell {
  v: WireValue;
}
export type WireValue = string | null | WireRow | WireCell[];
export interface WireRow {
  f: WireCell[];
}

export interface EncodeOptions {
  /** `formatOptions.useInt64Timestamp`: TIMESTAMP as integer microseconds instead of float seconds. */
  int64Timestamps: boolean;
}

/** Encodes rows the way BigQuery sends them: every scalar a string, BYTES base64, RECORD as `{ f }`. */
export function encodeRows(schema: StubField[], rows: StubRow[], options: EncodeOptions): WireRow[] {
  return rows.map((row) => encodeRow(schema, row, options));
}

function encodeRow(fields: StubField[], row: StubRow, options: EncodeOptions): WireRow {
  return { f: fields.map((field) => ({ v: encodeCell(field, row[field.name], options) })) };
}

function encodeCell(field: StubField, value: unknown, options: EncodeOptions): WireValue {
  if (value === null || value === undefined) return field.mode === 'REPEATED' ? [] : null;
  if (field.mode === 'REPEATED') {
    if (!Array.isArray(value)) throw new TypeError(`column ${field.name} is REPEATED: give an array`);
    return value.map((item) => ({ v: encodeScalar(field, item, options) }));
  }
  return encodeScalar(field, value, options);
}

function encodeScalar(field: StubField, value: unknown, options: EncodeOptions): string | WireRow | null {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'RECORD':
    case 'STRUCT':
      return encodeRow(field.fields ?? [], value as StubRow, options);
    case 'BYTES':
      return Buffer.isBuffer(value) || value instanceof Uint8Array
        ? Buffer.from(value).toString('base64')
        : String(value);
    case 'BOOL':
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'TIMESTAMP': {
      const micros = timestampMicros(value);
      return options.int64Timestamps ? micros.toString() : (Number(micros) / 1e6).toString();
    }
    case 'GEOGRAPHY':
      return typeof value === 'string' ? value : geoJsonToWkt(value as GeoJsonGeometry);
    case 'JSON':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return String(value);
  }
}

/** Microseconds since the epoch from a Date, epoch milliseconds, or an ISO string (microseconds kept). */
export function timestampMicros(value: unknown): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
  if (typeof value === 'number') return BigInt(Math.round(value * 1000));
  if (typeof value === 'bigint') return value;
  const text = String(value);
  const fraction = /\.(\d{1,6})(?=Z|[+-]\d\d:?\d\d$)/.exec(text)?.[1] ?? '';
  const wholeSeconds = Date.parse(text.replace(/\.\d+/, ''));
  if (Number.isNaN(wholeSeconds)) throw new TypeError(`not a timestamp: ${text}`);
  return BigInt(wholeSeconds) * 1000n + BigInt(fraction.padEnd(6, '0') || '0');
}

interface GeoJsonGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: GeoJsonGeometry[];
}

/** Well-known text for a GeoJSON geometry, as BigQuery returns GEOGRAPHY columns. */
export function geoJsonToWkt(geometry: GeoJsonGeometry): string {
  const point = (c: unknown) => (c as number[]).join(' ');
  const line = (c: unknown) => `(${(c as unknown[]).map(point).join(', ')})`;
  const polygon = (c: unknown) => `(${(c as unknown[]).map(line).join(', ')})`;
  const c = geometry.coordinates;
  switch (geometry.type) {
    case 'Point':
      return `POINT(${point(c)})`;
    case 'MultiPoint':
      return `MULTIPOINT(${(c as unknown[]).map((p) => `(${point(p)})`).join(', ')})`;
    case 'LineString':
      return `LINESTRING${line(c)}`;
    case 'MultiLineString':
      return `MULTILINESTRING(${(c as unknown[]).map(line).join(', ')})`;
    case 'Polygon':
      return `POLYGON${polygon(c)}`;
    case 'MultiPolygon':
      return `MULTIPOLYGON(${(c as unknown[]).map(polygon).join(', ')})`;
    case 'GeometryCollection':
      return `GEOMETRYCOLLECTION(${(geometry.geometries ?? []).map(geoJsonToWkt).join(', ')})`;
    default:
      throw new TypeError(`not a GeoJSON geometry type: ${geometry.type}`);
  }
}

const fixedWidth: Record<string, number> = {
  INT64: 8,
  INTEGER: 8,
  FLOAT64: 8,
  FLOAT: 8,
  TIMESTAMP: 8,
  DATE: 8,
  DATETIME: 8,
  TIME: 8,
  BOOL: 1,
  BOOLEAN: 1,
  NUMERIC: 16,
  BIGNUMERIC: 32,
};

/** Roughly what BigQuery's columnar storage bills for reading these columns of these rows. */
export function estimateRowsBytes(schema: StubField[], rows: StubRow[]): number {
  let total = 0;
  for (const row of rows) for (const field of schema) total += estimateCellBytes(field, row[field.name]);
  return total;
}

function estimateCellBytes(field: StubField, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (field.mode === 'REPEATED' && Array.isArray(value)) {
    return value.reduce(
      (sum: number, item) => sum + estimateCellBytes({ ...field, mode: 'NULLABLE' }, item),
      0,
    );
  }
  const width = fixedWidth[field.type];
  if (width !== undefined) return width;
  if (field.type === 'RECORD' || field.type === 'STRUCT') {
    return estimateRowsBytes(field.fields ?? [], [value as StubRow]);
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return 2 + value.byteLength;
  if (typeof value === 'string') return 2 + Buffer.byteLength(value);
  return 2 + Buffer.byteLength(JSON.stringify(value));
}

/** BigQuery's billing: nothing for a free query, else at least 10 MiB, rounded up to a whole MiB. */
export function billedBytes(bytesProcessed: number): number {
  const mib = 1024 * 1024;
  if (bytesProcessed <= 0) return 0;
  return Math.max(10 * mib, Math.ceil(bytesProcessed / mib) * mib);
}
