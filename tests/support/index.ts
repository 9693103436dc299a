export {
  API_SERVER,
  type ApiProcess,
  freePort,
  ManagedProcess,
  type Stack,
  startApi,
  startStack,
  startVarnish,
  type Varnish,
  waitForHttp,
} from '@tilestack/cache';
export {
  addTestTileset,
  BILLING_PROJECT,
  boxTiles,
  TEST_PARTITIONS,
  TILESET_DATASET,
  tileBytes,
} from './bigquery.js';
export { HOSTILE_IDS } from './hostile-ids.js';
export { httpGet, type RawResponse, rawHttp } from './http.js';
export { decodeTile } from './mvt.js';
export { storedTiles, type TileCoord, tileRequests } from './tiles.js';
