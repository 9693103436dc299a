import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleData } from '../../src/sample-data/generate.js';

/** A fresh data directory with the generated sample tileset and table (≈0.5 s). */
export function sampleDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-data-'));
  generateSampleData(dir);
  return dir;
}

export const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
export const STORES = 'carto-demo-data.demo_tables.retail_stores';
/** A z14 tile in the middle of the sample city (has buildings). */
export const CITY_TILE = { z: 14, x: 8024, y: 6177 } as const;
