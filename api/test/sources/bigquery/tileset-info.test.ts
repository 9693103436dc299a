import { addTestTileset, TILESET_DATASET } from '@tilestack/test-support';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type StubbedBigQuery, startStubbedBigQuery } from '../../support/bigquery.js';

let bq: StubbedBigQuery;
const [projectId, datasetId] = TILESET_DATASET.split('.') as [string, string];
const table = (tableId: string) => bq.stub.model.getTable({ projectId, datasetId, tableId });

beforeEach(async () => {
  bq = await startStubbedBigQuery();
});
afterEach(() => bq.close());

it('maps CARTO metadata to TileJSON facts, versioned by the table last-modified time', async () => {
  const id = addTestTileset(bq.stub, { tableId: 'buildings' });
  expect(await bq.source.getTileset(id)).toEqual({
    id,
    name: 'buildings',
    minzoom: 0,
    maxzoom: 6,
    bounds: [-123.75, 21.94, -67.5, 55.78],
    center: [-95.6, 38.8, 3],
    vector_layers: [{ id: 'default', minzoom: 0, maxzoom: 6, fields: { height: 'Number', kind: 'String' } }],
    version: String(table('buildings')?.lastModifiedTime),
  });
  // The metadata row, read with a query that prunes to the NULL partition.
  const [metadataQuery] = bq.stub.requestsTo('jobs.query');
  expect(metadataQuery?.body).toMatchObject({
    query:
      'SELECT data FROM `carto-demo-data.demo_tilesets.buildings` WHERE z = -1 AND carto_partition IS NULL LIMIT 1',
    labels: { app: 'tilestack', kind: 'tileset' },
  });
  expect(metadataQuery?.body.queryParameters).toBeUndefined();
});

it('accepts metadata stored as STRING', async () => {
  const id = addTestTileset(bq.stub, {
    tableId: 'as_text',
    metadataAs: 'STRING',
    metadata: { center: [1, 2, 5] },
  });
  expect((await bq.source.getTileset(id)).center).toEqual([1, 2, 5]);
});

it('serves a new version after the table changes, once the metadata TTL has passed', async () => {
  await bq.close();
  bq = await startStubbedBigQuery({ METADATA_TTL_SECONDS: '0' });
  const id = addTestTileset(bq.stub, { tableId: 'buildings' });
  const before = await bq.source.getTileset(id);

  bq.stub.model.updateTable({ projectId, datasetId, tableId: 'buildings' }, {});

  expect((await bq.source.getTileset(id)).version).not.toBe(before.version);
});

it('answers 404 for a table that is not a tileset, or a tileset without metadata row', async () => {
  bq.stub.model.addTable({
    projectId,
    datasetId,
    tableId: 'plain',
    schema: [{ name: 'geom', type: 'GEOGRAPHY' }],
  });
  const noMetadata = addTestTileset(bq.stub, { tableId: 'headless' });
  const headless = table('headless');
  if (headless) headless.rows = headless.rows.filter((r) => r.z !== -1);

  await expect(bq.source.getTileset(`${TILESET_DATASET}.plain`)).rejects.toMatchObject({ statusCode: 404 });
  await expect(bq.source.getTileset(noMetadata)).rejects.toMatchObject({ statusCode: 404 });
});

it('answers 502 for metadata that is not JSON', async () => {
  const id = addTestTileset(bq.stub, { tableId: 'garbled' });
  const metadataRow = table('garbled')?.rows.find((r) => r.z === -1);
  if (metadataRow) metadataRow.data = Buffer.from('{not json');

  await expect(bq.source.getTileset(id)).rejects.toMatchObject({ statusCode: 502 });
});
