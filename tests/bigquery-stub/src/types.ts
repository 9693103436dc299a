import type { StubModel } from './model.js';
import type { ParsedSelect } from './sql.js';

/** A column as BigQuery describes it (`TableFieldSchema`); RECORD columns nest `fields`. */
export interface StubField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: StubField[];
  description?: string;
}

/**
 * A row as tests write it: plain JavaScript values keyed by column name. The stub encodes them
 * to the wire format (`{ f: [{ v }] }`) using the schema: numbers/bigints/strings for INT64,
 * `Buffer` for BYTES, `Date`/ISO strings/epoch-ms numbers for TIMESTAMP, GeoJSON geometry
 * objects for GEOGRAPHY, nested objects for RECORD, arrays for REPEATED.
 */
export type StubRow = Record<string, unknown>;

/** What a query handler answers for a query it recognises. */
export interface QueryResult {
  /** Result columns. */
  schema: StubField[];
  rows: StubRow[];
  /** Bytes the query reads; billing rounds it like BigQuery (≥ 10 MiB, whole MiB). Default 0. */
  bytesProcessed?: number;
  /** Simulated execution time: `jobComplete` stays false until it has passed. Default 0. */
  runMs?: number;
}

/** The query a handler gets: SQL text, its parsed form, decoded named parameters and the raw request body. */
export interface QueryRequest {
  query: string;
  /** The statement as BigQuery's grammar parsed it (see `sql.ts`); undefined for anything but a simple SELECT. */
  select?: ParsedSelect;
  /** Named parameters decoded to JavaScript (INT64 → number, or bigint beyond 2^53; ARRAY → array). */
  params: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: the raw JSON body, for assertions on any field
  body: any;
  model: StubModel;
}

/**
 * Answers the queries it recognises and returns `undefined` for the others; the first handler
 * with an answer wins. Throw a `StubError` (see `errors.ts`) to answer with a BigQuery error.
 */
export type QueryHandler = (request: QueryRequest) => QueryResult | undefined;

/** One HTTP request as the stub received it. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query string, e.g. `/bigquery/v2/projects/p/queries`. */
  path: string;
  /** Name of the matched route (`jobs.query`, `tables.get`, …) or null when no route matched. */
  route: string | null;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON body (undefined when the request had none)
  body: any;
  receivedAt: number;
}
