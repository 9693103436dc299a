import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { TilesetInfo, VectorLayer } from '../types.js';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite.js';

/** One MBTiles 1.3 file opened read-only, with its metadata mapped to TileJSON facts. */
export class MbtilesFile {
  readonly info: TilesetInfo;
  private readonly db: SqliteDatabase;
  private readonly selectTile: SqliteStatement;
  private readonly selectAny: SqliteStatement;

  constructor(id: string, path: string) {
    this.db = openSqlite(path, { readonly: true });
    try {
      // Tilesets are never written in place (new data arrives as a new file, renamed over the old one), so
      // the connection keeps its read lock and maps the file: no lock, journal check or read() per tile.
      this.db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA mmap_size = 1073741824;');
      this.selectTile = this.db.prepare(
        'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
      );
      // A truncated copy opens and may answer some tiles; the page count in its header gives it away.
      const size = this.db.prepare(
        'SELECT page_count * page_size AS n FROM pragma_page_count, pragma_page_size',
      );
      if (size.get()?.n !== statSync(path).size) throw new Error(`${path} is truncated or damaged`);
      this.selectAny = this.db.prepare('SELECT length(tile_data) FROM tiles LIMIT 1');
      this.probe();
      const rows = this.db.prepare('SELECT name, value FROM metadata').all();
      this.info = toTilesetInfo(
        id,
        new Map(rows.map((r) => [String(r.name), String(r.value)])),
        fileVersion(path),
      );
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** XYZ in, TMS row lookup inside. */
  tile(z: number, x: number, y: number): Buffer | null {
    return (this.selectTile.get(z, x, (1 << z) - 1 - y)?.tile_data as Buffer | undefined) ?? null;
  }

  /** Reads a row: throws when the file cannot serve tiles. */
  probe(): void {
    this.selectAny.get();
  }

  close(): void {
    this.db.close();
  }
}

/** Identity of the file on disk: replacing or rewriting it changes the version (and the tile URLs). */
export function fileVersion(path: string): string {
  const { ino, size, mtimeMs } = statSync(path);
  return createHash('sha256').update(`${ino}:${size}:${mtimeMs}`).digest('base64url').slice(0, 12);
}

function numbers(value: string | undefined, count: number): number[] | undefined {
  const parts = value?.split(',').map(Number);
  return parts?.length === count && parts.every(Number.isFinite) ? parts : undefined;
}

/** A tileset without valid `json` still serves tiles; its TileJSON lists no layers. */
function vectorLayers(json = '{}'): VectorLayer[] {
  try {
    return (JSON.parse(json) as { vector_layers?: VectorLayer[] }).vector_layers ?? [];
  } catch {
    return [];
  }
}

function toTilesetInfo(id: string, meta: Map<string, string>, version: string): TilesetInfo {
  const minzoom = Number(meta.get('minzoom') ?? 0);
  const bounds = (numbers(meta.get('bounds'), 4) ?? [-180, -85.0511, 180, 85.0511]) as TilesetInfo['bounds'];
  const [west, south, east, north] = bounds;
  const center = numbers(meta.get('center'), 3) ?? [(west + east) / 2, (south + north) / 2, minzoom];
  return {
    id,
    name: meta.get('name') ?? id,
    description: meta.get('description'),
    attribution: meta.get('attribution'),
    minzoom,
    maxzoom: Number(meta.get('maxzoom') ?? 14),
    bounds,
    center: center as TilesetInfo['center'],
    vector_layers: vectorLayers(meta.get('json')),
    version,
  };
}
