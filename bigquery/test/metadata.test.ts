import { describe, expect, it } from 'vitest';
import { describeTileset } from '../src/metadata.js';

const partition = { partitions: 40, zmin: 0, zmax: 6, xmin: 10, xmax: 20, ymin: 20, ymax: 28 };

describe('CARTO metadata → TileJSON', () => {
  it('accepts comma strings, arrays and numeric strings', () => {
    expect(
      describeTileset({ bounds: '-180, -85, 180, 85', center: '0,0', minzoom: '2', maxzoom: 9 }, 'osm', null),
    ).toMatchObject({ bounds: [-180, -85, 180, 85], center: [0, 0, 2], minzoom: 2, maxzoom: 9 });
  });

  it('falls back to the partition zooms, the world and its centre', () => {
    expect(describeTileset({}, 'osm', partition)).toEqual({
      name: 'osm',
      minzoom: 0,
      maxzoom: 6,
      bounds: [-180, -85.051129, 180, 85.051129],
      center: [0, 0, 0],
      vector_layers: [],
    });
  });

  it('ignores invalid values instead of passing them on', () => {
    const info = describeTileset(
      {
        bounds: '-200,0,10,10',
        center: 'here',
        minzoom: -1,
        maxzoom: 99,
        vector_layers: [{ id: 'ok', fields: { a: 'Number' } }, { fields: {} }, 'junk'],
        description: 42,
      },
      'osm',
      null,
    );

    expect(info).toEqual({
      name: 'osm',
      minzoom: 0,
      maxzoom: 30,
      bounds: [-180, -85.051129, 180, 85.051129],
      center: [0, 0, 0],
      vector_layers: [{ id: 'ok', fields: { a: 'Number' } }],
    });
  });

  it('clamps the centre zoom into the zoom range and reads MBTiles-style json vector layers', () => {
    const info = describeTileset(
      {
        minzoom: 3,
        maxzoom: 8,
        center: [1, 2, 12],
        json: JSON.stringify({ vector_layers: [{ id: 'default' }] }),
      },
      'osm',
      null,
    );

    expect(info.center).toEqual([1, 2, 8]);
    expect(info.vector_layers).toEqual([{ id: 'default', fields: {} }]);
  });
});
