import type { Feature, Polygon } from 'geojson';

/** A small synthetic city around Madrid's centre: dense, tall core; low outskirts. */
export const CITY = { lon: -3.7038, lat: 40.4168, halfSizeMeters: 2500 } as const;

const METERS_PER_DEGREE_LAT = 111_320;
const metersPerDegreeLon = METERS_PER_DEGREE_LAT * Math.cos((CITY.lat * Math.PI) / 180);
const CELL = 40; // one building lot, metres
const DISTRICT = 500; // metres
const BUILDING_TYPES = ['residential', 'residential', 'residential', 'commercial', 'office', 'industrial'];
const STORE_TYPES = ['Supermarket', 'Convenience Store', 'Drugstore', 'Department Store'];

/** Seeded PRNG (mulberry32): the sample data is identical on every machine and every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function cityBounds(): [number, number, number, number] {
  const [west, south] = toLonLat(-CITY.halfSizeMeters, -CITY.halfSizeMeters);
  const [east, north] = toLonLat(CITY.halfSizeMeters, CITY.halfSizeMeters);
  return [west, south, east, north];
}

function toLonLat(xMeters: number, yMeters: number): [number, number] {
  const lon = CITY.lon + xMeters / metersPerDegreeLon;
  const lat = CITY.lat + yMeters / METERS_PER_DEGREE_LAT;
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

/** An axis-aligned footprint (metres from the centre) as a closed exterior ring. */
function footprint(properties: Record<string, unknown>, x: number, y: number, w: number, h: number) {
  const corners = [toLonLat(x, y), toLonLat(x + w, y), toLonLat(x + w, y + h), toLonLat(x, y + h)];
  const geometry: Polygon = { type: 'Polygon', coordinates: [[...corners, toLonLat(x, y)]] };
  return { type: 'Feature', properties, geometry } satisfies Feature<Polygon>;
}

/**
 * Building footprints with `height` (m), `levels` and `type`, like osm_buildings' attributes, and the
 * low-zoom stand-ins: one footprint per 500 m district with its tallest building's height. Like a real
 * tileset's feature dropping, those keep z0–11 tiles small while still showing the city.
 */
export function buildings(seed = 42): { buildings: Feature<Polygon>[]; districts: Feature<Polygon>[] } {
  const random = seededRandom(seed);
  const features: Feature<Polygon>[] = [];
  const tallest = new Map<string, { dx: number; dy: number; height: number }>();
  const half = CITY.halfSizeMeters;
  for (let cx = -half; cx < half; cx += CELL) {
    for (let cy = -half; cy < half; cy += CELL) {
      const street = Math.floor((cx + half) / CELL) % 4 === 3 || Math.floor((cy + half) / CELL) % 5 === 4;
      if (street || random() < 0.2) continue;
      const [w, h] = [12 + random() * 22, 12 + random() * 22];
      const [x0, y0] = [cx + (CELL - w) * random(), cy + (CELL - h) * random()];
      const distance = Math.hypot(cx, cy) / half;
      const levels = Math.max(1, Math.round((1 - Math.min(distance, 1)) ** 2 * 25 + random() * 4));
      const height = Math.round(levels * 3.2 * 10) / 10;
      const type = BUILDING_TYPES[Math.floor(random() * BUILDING_TYPES.length)];
      features.push(footprint({ id: features.length + 1, height, levels, type }, x0, y0, w, h));
      const [dx, dy] = [Math.floor(x0 / DISTRICT), Math.floor(y0 / DISTRICT)];
      const district = tallest.get(`${dx},${dy}`) ?? { dx, dy, height };
      tallest.set(`${dx},${dy}`, { dx, dy, height: Math.max(district.height, height) });
    }
  }
  const districts = [...tallest.values()].map(({ dx, dy, height }, i) => {
    const properties = { id: 1_000_000 + i, height, levels: Math.round(height / 3.2), type: 'district' };
    return footprint(properties, dx * DISTRICT + 20, dy * DISTRICT + 20, DISTRICT - 40, DISTRICT - 40);
  });
  return { buildings: features, districts };
}

/** Retail store points like `demo_tables.retail_stores` (geometry column `geom`). */
export function retailStores(seed = 7, count = 150): Array<Record<string, unknown>> {
  const random = seededRandom(seed);
  const half = CITY.halfSizeMeters;
  return Array.from({ length: count }, (_, i) => ({
    geom: { type: 'Point', coordinates: toLonLat((random() * 2 - 1) * half, (random() * 2 - 1) * half) },
    cartodb_id: i + 1,
    store_id: 1000 + i,
    storetype: STORE_TYPES[Math.floor(random() * STORE_TYPES.length)],
    address: `${1 + Math.floor(random() * 200)} Calle ${String.fromCharCode(65 + (i % 26))}`,
    city: 'Madrid',
    revenue: Math.round(500_000 + random() * 2_000_000),
    size_m2: Math.round(100 + random() * 3000),
  }));
}
