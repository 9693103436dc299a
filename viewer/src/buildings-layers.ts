import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';

export const BUILDINGS_SOURCE = 'buildings';
export const FLAT_LAYER = 'buildings-flat';
export const EXTRUDED_LAYER = 'buildings-3d';
/** Below this zoom a building is a few pixels (or the tileset holds district footprints): flat is enough. */
export const EXTRUSION_MINZOOM = 14;

const height: ExpressionSpecification = ['to-number', ['coalesce', ['get', 'height'], 0], 0];

/** Low and light to tall and dark, in metres. */
const colourByHeight: ExpressionSpecification = [
  'interpolate',
  ['linear'],
  height,
  0,
  '#f6d8a8',
  15,
  '#f2a65a',
  40,
  '#d1495b',
  80,
  '#6a2c70',
];

export function buildingLayers(sourceLayer: string): LayerSpecification[] {
  return [
    {
      id: FLAT_LAYER,
      type: 'fill',
      source: BUILDINGS_SOURCE,
      'source-layer': sourceLayer,
      maxzoom: EXTRUSION_MINZOOM,
      paint: { 'fill-color': colourByHeight, 'fill-outline-color': '#8a5a44', 'fill-opacity': 0.85 },
    },
    {
      id: EXTRUDED_LAYER,
      type: 'fill-extrusion',
      source: BUILDINGS_SOURCE,
      'source-layer': sourceLayer,
      minzoom: EXTRUSION_MINZOOM,
      paint: {
        'fill-extrusion-color': colourByHeight,
        'fill-extrusion-height': height,
        'fill-extrusion-opacity': 0.9,
      },
    },
  ];
}
