export { bigQueryError, type ErrorReason, StubError } from './errors.js';
export * from './handlers/carto-tileset.js';
export * from './handlers/geojson-table.js';
export * from './handlers/stable-copy.js';
export { constantSelectHandler, type QueryHandler, type QueryRequest, type QueryResult } from './jobs.js';
export type { StubField, StubModel, StubRow, StubTable, TableReference } from './model.js';
export * from './server.js';
export { type ParsedSelect, selects } from './sql.js';
