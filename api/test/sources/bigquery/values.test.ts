import { expect, it } from 'vitest';
import { decodeRows } from '../../../src/sources/bigquery/values.js';

it.each<[string, string | null, unknown]>([
  ['NUMERIC', '0.1', '0.1'],
  ['BIGNUMERIC', '123456789012345678901234567890.123', '123456789012345678901234567890.123'],
  ['FLOAT', '1.5E3', 1500],
  ['FLOAT64', 'NaN', 'NaN'],
  ['BOOLEAN', 'false', false],
  ['TIMESTAMP', '1614834367123456', '2021-03-04T05:06:07.123456Z'],
  ['TIMESTAMP', '-1', '1969-12-31T23:59:59.999999Z'],
  ['TIMESTAMP', '0', '1970-01-01T00:00:00.000000Z'],
  ['DATE', '2021-03-04', '2021-03-04'],
  ['DATETIME', '2021-03-04T05:06:07', '2021-03-04T05:06:07'],
  ['BYTES', 'AQID', 'AQID'],
  ['JSON', '{"a":[1,2]}', { a: [1, 2] }],
  ['GEOGRAPHY', 'POINT(1 2)', 'POINT(1 2)'],
  ['STRING', null, null],
  ['INTEGER', '-9007199254740991', -9007199254740991],
])('converts %s %j', (type, v, expected) => {
  expect(decodeRows([{ name: 'c', type }], [{ f: [{ v }] }])).toEqual([{ c: expected }]);
});

it('turns RECORD into objects and REPEATED into arrays, nested', () => {
  const [row] = decodeRows(
    [
      {
        name: 'stops',
        type: 'RECORD',
        mode: 'REPEATED',
        fields: [
          { name: 'id', type: 'INTEGER' },
          { name: 'tags', type: 'STRING', mode: 'REPEATED' },
        ],
      },
      { name: 'empty', type: 'STRING', mode: 'REPEATED' },
    ],
    [{ f: [{ v: [{ v: { f: [{ v: '1' }, { v: [{ v: 'a' }, { v: 'b' }] }] } }] }, { v: [] }] }],
  );

  expect(row).toEqual({ stops: [{ id: 1, tags: ['a', 'b'] }], empty: [] });
});
