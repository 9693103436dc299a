import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleData } from '../../../api/src/sample-data/generate.js';
import { storedTiles, type TileCoord } from '../../src/sample-tiles.js';

export const OSM = 'carto-demo-data.demo_tilesets.osm_buildings';
export const OTHER = 'carto-demo-data.demo_tilesets.other_buildings';

/** Sample data plus a second tileset (a copy under another id) to show bans are per tileset. */
export function dataDirWithTwoTilesets(): { dir: string; tiles: TileCoord[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-cache-data-'));
  generateSampleData(dir);
  copyFileSync(join(dir, `${OSM}.mbtiles`), join(dir, `${OTHER}.mbtiles`));
  return { dir, tiles: storedTiles(join(dir, `${OSM}.mbtiles`)).filter((t) => t.z >= 12) };
}

/** Sum of the API's own request counter for the tile route, read from its /metrics. */
export async function apiTileRequests(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('http_requests_total{route="/maps/tileset/:tileset/:z/:x/:y"')) {
      total += Number(line.split(' ').pop());
    }
  }
  return total;
}
