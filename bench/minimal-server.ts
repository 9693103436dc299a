// The baseline: the least a tile server can do, on the API's SQLite engine and MBTiles file; no validation,
// caching headers, logging or metrics.   Usage: minimal-server.ts <http://127.0.0.1:port> <file.mbtiles>
import { createServer } from 'node:http';
import { openSqlite } from '@tilestack/api/sqlite';

const [url = '', file = ''] = process.argv.slice(2);
const db = openSqlite(file, { readonly: true });
const select = db.prepare(
  'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
);
const TILE = /^\/maps\/tileset\/[^/]+\/(\d+)\/(\d+)\/(\d+)/;

const server = createServer((req, res) => {
  const m = TILE.exec(req.url ?? '');
  if (!m) return void res.writeHead(404).end();
  const z = Number(m[1]);
  const row = select.get(z, Number(m[2]), (1 << z) - 1 - Number(m[3])) as { tile_data: Buffer } | undefined;
  if (!row) return void res.writeHead(204).end();
  res.writeHead(200, { 'content-type': 'application/vnd.mapbox-vector-tile', 'content-encoding': 'gzip' });
  res.end(row.tile_data);
});
server.listen(Number(new URL(url).port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
