import type { FeatureCollection } from 'geojson';
import type { CircleLayerSpecification } from 'maplibre-gl';

export const STORES_TABLE = 'carto-demo-data.demo_tables.retail_stores';
export const STORES_SOURCE = 'stores';
export const STORES_LAYER = 'stores';

/**
 * The table endpoint, fetched here rather than by MapLibre's worker so errors reach the status panel
 * and every request of the page is made by the page itself.
 */
export async function loadStores(baseUrl: string): Promise<FeatureCollection> {
  const url = `${baseUrl}/maps/table/${encodeURIComponent(STORES_TABLE)}?geomField=geom&format=geojson`;
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`retail_stores: HTTP ${response.status}`);
  return (await response.json()) as FeatureCollection;
}

export const storesLayer: CircleLayerSpecification = {
  id: STORES_LAYER,
  type: 'circle',
  source: STORES_SOURCE,
  paint: {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 8],
    'circle-color': '#1f78b4',
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 1.5,
  },
};
