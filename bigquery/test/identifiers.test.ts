import { expect, it } from 'vitest';
import { DatasetAllowList, quoteColumn, resolveTableId } from '../src/identifiers.js';

// Ids and column names from URLs are covered end to end by api/test/sources/bigquery/hostile-ids.test.ts
// (HOSTILE_IDS, refused before any request) and by the exact SQL asserted in the API's BigQuery tests.
const allowList = new DatasetAllowList(['carto-demo-data.demo_tilesets']);

it('accepts hyphenated table ids and refuses values that are not strings', () => {
  expect(resolveTableId('carto-demo-data.demo_tilesets.covid19-vaccinated_2021', allowList)).not.toBeNull();
  for (const id of [undefined, null, 42, ['a.b.c'], { toString: () => 'carto-demo-data.demo_tilesets.x' }])
    expect(resolveTableId(id, allowList)).toBeNull();
});

it('rejects a malformed allow-list entry at start-up and refuses to quote a bad column name', () => {
  expect(() => new DatasetAllowList(['carto-demo-data'])).toThrow(/BIGQUERY_ALLOWED_DATASETS/);
  expect(() => new DatasetAllowList(['carto-demo-data.demo_tilesets.osm'])).toThrow();
  expect(() => new DatasetAllowList(['carto-demo-data.demo tilesets'])).toThrow();
  expect(() => quoteColumn('geom`')).toThrow();
});
