import { expect, it } from 'vitest';
import { describeTileset } from '../src/metadata.js';
import { MAX_ZOOM } from '../src/zoom.js';

const partition = { partitions: 40, zmin: 0, zmax: 6, xmin: 10, xmax: 20, ymin: 20, ymax: 28 };
const world = [-180, -85.051129, 180, 85.051129];

it.each<[string, Record<string, unknown>, typeof partition | null, Record<string, unknown>]>([
  [
    'comma strings, arrays and numeric strings',
    { bounds: '-180, -85, 180, 85', center: '0,0', minzoom: '2', maxzoom: 9 },
    null,
    { bounds: [-180, -85, 180, 85], center: [0, 0, 2], minzoom: 2, maxzoom: 9 },
  ],
  [
    'the partition zooms, the world and its centre when the metadata says nothing',
    {},
    partition,
    { name: 'osm', minzoom: 0, maxzoom: 6, bounds: world, center: [0, 0, 0], vector_layers: [] },
  ],
  [
    'defaults instead of invalid values',
    {
      bounds: '-200,0,10,10',
      center: 'here',
      minzoom: -1,
      maxzoom: 99,
      vector_layers: [{ id: 'ok', fields: { a: 'Number' } }, { fields: {} }, 'junk'],
      description: 42,
    },
    null,
    {
      name: 'osm',
      minzoom: 0,
      maxzoom: MAX_ZOOM,
      bounds: world,
      center: [0, 0, 0],
      vector_layers: [{ id: 'ok', fields: { a: 'Number' } }],
    },
  ],
  [
    'a centre zoom clamped into the zoom range and MBTiles-style json vector layers',
    {
      minzoom: 3,
      maxzoom: 8,
      center: [1, 2, 12],
      json: JSON.stringify({ vector_layers: [{ id: 'default' }] }),
    },
    null,
    { center: [1, 2, 8], vector_layers: [{ id: 'default', fields: {} }] },
  ],
])('describes a tileset from %s', (_, metadata, params, expected) => {
  const info = describeTileset(metadata, 'osm', params);
  if ('name' in expected) expect(info).toEqual(expected);
  else expect(info).toMatchObject(expected);
});
