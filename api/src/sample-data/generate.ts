/// <reference path="../types/vt-pbf.d.ts" />
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FeatureCollection } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';
import { fromGeojsonVt } from 'vt-pbf';
import { MbtilesWriter } from '../sources/mbtiles/writer.js';
import { buildings, CITY, cityBounds, districts, retailStores } from './city.js';

export const SAMPLE_TILESET_ID = 'carto-demo-data.demo_tilesets.osm_buildings';
export const SAMPLE_TABLE_ID = 'carto-demo-data.demo_tables.retail_stores';
export const SAMPLE_MAXZOOM = 16;
/** Below this zoom the tileset shows district footprints instead of single buildings. */
export const BUILDINGS_MINZOOM = 12;
const LAYER = 'default'; // CARTO tilesets name their single layer `default`

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

/** Surveyor's formula in tile coordinates: positive for an exterior ring (MVT 2.1 §4.3.4.4). */
function area(ring: [number, number][]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/**
 * Drops the rings that rounding to tile units collapsed (a footprint under a unit wide becomes a line:
 * MoveTo, one LineTo, ClosePath) and the features left without one. Every sample ring is an exterior
 * ring (footprints have no holes), so a valid one has a positive area.
 */
function validPolygons(tile: LegacyTile): LegacyTile {
  const features = tile.features.flatMap((f) => {
    if (f.type !== 3) return [f];
    const geometry = f.geometry.filter((ring) => area(ring) > 0);
    return geometry.length > 0 ? [{ ...f, geometry }] : [];
  });
  return { features };
}

/** Writes the osm_buildings-like tileset; returns how many tiles it stored. */
export function generateBuildingsTileset(path: string): number {
  const footprints = buildings();
  const collection = (features: FeatureCollection['features']): FeatureCollection => ({
    type: 'FeatureCollection',
    features,
  });
  const detailed = new GeoJSONVT(collection(footprints), {
    maxZoom: SAMPLE_MAXZOOM,
    indexMaxZoom: 5,
    buffer: 64,
  });
  const overview = new GeoJSONVT(collection(districts(footprints)), {
    maxZoom: BUILDINGS_MINZOOM - 1,
    buffer: 64,
    tolerance: 1, // the default (3 units) simplifies z6's 3-unit districts into lines
  });
  const bounds = cityBounds();
  const writer = new MbtilesWriter(path);
  let count = 0;
  try {
    for (let z = 0; z <= SAMPLE_MAXZOOM; z++) {
      const { minX, maxX, minY, maxY } = tileRange(bounds, z);
      for (let x = minX; x <= maxX; x++) {
        for (let y = minY; y <= maxY; y++) {
          const raw = (z < BUILDINGS_MINZOOM ? overview : detailed).getTile(z, x, y);
          const tile = raw && validPolygons(raw);
          if (!tile || tile.features.length === 0) continue;
          writer.putTile(z, x, y, gzipSync(fromGeojsonVt({ [LAYER]: tile }, { version: 2 })));
          count++;
        }
      }
    }
    writer.finish({
      name: 'osm_buildings (sample)',
      description: 'Synthetic building footprints shaped like carto-demo-data.demo_tilesets.osm_buildings',
      attribution: 'tilestack sample data (synthetic)',
      format: 'pbf',
      minzoom: 0,
      maxzoom: SAMPLE_MAXZOOM,
      bounds,
      center: [CITY.lon, CITY.lat, 14],
      version: '1',
      json: {
        vector_layers: [
          {
            id: LAYER,
            fields: { id: 'Number', height: 'Number', levels: 'Number', type: 'String' },
            minzoom: 0,
            maxzoom: SAMPLE_MAXZOOM,
          },
        ],
      },
    });
  } catch (error) {
    writer.abort();
    throw error;
  }
  return count;
}

/** Writes the retail_stores-like table as NDJSON (one row per line; GEOGRAPHY columns as GeoJSON). */
export function generateRetailStores(path: string): number {
  const rows = retailStores();
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  renameSync(tmp, path);
  return rows.length;
}

export function generateSampleData(dataDir: string): { tiles: number; rows: number } {
  mkdirSync(dataDir, { recursive: true });
  return {
    tiles: generateBuildingsTileset(join(dataDir, `${SAMPLE_TILESET_ID}.mbtiles`)),
    rows: generateRetailStores(join(dataDir, `${SAMPLE_TABLE_ID}.ndjson`)),
  };
}
