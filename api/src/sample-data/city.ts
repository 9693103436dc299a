import type { Feature, Point, Polygon } from 'geojson';
import { seededRandom } from './random.js';

/** A small synthetic city around Madrid's centre: dense, tall core; low outskirts. */
export const CITY = { lon: -3.7038, lat: 40.4168, halfSizeMeters: 2500 } as const;

const METERS_PER_DEGREE_LAT = 111_320;
const metersPerDegreeLon = METERS_PER_DEGREE_LAT * Math.cos((CITY.lat * Math.PI) / 180);
const CELL = 40; // one building lot, metres
const BUILDING_TYPES = ['residential', 'residential', 'residential', 'commercial', 'office', 'industrial'];

export function cityBounds(): [number, number, number, number] {
  const dLon = CITY.halfSizeMeters / metersPerDegreeLon;
  const dLat = CITY.halfSizeMeters / METERS_PER_DEGREE_LAT;
  return [CITY.lon - dLon, CITY.lat - dLat, CITY.lon + dLon, CITY.lat + dLat];
}

function toLonLat(xMeters: number, yMeters: number): [number, number] {
  const lon = CITY.lon + xMeters / metersPerDegreeLon;
  const lat = CITY.lat + yMeters / METERS_PER_DEGREE_LAT;
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

/** Building footprints with `height` (m), `levels` and `type`, like osm_buildings' attributes. */
export function buildings(seed = 42): Feature<Polygon>[] {
  const random = seededRandom(seed);
  const features: Feature<Polygon>[] = [];
  const half = CITY.halfSizeMeters;
  for (let cx = -half; cx < half; cx += CELL) {
    for (let cy = -half; cy < half; cy += CELL) {
      const streetColumn = Math.floor((cx + half) / CELL) % 4 === 3;
      const streetRow = Math.floor((cy + half) / CELL) % 5 === 4;
      if (streetColumn || streetRow || random() < 0.2) continue;
      const w = 12 + random() * 22;
      const h = 12 + random() * 22;
      const x0 = cx + (CELL - w) * random();
      const y0 = cy + (CELL - h) * random();
      const distance = Math.hypot(cx, cy) / half;
      const levels = Math.max(1, Math.round((1 - Math.min(distance, 1)) ** 2 * 25 + random() * 4));
      const ring = [toLonLat(x0, y0), toLonLat(x0 + w, y0), toLonLat(x0 + w, y0 + h), toLonLat(x0, y0 + h)];
      features.push({
        type: 'Feature',
        properties: {
          id: features.length + 1,
          height: Math.round(levels * 3.2 * 10) / 10,
          levels,
          type: BUILDING_TYPES[Math.floor(random() * BUILDING_TYPES.length)] ?? 'residential',
        },
        geometry: { type: 'Polygon', coordinates: [[...ring, ring[0] as [number, number]]] },
      });
    }
  }
  return features;
}

const DISTRICT = 500; // metres

/**
 * Low-zoom stand-ins: one footprint per 500 m district with its tallest building's height. Like a
 * real tileset's feature dropping, this keeps z0–11 tiles small while still showing the city.
 */
export function districts(buildingFeatures: Feature<Polygon>[]): Feature<Polygon>[] {
  const tallest = new Map<string, number>();
  for (const building of buildingFeatures) {
    const [lon = CITY.lon, lat = CITY.lat] = building.geometry.coordinates[0]?.[0] ?? [];
    const dx = Math.floor(((lon - CITY.lon) * metersPerDegreeLon) / DISTRICT);
    const dy = Math.floor(((lat - CITY.lat) * METERS_PER_DEGREE_LAT) / DISTRICT);
    const key = `${dx},${dy}`;
    tallest.set(key, Math.max(tallest.get(key) ?? 0, Number(building.properties?.height ?? 0)));
  }
  return [...tallest].map(([key, height], i) => {
    const [dx = 0, dy = 0] = key.split(',').map(Number);
    const x0 = dx * DISTRICT + 20;
    const y0 = dy * DISTRICT + 20;
    const size = DISTRICT - 40;
    const ring = [
      toLonLat(x0, y0),
      toLonLat(x0 + size, y0),
      toLonLat(x0 + size, y0 + size),
      toLonLat(x0, y0 + size),
    ];
    return {
      type: 'Feature',
      properties: { id: 1_000_000 + i, height, levels: Math.round(height / 3.2), type: 'district' },
      geometry: { type: 'Polygon', coordinates: [[...ring, ring[0] as [number, number]]] },
    };
  });
}

const STORE_TYPES = ['Supermarket', 'Convenience Store', 'Drugstore', 'Department Store'];

/** Retail store points like `demo_tables.retail_stores` (geometry column `geom`). */
export function retailStores(seed = 7, count = 150): Array<Record<string, unknown>> {
  const random = seededRandom(seed);
  const half = CITY.halfSizeMeters;
  return Array.from({ length: count }, (_, i) => {
    const [lon, lat] = toLonLat((random() * 2 - 1) * half, (random() * 2 - 1) * half);
    return {
      geom: { type: 'Point', coordinates: [lon, lat] } satisfies Point,
      cartodb_id: i + 1,
      store_id: 1000 + i,
      storetype: STORE_TYPES[Math.floor(random() * STORE_TYPES.length)],
      address: `${1 + Math.floor(random() * 200)} Calle ${String.fromCharCode(65 + (i % 26))}`,
      city: 'Madrid',
      revenue: Math.round(500_000 + random() * 2_000_000),
      size_m2: Math.round(100 + random() * 3000),
    };
  });
}
