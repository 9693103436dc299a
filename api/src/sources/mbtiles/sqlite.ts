import { createRequire } from 'node:module';

/**
 * The little SQLite we need (MBTiles files), on whichever engine the runtime has: Node ≥ 22.5's built-in
 * `node:sqlite` where it exists — it also keeps Node 24 alive: since 24.19, better-sqlite3 12.x aborts
 * the process when an idle GC finalizes a Statement, and 13.x, which fixes that, does not run on Node 20 —
 * else the optional better-sqlite3 (Node 20, the quick start on a fresh machine). BLOBs come back as Buffers.
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
  /** Idempotent. */
  close(): void;
}

const builtin = process.getBuiltinModule?.('node:sqlite') as typeof import('node:sqlite') | undefined;

/** Which engine `openSqlite` uses on this runtime (for benchmark reports and diagnostics). */
export function sqliteEngine(): 'node:sqlite' | 'better-sqlite3' {
  return builtin ? 'node:sqlite' : 'better-sqlite3';
}

/** node:sqlite returns BLOBs as Uint8Array; a Buffer view of the same bytes (no copy, no allocation per key). */
function asBuffers(row: Row | undefined): Row | undefined {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value))
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return row;
}

function betterSqlite(): typeof import('better-sqlite3') {
  try {
    return createRequire(import.meta.url)('better-sqlite3');
  } catch (error) {
    throw new Error(
      `SQLite is unavailable: this Node ${process.version} has no node:sqlite and better-sqlite3 did not install (${String(error)})`,
    );
  }
}

/** Opens a SQLite file; `readonly` also requires it to exist. */
export function openSqlite(path: string, { readonly }: { readonly: boolean }): SqliteDatabase {
  const db = builtin
    ? new builtin.DatabaseSync(path, { readOnly: readonly })
    : new (betterSqlite())(path, { readonly, fileMustExist: readonly });
  let open = true;
  return {
    prepare: (sql) => {
      const statement = db.prepare(sql) as unknown as SqliteStatement;
      if (!builtin) return statement;
      return {
        get: (...params) => asBuffers(statement.get(...params)),
        all: (...params) => statement.all(...params).map((r) => asBuffers(r) as Row),
        run: (...params) => void statement.run(...params),
      };
    },
    exec: (sql) => void db.exec(sql),
    close: () => {
      if (open) db.close();
      open = false;
    },
  };
}
