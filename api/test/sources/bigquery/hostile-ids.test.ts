import { HOSTILE_IDS } from '@tilestack/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type StubbedBigQuery, startStubbedBigQuery } from '../../support/bigquery.js';

let bq: StubbedBigQuery;
beforeAll(async () => {
  bq = await startStubbedBigQuery();
});
afterAll(() => bq.close());

it.each(HOSTILE_IDS.map((id) => [JSON.stringify(id).slice(0, 80), id]))(
  'refuses %s before any request',
  async (_, id) => {
    for (const attempt of [
      bq.source.getTileset(id),
      bq.source.getTile(id, 0, 0, 0),
      bq.source.getTable(id, { geomField: 'geom', maxBytes: 1_000_000 }),
    ])
      await expect(attempt).rejects.toMatchObject({ statusCode: 404 });
    expect(bq.stub.requests).toEqual([]);
  },
);

it('refuses a hostile geomField before any request', async () => {
  for (const geomField of ['geom`) FROM x --', 'geom, secret', 'gеom', '1geom', '', 'a'.repeat(301)]) {
    await expect(
      bq.source.getTable('carto-demo-data.demo_tables.retail_stores', { geomField, maxBytes: 1_000 }),
    ).rejects.toMatchObject({ statusCode: 400 });
  }
  expect(bq.stub.requests).toEqual([]);
});
