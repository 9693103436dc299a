import { describe, expect, it } from 'vitest';
import { decodeRows, microsToIso } from '../../../src/sources/bigquery/values.js';

describe('BigQuery wire values → JSON', () => {
  it('converts every scalar type', () => {
    const [row] = decodeRows(
      [
        { name: 'num', type: 'NUMERIC' },
        { name: 'bignum', type: 'BIGNUMERIC' },
        { name: 'f', type: 'FLOAT' },
        { name: 'nan', type: 'FLOAT64' },
        { name: 'b', type: 'BOOLEAN' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'd', type: 'DATE' },
        { name: 'dt', type: 'DATETIME' },
        { name: 'bytes', type: 'BYTES' },
        { name: 'json', type: 'JSON' },
        { name: 'g', type: 'GEOGRAPHY' },
        { name: 'missing', type: 'STRING' },
        { name: 'n', type: 'INTEGER' },
      ],
      [
        {
          f: [
            { v: '0.1' },
            { v: '123456789012345678901234567890.123' },
            { v: '1.5E3' },
            { v: 'NaN' },
            { v: 'false' },
            { v: '1614834367123456' },
            { v: '2021-03-04' },
            { v: '2021-03-04T05:06:07' },
            { v: 'AQID' },
            { v: '{"a":[1,2]}' },
            { v: 'POINT(1 2)' },
            { v: null },
            { v: '-9007199254740991' },
          ],
        },
      ],
    );

    expect(row).toEqual({
      num: '0.1',
      bignum: '123456789012345678901234567890.123',
      f: 1500,
      nan: 'NaN',
      b: false,
      ts: '2021-03-04T05:06:07.123456Z',
      d: '2021-03-04',
      dt: '2021-03-04T05:06:07',
      bytes: 'AQID',
      json: { a: [1, 2] },
      g: 'POINT(1 2)',
      missing: null,
      n: -9007199254740991,
    });
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

  it('writes timestamps before 1970 and on whole seconds correctly', () => {
    expect(microsToIso('-1')).toBe('1969-12-31T23:59:59.999999Z');
    expect(microsToIso('0')).toBe('1970-01-01T00:00:00.000000Z');
  });
});
