import { expect, it } from 'vitest';
import { parsePartitionParams } from '../src/partition.js';

// The example of CARTO's BigQuery tileset reader (carto-bq-tiler's viewer, BigQueryTileset metadata doc).
const valid = { partitions: 4000, zmin: 0, zmax: 14, xmin: 4634, xmax: 4747, ymin: 6219, ymax: 6322 };

const strings = Object.fromEntries(Object.entries({ version: 1, ...valid }).map(([k, v]) => [k, String(v)]));
it.each([
  ['the object form, zstep defaulting to 1', { version: 1, ...valid }, { ...valid, zstep: 1 }],
  ['the JSON string form', JSON.stringify({ ...valid, zstep: 2 }), { ...valid, zstep: 2 }],
  // visgl/deck.gl's carto module: const [zmin, zmax, xmin, xmax, ymin, ymax, partitions, zstep] = partition.split('_')
  [
    'the underscore form CARTO readers split',
    '0_12_37_3708_870_2214_3999_1',
    { zmin: 0, zmax: 12, xmin: 37, xmax: 3708, ymin: 870, ymax: 2214, partitions: 3999, zstep: 1 },
  ],
  ['the underscore form without zstep', '0_14_4634_4747_6219_6322_4000', { ...valid, zstep: 1 }],
  ['numeric strings, as metadata copied from MBTiles carries them', strings, { ...valid, zstep: 1 }],
  ['numeric strings as JSON text', JSON.stringify(strings), { ...valid, zstep: 1 }],
  ['a null zstep as 1', { ...valid, zstep: null }, { ...valid, zstep: 1 }],
])('reads %s', (_, carto_partition, expected) => {
  expect(parsePartitionParams({ minzoom: 0, carto_partition })).toEqual(expected);
});

it.each([
  ['no metadata', null],
  ['metadata that is a string', 'carto_partition'],
  ['no carto_partition key', { minzoom: 0 }],
  ['a null carto_partition', { carto_partition: null }],
  ['a numeric carto_partition', { carto_partition: 42 }],
  ['an array carto_partition', { carto_partition: [valid] }],
  ['a JSON array string', { carto_partition: '[1, 2]' }],
  ['an underscore string with 6 parts', { carto_partition: '0_12_37_3708_870_2214' }],
  ['an underscore string with a word', { carto_partition: '0_12_37_3708_870_2214_many_1' }],
  ['malformed JSON', { carto_partition: '{"partitions": 4' }],
])('returns null for %s', (_, metadata) => {
  expect(parsePartitionParams(metadata)).toBeNull();
});

it.each([
  ['partitions 0', { partitions: 0 }],
  ['partitions 4001', { partitions: 4001 }],
  ['fractional partitions', { partitions: 1.5 }],
  ['a decimal-string partitions', { partitions: '40.5' }],
  ['negative zmin', { zmin: -1 }],
  ['zmin above zmax', { zmin: 15 }],
  ['zmax above 26', { zmax: 27 }],
  ['zstep 0', { zstep: 0 }],
  ['fractional zstep', { zstep: 1.5 }],
  ['xmin above xmax', { xmin: 4748 }],
  ['ymin above ymax', { ymin: 6323 }],
  ['a negative xmin', { xmin: -1 }],
  ['xmax outside the world at zmax', { xmax: 2 ** 14 }],
  ['a missing ymax', { ymax: undefined }],
  ['a NaN ymin', { ymin: Number.NaN }],
  ['an infinite ymax', { ymax: Number.POSITIVE_INFINITY }],
])('returns null for %s', (_, bad) => {
  expect(parsePartitionParams({ carto_partition: { ...valid, ...bad } })).toBeNull();
});
