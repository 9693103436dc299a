import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.js';
import { parseTileCoordinates } from '../../src/http/tile-coordinates.js';

describe('parseTileCoordinates', () => {
  it.each([
    [['0', '0', '0'], { z: 0, x: 0, y: 0 }],
    [['1', '1', '1'], { z: 1, x: 1, y: 1 }],
    [['24', '16777215', '16777215'], { z: 24, x: 16777215, y: 16777215 }],
    [['014', '8024', '6177'], { z: 14, x: 8024, y: 6177 }],
  ])('accepts %j', (args, expected) => {
    expect(parseTileCoordinates(...(args as [string, string, string]))).toEqual(expected);
  });

  it.each([
    ['-1', '0', '0'],
    ['1.5', '0', '0'],
    ['1', ' 0', '0'],
    ['1', '0x1', '0'],
    ['1', '', '0'],
    ['25', '0', '0'],
    ['1', '2', '0'],
    ['1', '0', '2'],
    ['24', '16777216', '0'],
    ['NaN', '0', '0'],
    ['1e1', '0', '0'],
    ['123456789', '0', '0'],
  ])('rejects %j with a 400', (z, x, y) => {
    expect(() => parseTileCoordinates(z, x, y)).toThrow(BadRequestError);
  });
});
