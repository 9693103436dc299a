export type { CopyConfiguration } from './copy.js';
export { bigQueryError, type ErrorReason, StubError } from './errors.js';
export type { Fault } from './faults.js';
export { cartoExtractHandler } from './handlers/carto-extract.js';
export {
  addCartoTileset,
  type CartoTileRow,
  cartoTilesetHandler,
  cartoTilesetSchema,
  type NewCartoTileset,
} from './handlers/carto-tileset.js';
export { constantSelectHandler } from './handlers/constant-select.js';
export { createTableAsHandler } from './handlers/create-table-as.js';
export { geoJsonTableHandler } from './handlers/geojson-table.js';
export { contentFingerprint, tableFingerprintHandler } from './handlers/table-fingerprint.js';
export type { StubJob } from './jobs.js';
export type { NewDataset, NewTable, StubDataset, StubModel, StubTable, TableReference } from './model.js';
export { type Route, routes } from './routes.js';
export { BigQueryStub, type StubOptions, startBigQueryStub } from './server.js';
export { type ParsedSelect, parseSelect, selects } from './sql.js';
export type {
  QueryHandler,
  QueryRequest,
  QueryResult,
  RecordedRequest,
  StubField,
  StubRow,
} from './types.js';
export { billedBytes, geoJsonToWkt } from './wire.js';
