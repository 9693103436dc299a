import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';

/** The sample city (and central Madrid in the real osm_buildings); the URL hash overrides it. */
export const INITIAL_VIEW = {
  center: [-3.7038, 40.4168] as [number, number],
  zoom: 15,
  pitch: 50,
  bearing: -20,
};

/** No basemap: it would load tiles, glyphs and sprites from the internet. The environment's layers go on top. */
export const BASE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf1' } }],
};

const height: ExpressionSpecification = ['to-number', ['coalesce', ['get', 'height'], 0], 0];
/** Low and light to tall and dark, in metres. */
const colour: ExpressionSpecification = ['interpolate', ['linear'], height, 0, '#f6d8a8', 80, '#6a2c70'];

/** Flat below z14 (a building is a few pixels there), extruded by `height` from z14. */
export function buildingLayers(sourceLayer: string): LayerSpecification[] {
  const common = { source: 'buildings', 'source-layer': sourceLayer };
  const flatPaint = { 'fill-color': colour, 'fill-outline-color': '#8a5a44', 'fill-opacity': 0.85 };
  const extrusion = {
    'fill-extrusion-color': colour,
    'fill-extrusion-height': height,
    'fill-extrusion-opacity': 0.9,
  };
  return [
    { ...common, id: 'buildings-flat', type: 'fill', maxzoom: 14, paint: flatPaint },
    { ...common, id: 'buildings-3d', type: 'fill-extrusion', minzoom: 14, paint: extrusion },
  ];
}

export const storesLayer: LayerSpecification = {
  id: 'stores',
  type: 'circle',
  source: 'stores',
  paint: {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 8],
    'circle-color': '#1f78b4',
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 1.5,
  },
};
