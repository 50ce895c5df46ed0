/** The SQLite connections brokers and the coordinator open: their page cache is the stated limit. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sqlitePageCacheKiB } from '../../src/common/limits.js';
import { openDatabase } from '../../src/storage/database.js';

test("a connection's page cache is sqlitePageCacheKiB, not better-sqlite3's build default (16 MiB)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-database-test-'));
  try {
    const db = openDatabase(path.join(dir, 'x.db'), ['CREATE TABLE t (x)']);
    assert.is(db.pragma('cache_size', { simple: true }), -sqlitePageCacheKiB, 'negative: KiB');
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
