import { openSqlite } from '../../api/src/sources/mbtiles/sqlite.js';

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** XYZ coordinates of every stored tile in an MBTiles file (for tests and benchmarks). */
export function storedTiles(mbtilesPath: string): TileCoord[] {
  const db = openSqlite(mbtilesPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT zoom_level z, tile_column x, tile_row r FROM tiles').all() as {
      z: number;
      x: number;
      r: number;
    }[];
    return rows.map(({ z, x, r }) => ({ z, x, y: (1 << z) - 1 - r }));
  } finally {
    db.close();
  }
}
