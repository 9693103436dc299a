export { type ClientOptions, createClient, isPlainHttp } from './client.js';
export { Deadline } from './deadline.js';
export { BigQueryError, type BigQueryErrorKind, RETRY_AFTER_SECONDS, toBigQueryError } from './errors.js';
export * from './identifiers.js';
export * from './metadata.js';
export * from './partition.js';
export { type PageConsumer, type ParameterValue, type Query, type ResultPage, runQuery } from './query.js';
export { BigQueryRest, newJobId, type Progress, tableReference } from './rest.js';
export * from './types.js';
