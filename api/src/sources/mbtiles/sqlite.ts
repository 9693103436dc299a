import { createRequire } from 'node:module';

/**
 * The little SQLite we need (MBTiles files), on whichever engine the runtime has:
 * - Node ≥ 22.5 ships `node:sqlite`: used there. It is also what keeps Node 24 alive: since 24.19,
 *   better-sqlite3 12.x aborts the process when an idle GC finalizes a Statement (its ObjectWrap
 *   destructor runs without a V8 context), and 13.x, which fixes that, does not run on Node 20.
 * - Node 20 (the quick start on a fresh machine) falls back to better-sqlite3, an optional dependency.
 * Values come back as JavaScript primitives, BLOBs as Buffers, from either engine.
 */
export type Row = Record<string, unknown>;
type Param = string | number | bigint | Buffer | null;

export interface SqliteStatement {
  get(...params: Param[]): Row | undefined;
  all(...params: Param[]): Row[];
  run(...params: Param[]): void;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
  readonly isOpen: boolean;
}

interface Engine {
  name: 'node:sqlite' | 'better-sqlite3';
  open(
    path: string,
    readonly: boolean,
  ): { prepare(sql: string): SqliteStatement; exec(sql: string): void; close(): void };
}

function asBuffers(row: Row | undefined): Row | undefined {
  if (!row) return row;
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return row;
}

function nodeSqliteEngine(): Engine | undefined {
  const sqlite = process.getBuiltinModule?.('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (!sqlite) return undefined;
  return {
    name: 'node:sqlite',
    open: (path, readonly) => {
      const db = new sqlite.DatabaseSync(path, { readOnly: readonly });
      return {
        prepare: (sql) => {
          const statement = db.prepare(sql);
          return {
            get: (...params) => asBuffers(statement.get(...params) as Row | undefined),
            all: (...params) => (statement.all(...params) as Row[]).map((r) => asBuffers(r) as Row),
            run: (...params) => void statement.run(...params),
          };
        },
        exec: (sql) => db.exec(sql),
        close: () => db.close(),
      };
    },
  };
}

function betterSqliteEngine(): Engine {
  let Database: typeof import('better-sqlite3');
  try {
    Database = createRequire(import.meta.url)('better-sqlite3');
  } catch (error) {
    throw new Error(
      `SQLite is unavailable: this Node ${process.version} has no node:sqlite and better-sqlite3 did not install (${String(error)})`,
    );
  }
  return {
    name: 'better-sqlite3',
    open: (path, readonly) => {
      const db = new Database(path, { readonly, fileMustExist: readonly });
      return {
        prepare: (sql) => {
          const statement = db.prepare(sql);
          return {
            get: (...params) => statement.get(...params) as Row | undefined,
            all: (...params) => statement.all(...params) as Row[],
            run: (...params) => void statement.run(...params),
          };
        },
        exec: (sql) => void db.exec(sql),
        close: () => db.close(),
      };
    },
  };
}

let chosen: Engine | undefined;

function engine(): Engine {
  chosen ??= nodeSqliteEngine() ?? betterSqliteEngine();
  return chosen;
}

/** Which engine `openSqlite` uses on this runtime (for benchmark reports and diagnostics). */
export function sqliteEngine(): Engine['name'] {
  return engine().name;
}

/** Opens a SQLite file; `readonly` also requires it to exist. */
export function openSqlite(path: string, { readonly }: { readonly: boolean }): SqliteDatabase {
  const db = engine().open(path, readonly);
  let open = true;
  return {
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    close: () => {
      if (!open) return;
      open = false;
      db.close();
    },
    get isOpen() {
      return open;
    },
  };
}
