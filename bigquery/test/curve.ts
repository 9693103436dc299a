import { gilbertIndex } from '../src/gilbert.js';

/** The cells of the w×h curve in order, by inverting `gilbertIndex`; holes mean it is not a bijection. */
export function curve(w: number, h: number): [x: number, y: number][] {
  const cells: [number, number][] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) cells[gilbertIndex(w, h, x, y)] = [x, y];
  return cells;
}
