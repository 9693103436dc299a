import { openSqlite } from '@tilestack/api/sqlite';

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** XYZ coordinates of every tile stored in an MBTiles file. */
export function storedTiles(mbtilesPath: string): TileCoord[] {
  const db = openSqlite(mbtilesPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT zoom_level z, tile_column x, tile_row r FROM tiles').all();
    return (rows as { z: number; x: number; r: number }[]).map(({ z, x, r }) => ({
      z,
      x,
      y: (1 << z) - 1 - r,
    }));
  } finally {
    db.close();
  }
}

/** Tile requests the API processes at `urls` have answered so far, from their own Prometheus counter. */
export async function tileRequests(...urls: string[]): Promise<number> {
  const texts = await Promise.all(urls.map(async (url) => (await fetch(`${url}/metrics`)).text()));
  return texts
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.startsWith('http_requests_total{route="/maps/tileset/:tileset/:z/:x/:y"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
