// Generalized Hilbert curve ("gilbert2d", Jakub Červený) over a w×h rectangle of cells.

/** A rectangle the curve fills from cell (x, y) along the major vector a, then the minor vector b. */
interface Block {
  x: number;
  y: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

// Exactly one component of a and of b is non-zero, so |ax + ay| is the length of a.
const majorLength = (b: Block): number => Math.abs(b.ax + b.ay);
const minorLength = (b: Block): number => Math.abs(b.bx + b.by);
const cellCount = (b: Block): number => majorLength(b) * minorLength(b);

// Halving uses floor division like the reference (Python `//`); for negative vectors it differs from truncation.
const half = (v: number): number => Math.floor(v / 2);

/** The whole w×h rectangle: main axis along x when w > h, along y otherwise (CARTO's tie rule). */
function rootBlock(w: number, h: number): Block {
  return w > h ? { x: 0, y: 0, ax: w, ay: 0, bx: 0, by: h } : { x: 0, y: 0, ax: 0, ay: h, bx: w, by: 0 };
}

/** The sub-blocks the curve visits in order, or null when the block is a single row or column. */
function subdivide(block: Block): Block[] | null {
  const { x, y, ax, ay, bx, by } = block;
  const w = majorLength(block);
  const h = minorLength(block);
  if (w === 1 || h === 1) return null;

  const [dax, day, dbx, dby] = [Math.sign(ax), Math.sign(ay), Math.sign(bx), Math.sign(by)];
  let [ax2, ay2, bx2, by2] = [half(ax), half(ay), half(bx), half(by)];

  if (2 * w > 3 * h) {
    // Long block: cut the major axis in two, preferring an even first half so the path stays unit-step.
    if (Math.abs(ax2 + ay2) % 2 === 1 && w > 2) [ax2, ay2] = [ax2 + dax, ay2 + day];
    return [
      { x, y, ax: ax2, ay: ay2, bx, by },
      { x: x + ax2, y: y + ay2, ax: ax - ax2, ay: ay - ay2, bx, by },
    ];
  }

  // Standard block: up along the first half of b, across along a, back down ending at the far corner.
  if (Math.abs(bx2 + by2) % 2 === 1 && h > 2) [bx2, by2] = [bx2 + dbx, by2 + dby];
  return [
    { x, y, ax: bx2, ay: by2, bx: ax2, by: ay2 },
    { x: x + bx2, y: y + by2, ax, ay, bx: bx - bx2, by: by - by2 },
    {
      x: x + (ax - dax) + (bx2 - dbx),
      y: y + (ay - day) + (by2 - dby),
      ax: -bx2,
      ay: -by2,
      bx: -(ax - ax2),
      by: -(ay - ay2),
    },
  ];
}

function contains(block: Block, x: number, y: number): boolean {
  const { ax, ay, bx, by } = block;
  const farX = block.x + ax - Math.sign(ax) + bx - Math.sign(bx);
  const farY = block.y + ay - Math.sign(ay) + by - Math.sign(by);
  return (
    x >= Math.min(block.x, farX) &&
    x <= Math.max(block.x, farX) &&
    y >= Math.min(block.y, farY) &&
    y <= Math.max(block.y, farY)
  );
}

/** The position (0 ≤ p < w·h) of cell (x, y) along the w×h curve, by descent in O(log(w·h)) steps. */
export function gilbertIndex(w: number, h: number, x: number, y: number): number {
  if (!Number.isSafeInteger(w) || !Number.isSafeInteger(h) || w < 1 || h < 1) {
    throw new RangeError(`Invalid gilbert rectangle ${w}×${h}`);
  }
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || x >= w || y < 0 || y >= h) {
    throw new RangeError(`Cell (${x}, ${y}) is outside the ${w}×${h} rectangle`);
  }
  let block = rootBlock(w, h);
  let skipped = 0;
  for (;;) {
    const parts = subdivide(block);
    // A row or column is walked straight from its origin, so the offset is the Manhattan distance.
    if (!parts) return skipped + Math.abs(x - block.x) + Math.abs(y - block.y);
    const inside = parts.findIndex((part) => contains(part, x, y));
    for (const part of parts.slice(0, inside)) skipped += cellCount(part);
    block = parts[inside] as Block;
  }
}
