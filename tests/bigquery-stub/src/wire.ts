import type { StubField, StubRow } from './model.js';

// BigQuery's wire format (https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/list):
// rows as `{ f: [{ v }] }`, every scalar a string, RECORD as nested `{ f }`, REPEATED as `[{ v }]`.
type WireValue = string | null | WireRow | { v: WireValue }[];
type WireRow = { f: { v: WireValue }[] };

/** `int64Timestamps` is `formatOptions.useInt64Timestamp`: TIMESTAMP as integer microseconds. */
export function encodeRow(fields: StubField[], row: StubRow, int64Timestamps: boolean): WireRow {
  const scalar = (field: StubField, value: unknown): WireValue => {
    if (value === null || value === undefined) return null;
    if (field.type === 'RECORD') return encodeRow(field.fields ?? [], value as StubRow, int64Timestamps);
    if (field.type === 'JSON') return typeof value === 'string' ? value : JSON.stringify(value);
    if (field.type === 'BYTES') return Buffer.from(value as Uint8Array).toString('base64');
    if (field.type !== 'TIMESTAMP') return String(value);
    const micros = timestampMicros(value as Date | string);
    return int64Timestamps ? micros.toString() : String(Number(micros) / 1e6);
  };
  const cell = (field: StubField, value: unknown): WireValue =>
    field.mode === 'REPEATED'
      ? ((value ?? []) as unknown[]).map((item) => ({ v: scalar(field, item) }))
      : scalar(field, value);
  return { f: fields.map((field) => ({ v: cell(field, row[field.name]) })) };
}

/** A `Date` or an ISO text, to the microsecond (Date.parse drops a fraction beyond milliseconds). */
function timestampMicros(value: Date | string): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1000n;
  const fraction = /\.(\d{1,6})(?=Z|[+-]\d\d:?\d\d$)/.exec(value)?.[1] ?? '';
  return BigInt(Date.parse(value.replace(/\.\d+/, ''))) * 1000n + BigInt(fraction.padEnd(6, '0'));
}

/** Roughly what BigQuery's columnar storage bills for reading these columns of these rows. */
export function estimateRowsBytes(schema: StubField[], rows: StubRow[]): number {
  const cell = ({ type, mode }: StubField, value: unknown): number => {
    const width = { BOOLEAN: 1, NUMERIC: 16 }[type] ?? (/^(INT|FLOAT|DATE|TIME)/.test(type) ? 8 : 0);
    if (value === null || value === undefined) return 0;
    if (width && mode !== 'REPEATED') return width;
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

// biome-ignore lint/suspicious/noExplicitAny: QueryParameterType and QueryParameterValue as sent
type Parameter = { name: string; parameterType: any; parameterValue: any };

/**
 * Named `queryParameters` (https://cloud.google.com/bigquery/docs/reference/rest/v2/QueryParameter) as
 * JavaScript values: INT64 → number, ARRAY → array, any other type as its string.
 */
export function decodeQueryParameters(parameters: Parameter[] = []): Record<string, unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const decode = (type: any, value: any): unknown =>
    type.type === 'ARRAY'
      ? (value.arrayValues ?? []).map((item: unknown) => decode(type.arrayType, item))
      : type.type === 'INT64'
        ? Number(value.value)
        : value.value;
  return Object.fromEntries(parameters.map((p) => [p.name, decode(p.parameterType, p.parameterValue)]));
}
