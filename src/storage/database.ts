import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;

// better-sqlite3 is a native module kept outside the bundle and loaded on first use, so client
// commands (`yak produce`, `yak --help`) never touch it.
const nodeRequire = createRequire(import.meta.url);

/** Where better-sqlite3 is, for a worker thread that opens its own connection (storage/wal-checkpointer.ts). */
export function sqliteModulePath(): string {
  return nodeRequire.resolve('better-sqlite3');
}

export interface OpenOptions {
  /** `FULL` fsyncs every commit; `NORMAL` (default) survives kill -9, replication covers machine loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

/** Opens (creating if needed) a SQLite file in WAL mode and applies `migrations` past user_version. */
export function openDatabase(file: string, migrations: readonly string[], opts: OpenOptions = {}): Database {
  const Sqlite = nodeRequire('better-sqlite3') as typeof BetterSqlite3;
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
