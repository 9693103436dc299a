import { BadRequestError } from '../errors.js';

export const MAX_ZOOM = 24;
const DIGITS = /^\d{1,8}$/;

/** Parses z/x/y path segments: plain non-negative integers, z ≤ 24, x and y < 2^z. */
export function parseTileCoordinates(z: string, x: string, y: string): { z: number; x: number; y: number } {
  if (!DIGITS.test(z) || !DIGITS.test(x) || !DIGITS.test(y)) {
    throw new BadRequestError('z, x and y must be non-negative integers');
  }
  const zoom = Number(z);
  if (zoom > MAX_ZOOM) throw new BadRequestError(`z must be between 0 and ${MAX_ZOOM}`);
  const size = 2 ** zoom;
  const col = Number(x);
  const row = Number(y);
  if (col >= size || row >= size)
    throw new BadRequestError(`x and y must be below 2^z (${size}) at z=${zoom}`);
  return { z: zoom, x: col, y: row };
}
