import { createRequire } from 'node:module';
import BetterSqlite3 from 'better-sqlite3';
import { sqlitePageCacheKiB } from '../common/limits.js';

export type Database = BetterSqlite3.Database;

// better-sqlite3's JavaScript is bundled; its native module is loaded when the first database is
// opened, from where npm built it, so client commands (`yak produce`, `yak --help`) never touch it.
// Named directly rather than found by its `bindings` package, which probes a dozen paths and, with
// the CommonJS loader resolving each of better-sqlite3's files at run time, ran node's path code
// hot enough at start for V8's optimizing compiler: every broker kept its 3.5 MB of code resident.
export const sqliteNativeBinding = (): string => createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');

/** Where better-sqlite3 is, for a worker thread that opens its own connection (storage/wal-checkpointer.ts). */
export function sqliteModulePath(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3');
}

export interface OpenOptions {
  /** `FULL` fsyncs every commit; `NORMAL` (default) survives kill -9, replication covers machine loss. */
  synchronous?: 'NORMAL' | 'FULL';
}

/** Opens (creating if needed) a SQLite file in WAL mode and applies `migrations` past user_version. */
export function openDatabase(file: string, migrations: readonly string[], opts: OpenOptions = {}): Database {
  const db = new BetterSqlite3(file, { nativeBinding: sqliteNativeBinding() });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${sqlitePageCacheKiB}`);
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
