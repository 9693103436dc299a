import { type Map as MapLibreMap, type StyleSpecification, setWorkerUrl } from 'maplibre-gl';

// MapLibre's worker must come from our own origin (no CDN): the build puts it beside the bundle.
setWorkerUrl(new URL('./maplibre-gl-worker.mjs', import.meta.url).href);

/** The sample city (and central Madrid in the real osm_buildings); the URL hash overrides it. */
export const INITIAL_VIEW = {
  center: [-3.7038, 40.4168] as [number, number],
  zoom: 15,
  pitch: 50,
  bearing: -20,
};

/**
 * No basemap: it would load tiles, glyphs and sprites from the internet. A plain background keeps the
 * page self-contained; the environment's own layers are added on top.
 */
export const BASE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf1' } }],
};

/** Resolves once the map has rendered everything it has been given (sources loaded, `idle`). */
export function settled(map: MapLibreMap): Promise<void> {
  return new Promise((resolve) => {
    map.once('idle', () => resolve());
    map.triggerRepaint(); // an idle map with nothing new to draw would never fire `idle` again
  });
}

/** Removes the layers, then the source (MapLibre refuses to remove a source still in use). */
export function removeSource(map: MapLibreMap, sourceId: string, layerIds: readonly string[]): void {
  for (const id of layerIds) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(sourceId)) map.removeSource(sourceId);
}
