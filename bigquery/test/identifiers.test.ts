import { describe, expect, it } from 'vitest';
import {
  DatasetAllowList,
  isColumnName,
  parseTableId,
  quoteColumn,
  resolveTableId,
} from '../src/identifiers.js';
import { HOSTILE_IDS } from './hostile-ids.js';

const allowList = new DatasetAllowList(['carto-demo-data.demo_tilesets', 'carto-demo-data.demo_tables']);

describe('BigQuery identifiers', () => {
  it('accepts and quotes the ids the developers use', () => {
    expect(resolveTableId('carto-demo-data.demo_tilesets.osm_buildings', allowList)).toEqual({
      projectId: 'carto-demo-data',
      datasetId: 'demo_tilesets',
      tableId: 'osm_buildings',
      id: 'carto-demo-data.demo_tilesets.osm_buildings',
      sql: '`carto-demo-data.demo_tilesets.osm_buildings`',
    });
    expect(resolveTableId('carto-demo-data.demo_tables.retail_stores', allowList)?.sql).toBe(
      '`carto-demo-data.demo_tables.retail_stores`',
    );
    expect(resolveTableId('carto-demo-data.demo_tilesets.covid19-vaccinated_2021', allowList)).not.toBeNull();
  });

  it.each(HOSTILE_IDS.map((id) => [JSON.stringify(id).slice(0, 80), id]))('refuses %s', (_, id) => {
    expect(resolveTableId(id, allowList)).toBeNull();
  });

  it('checks the allow-list after the pattern: well-formed ids of other datasets are refused', () => {
    expect(parseTableId('bigquery-public-data.samples.shakespeare')).not.toBeNull();
    expect(resolveTableId('bigquery-public-data.samples.shakespeare', allowList)).toBeNull();
  });

  it('refuses values that are not strings', () => {
    for (const id of [
      undefined,
      null,
      42,
      ['a.b.c'],
      { toString: () => 'carto-demo-data.demo_tilesets.x' },
    ]) {
      expect(resolveTableId(id, allowList)).toBeNull();
    }
  });

  it('rejects a malformed allow-list entry at start-up', () => {
    expect(() => new DatasetAllowList(['carto-demo-data'])).toThrow(/BIGQUERY_ALLOWED_DATASETS/);
    expect(() => new DatasetAllowList(['carto-demo-data.demo_tilesets.osm'])).toThrow();
    expect(() => new DatasetAllowList(['carto-demo-data.demo tilesets'])).toThrow();
  });

  it('accepts column names and quotes them; refuses anything else', () => {
    expect(isColumnName('geom')).toBe(true);
    expect(isColumnName('_geom_2')).toBe(true);
    expect(quoteColumn('Geom')).toBe('`Geom`');
    for (const name of ['', '2geom', 'geo-m', 'ge om', 'geom`', 'gеom', 'a'.repeat(301), 7, null]) {
      expect(isColumnName(name)).toBe(false);
    }
    expect(() => quoteColumn('geom`')).toThrow();
  });
});
