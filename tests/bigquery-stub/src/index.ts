export { bigQueryError, type ErrorReason, StubError } from './errors.js';
export {
  addCartoTileset,
  type CartoTileRow,
  cartoExtractHandler,
  cartoTilesetHandler,
  cartoTilesetSchema,
  type NewCartoTileset,
} from './handlers/carto-tileset.js';
export { geoJsonTableHandler } from './handlers/geojson-table.js';
export { createTableAsHandler, tableFingerprintHandler } from './handlers/stable-copy.js';
export { constantSelectHandler, type QueryHandler, type QueryRequest, type QueryResult } from './jobs.js';
export type { StubField, StubModel, StubRow, StubTable, TableReference } from './model.js';
export {
  BigQueryStub,
  type Fault,
  type RecordedRequest,
  type StubOptions,
  startBigQueryStub,
} from './server.js';
export { type ParsedSelect, selects } from './sql.js';
