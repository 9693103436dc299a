/// <reference path="../types/vt-pbf.d.ts" />
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Feature } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';
import { fromGeojsonVt } from 'vt-pbf';
import { MbtilesWriter } from '../sources/mbtiles/writer.js';
import { buildings, CITY, cityBounds, retailStores } from './city.js';

export const SAMPLE_TILESET_ID = 'carto-demo-data.demo_tilesets.osm_buildings';
export const SAMPLE_TABLE_ID = 'carto-demo-data.demo_tables.retail_stores';
const MAXZOOM = 16;
const BUILDINGS_MINZOOM = 12; // below it the tileset shows district footprints instead of single buildings
const LAYER = 'default'; // CARTO tilesets name their single layer `default`
const FIELDS = { id: 'Number', height: 'Number', levels: 'Number', type: 'String' };

/** Tile range covering a lon/lat box at zoom z (XYZ scheme). */
export function tileRange(bounds: [number, number, number, number], z: number) {
  const n = 2 ** z;
  const x = (lon: number) => Math.min(n - 1, Math.floor(((lon + 180) / 360) * n));
  const y = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.min(n - 1, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n));
  };
  return { minX: x(bounds[0]), maxX: x(bounds[2]), minY: y(bounds[3]), maxY: y(bounds[1]) };
}

/**
 * Drops rings that rounding to tile units collapsed into lines, and features left without one: sample rings
 * are all exterior, so a valid one has a positive area (surveyor's formula; MVT 2.1 §4.3.4.4).
 */
function validPolygons(tile: LegacyTile): LegacyTile {
  const area = (ring: [number, number][]) =>
    ring.reduce((sum, [x1, y1], i) => {
      const [x2, y2] = ring[(i + 1) % ring.length] as [number, number];
      return sum + x1 * y2 - x2 * y1;
    }, 0);
  const features = tile.features.flatMap((f) => {
    if (f.type !== 3) return [f];
    const geometry = f.geometry.filter((ring) => area(ring) > 0);
    return geometry.length > 0 ? [{ ...f, geometry }] : [];
  });
  return { features };
}

/** Writes the osm_buildings-like tileset; returns how many tiles it stored. */
function writeBuildingsTileset(path: string): number {
  const all = buildings();
  const index = (features: Feature[], maxZoom: number, tolerance = 3) =>
    new GeoJSONVT(
      { type: 'FeatureCollection', features },
      { maxZoom, indexMaxZoom: 5, buffer: 64, tolerance },
    );
  const detailed = index(all.buildings, MAXZOOM);
  // The default tolerance (3 units) would simplify z6's 3-unit districts into lines.
  const overview = index(all.districts, BUILDINGS_MINZOOM - 1, 1);
  const bounds = cityBounds();
  const writer = new MbtilesWriter(path);
  let count = 0;
  try {
    for (let z = 0; z <= MAXZOOM; z++) {
      const { minX, maxX, minY, maxY } = tileRange(bounds, z);
      for (let x = minX; x <= maxX; x++) {
        for (let y = minY; y <= maxY; y++) {
          const raw = (z < BUILDINGS_MINZOOM ? overview : detailed).getTile(z, x, y);
          const tile = raw && validPolygons(raw);
          if (!tile?.features.length) continue;
          writer.putTile(z, x, y, gzipSync(fromGeojsonVt({ [LAYER]: tile }, { version: 2 })));
          count++;
        }
      }
    }
    writer.finish({
      name: 'osm_buildings (sample)',
      description: `Synthetic building footprints shaped like ${SAMPLE_TILESET_ID}`,
      attribution: 'tilestack sample data (synthetic)',
      format: 'pbf',
      minzoom: 0,
      maxzoom: MAXZOOM,
      bounds,
      center: [CITY.lon, CITY.lat, 14],
      version: '1',
      json: { vector_layers: [{ id: LAYER, fields: FIELDS, minzoom: 0, maxzoom: MAXZOOM }] },
    });
  } catch (error) {
    writer.abort();
    throw error;
  }
  return count;
}

/** Writes the sample tileset (MBTiles) and table (NDJSON: one row per line, GEOGRAPHY as GeoJSON). */
export function generateSampleData(dataDir: string): { tiles: number; rows: number } {
  mkdirSync(dataDir, { recursive: true });
  const rows = retailStores();
  const table = join(dataDir, `${SAMPLE_TABLE_ID}.ndjson`);
  writeFileSync(`${table}.tmp-${process.pid}`, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  renameSync(`${table}.tmp-${process.pid}`, table);
  return { tiles: writeBuildingsTileset(join(dataDir, `${SAMPLE_TILESET_ID}.mbtiles`)), rows: rows.length };
}
