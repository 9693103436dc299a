import type { StubField } from '@tilestack/bigquery-stub';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type StubbedBigQuery, startStubbedBigQuery } from '../../support/bigquery.js';

const STORES = 'carto-demo-data.demo_tables.retail_stores';
let bq: StubbedBigQuery;

// Every type's wire form is decoded in values.test.ts; these columns prove the decoding is wired in.
const schema: StubField[] = [
  { name: 'store_id', type: 'INTEGER' },
  { name: 'geom', type: 'GEOGRAPHY' },
  { name: 'opened_at', type: 'TIMESTAMP' },
  { name: 'logo', type: 'BYTES' },
  { name: 'big', type: 'INTEGER' },
];

const store = (id: number) => ({
  store_id: id,
  geom: { type: 'Point', coordinates: [-73.98 + id / 100, 40.75] },
  opened_at: '2021-03-04T05:06:07.123456Z',
  logo: Buffer.from([1, 2, 3]),
  big: 9007199254740993n,
});

const addStores = (count: number, tableId = 'retail_stores', fields = schema) =>
  bq.stub.model.addTable({
    projectId: 'carto-demo-data',
    datasetId: 'demo_tables',
    tableId,
    schema: fields,
    rows: Array.from({ length: count }, (_, i) => (tableId === 'shapes' ? { geom: null } : store(i + 1))),
  });
const read = (geomField = 'geom', maxBytes = 1e6, id = STORES) =>
  bq.source.getTable(id, { geomField, maxBytes });

beforeEach(async () => {
  bq = await startStubbedBigQuery();
});
afterEach(() => bq.close());

it('builds one feature per row, geometry from ST_ASGEOJSON, every other column a property', async () => {
  addStores(2);

  const collection = await read('GEOM'); // found case-insensitively, as BigQuery does

  expect(collection.type).toBe('FeatureCollection');
  expect(collection.features).toHaveLength(2);
  const { geom, ...properties } = store(1);
  expect(collection.features[0]).toEqual({
    type: 'Feature',
    geometry: geom,
    properties: { ...properties, logo: 'AQID', big: '9007199254740993' },
  });
  const [query] = bq.stub.requestsTo('jobs.query');
  expect(query?.body.query).toBe(
    'SELECT ST_ASGEOJSON(`geom`) AS `tilestack_geojson`, * EXCEPT (`geom`) FROM `carto-demo-data.demo_tables.retail_stores`',
  );
  expect(query?.body).toMatchObject({
    maximumBytesBilled: '52428800',
    jobCreationMode: 'JOB_CREATION_OPTIONAL',
  });
});

it('reads every page of a large result, without auto-pagination', async () => {
  addStores(7);
  bq.stub.maxPageRows = 3;

  const collection = await read();

  expect(collection.features.map((f) => f.properties?.store_id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  const pages = bq.stub.requestsTo('jobs.getQueryResults');
  expect(pages).toHaveLength(2);
  expect(pages.every((p) => p.query.pageToken && p.query.maxResults)).toBe(true);
});

it('stops reading with 413 as soon as the collection would exceed maxBytes', async () => {
  addStores(7);
  bq.stub.maxPageRows = 2;
  const oneFeature = JSON.stringify((await read()).features[0]);
  bq.stub.clearRequests();

  await expect(read('geom', 2 * oneFeature.length + 60)).rejects.toMatchObject({ statusCode: 413 });
  expect(bq.stub.requestsTo('jobs.getQueryResults')).toHaveLength(1);
});

it('answers 400 for an unknown or non-GEOGRAPHY column, before querying', async () => {
  addStores(1);

  for (const column of ['location', 'store_id'])
    await expect(read(column)).rejects.toMatchObject({ statusCode: 400 });
  expect(bq.stub.requestsTo('jobs.query')).toEqual([]);
});

it('keeps a NULL geometry as null and selects only the geometry of a one-column table', async () => {
  addStores(1, 'shapes', [{ name: 'geom', type: 'GEOGRAPHY' }]);
  expect((await read('geom', 1e6, 'carto-demo-data.demo_tables.shapes')).features).toEqual([
    { type: 'Feature', geometry: null, properties: {} },
  ]);
  expect(bq.stub.requestsTo('jobs.query')[0]?.body.query).not.toContain('EXCEPT');
});

it('answers 404 for a missing table', async () => {
  await expect(read('geom', 1e6, `${STORES}_missing`)).rejects.toMatchObject({ statusCode: 404 });
});
