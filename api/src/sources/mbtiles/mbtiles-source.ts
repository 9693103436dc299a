import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureCollection } from 'geojson';
import { NotFoundError } from '../../errors.js';
import { TtlMemo } from '../memo.js';
import type { DataSource, SourceObserver, TableQuery, TilesetInfo } from '../types.js';
import { readLocalTable } from './local-table.js';
import { fileVersion, MbtilesFile } from './mbtiles-file.js';

const TILESET_SUFFIX = '.mbtiles';
const TABLE_SUFFIX = '.ndjson';

/**
 * Local data source: `DATA_DIR/<tileset id>.mbtiles` and `DATA_DIR/<table id>.ndjson`.
 * Ids are looked up among the directory's file names, never joined into a path unchecked, so no
 * request can reach a file outside DATA_DIR.
 */
export class MbtilesSource implements DataSource {
  readonly kind = 'mbtiles' as const;
  private readonly open = new Map<string, MbtilesFile>();
  private readonly listing = new TtlMemo<Set<string>>(1000);
  private readonly checked: TtlMemo<MbtilesFile>;

  constructor(
    private readonly dataDir: string,
    metadataTtlSeconds: number,
    private readonly observer: SourceObserver,
  ) {
    this.checked = new TtlMemo(metadataTtlSeconds * 1000);
  }

  async getTileset(id: string): Promise<TilesetInfo> {
    return (await this.file(id)).info;
  }

  async getTile(id: string, z: number, x: number, y: number): Promise<Buffer | null> {
    return this.read(await this.file(id), z, x, y);
  }

  /** Synchronous while the tileset's file is open and recently checked (nearly always): no promise. */
  tileNow(id: string, z: number, x: number, y: number) {
    const file = this.checked.peek(id);
    return file && { info: file.info, data: this.read(file, z, x, y) };
  }

  private read(file: MbtilesFile, z: number, x: number, y: number): Buffer | null {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const tile = file.tile(z, x, y);
      outcome = 'ok';
      return tile;
    } finally {
      this.observer.query({ kind: 'tile', outcome, seconds: (performance.now() - started) / 1000 });
    }
  }

  async getTable(id: string, query: TableQuery): Promise<FeatureCollection> {
    if (!(await this.fileNames()).has(`${id}${TABLE_SUFFIX}`)) throw new NotFoundError('table', id);
    return this.observe('table', () => readLocalTable(join(this.dataDir, `${id}${TABLE_SUFFIX}`), query));
  }

  /** Ready when the folder is readable and every tileset in it opens and reads a row. */
  async ping(): Promise<void> {
    await readdir(this.dataDir);
    for (const name of await this.fileNames()) {
      if (name.endsWith(TILESET_SUFFIX)) (await this.file(name.slice(0, -TILESET_SUFFIX.length))).probe();
    }
  }

  async close(): Promise<void> {
    for (const file of this.open.values()) file.close();
    this.open.clear();
  }

  /** The open file for a tileset, reopened when the file on disk was replaced (new data version). */
  private file(id: string): Promise<MbtilesFile> {
    return this.checked.get(id, async () => {
      if (!(await this.fileNames()).has(`${id}${TILESET_SUFFIX}`)) throw new NotFoundError('tileset', id);
      const path = join(this.dataDir, `${id}${TILESET_SUFFIX}`);
      const current = this.open.get(id);
      if (current && current.info.version === fileVersion(path)) return current;
      const file = await this.observe('tileset', () => new MbtilesFile(id, path));
      current?.close();
      this.open.set(id, file);
      return file;
    });
  }

  private fileNames(): Promise<Set<string>> {
    return this.listing.get('', async () => new Set(await readdir(this.dataDir).catch(() => [])));
  }

  private async observe<T>(kind: 'tileset' | 'tile' | 'table', run: () => T | Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = await run();
      outcome = 'ok';
      return result;
    } finally {
      this.observer.query({ kind, outcome, seconds: (performance.now() - started) / 1000 });
    }
  }
}
