import { renameSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite.js';

/** Metadata rows of an MBTiles 1.3 vector tileset (`json` carries `vector_layers`). */
export interface MbtilesMetadata {
  name: string;
  format: 'pbf';
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  description?: string;
  attribution?: string;
  version?: string;
  json: { vector_layers: unknown[]; [key: string]: unknown };
}

/** Gzip's magic bytes: tiles are stored and served gzip-compressed (CARTO and MBTiles convention). */
export const isGzip = (data: Buffer) => data[0] === 0x1f && data[1] === 0x8b;

/** Metadata values are text: arrays comma-separated, objects as JSON. */
const asText = (value: unknown) =>
  Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);

/**
 * Writes an MBTiles file atomically: everything goes to `<path>.tmp-<pid>` and is renamed over `path`
 * only after the last tile, so a reader never sees a half-written tileset.
 */
export class MbtilesWriter {
  private readonly tmpPath: string;
  private readonly db: SqliteDatabase;
  private readonly insert: SqliteStatement;

  constructor(private readonly path: string) {
    this.tmpPath = `${path}.tmp-${process.pid}`;
    rmSync(this.tmpPath, { force: true });
    this.db = openSqlite(this.tmpPath, { readonly: false });
    this.db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
    this.db.exec(`
      CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
      CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL);
      CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
      CREATE UNIQUE INDEX metadata_index ON metadata (name);
    `);
    this.insert = this.db.prepare('INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)');
    this.db.exec('BEGIN');
  }

  /** Stores MVT bytes for XYZ tile z/x/y, gzip-compressed unless they are already (rows are TMS: y flipped). */
  putTile(z: number, x: number, y: number, mvt: Buffer): void {
    this.insert.run(z, x, (1 << z) - 1 - y, isGzip(mvt) ? mvt : gzipSync(mvt));
  }

  finish(metadata: MbtilesMetadata): void {
    const put = this.db.prepare('INSERT INTO metadata VALUES (?, ?)');
    for (const [name, value] of Object.entries(metadata)) {
      if (value !== undefined) put.run(name, asText(value));
    }
    this.db.exec('COMMIT');
    this.db.close();
    renameSync(this.tmpPath, this.path);
  }

  abort(): void {
    this.db.close();
    rmSync(this.tmpPath, { force: true });
  }
}
