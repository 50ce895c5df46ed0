/**
 * log.db's WAL checkpoints (storage/wal-checkpointer.ts) run in a worker thread, not inside commits
 * on the event loop, and the WAL stays bounded under steady writes (passive checkpoints alone would
 * let it grow: some write always lands during a pass); the worker runs only while the store is
 * written to; closing the store leaves no WAL behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeRecordBatch, splitAndValidateBatches, type BatchView } from '../../src/protocol/record-batch.js';
import { LogStore } from '../../src/storage/log-store.js';

const RESTART_PAGES = 200;
const PAGE_BYTES = 4096;

function batchOf(bytes: number): BatchView {
  return splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.alloc(bytes, 'w'), timestamp: Date.now() }]))[0]!;
}

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const walBytes = (file: string) => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

test('the WAL is checkpointed by the worker, the event loop copies only a small part, and the WAL stays bounded under steady writes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-wal-test-'));
  const store = new LogStore(dir, { walCheckpoint: { intervalMs: 5, restartPages: RESTART_PAGES, startCommits: 1 } });
  try {
    const log = store.partition('t', 0);
    const batch = batchOf(8000);
    store.transaction(() => log.appendAsLeader([batch], 0));
    await until('the checkpointer worker to start', () => store.walCheckpointer.stats().offLoop);
    const commits = 1500; // ~30 MB of WAL pages (5 a commit), 35 times the restart point
    let maxWal = 0;
    for (let i = 1; i < commits; i++) {
      store.transaction(() => log.appendAsLeader([batch], 0));
      if (i % 25 === 0) maxWal = Math.max(maxWal, walBytes(store.file));
      // Steady writes with the loop turning (the worker's reports arrive), as on a broker: up to ~30 MB/s.
      await (i % 4 === 3 ? sleep(1) : nextTurn());
    }
    const s = store.walCheckpointer.stats();
    const written = (s.workerPages + s.loopPages) * PAGE_BYTES;
    assert.ok(s.offLoop, 'checkpoints still run in the worker');
    assert.ok(s.loopPasses >= 1, `the event loop let the WAL start over (${JSON.stringify(s)})`);
    assert.ok(s.workerPages > 3 * s.loopPages, `the worker copied most pages (${JSON.stringify(s)})`);
    assert.ok(maxWal < written / 3, `WAL bounded: at most ${maxWal} bytes while ${written} were written`);
    assert.ok(s.maxWalPages <= 4 * RESTART_PAGES, `the WAL held at most ${s.maxWalPages} pages`);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('closing the store closes the worker connection first: the last close checkpoints and removes the WAL; what was written reads back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-wal-test-'));
  try {
    const store = new LogStore(dir, { walCheckpoint: { intervalMs: 5, restartPages: RESTART_PAGES, startCommits: 1 } });
    const log = store.partition('t', 0);
    store.transaction(() => log.appendAsLeader([batchOf(3000)], 0));
    await until('the checkpointer worker to start', () => store.walCheckpointer.stats().offLoop);
    for (let i = 1; i < 50; i++) store.transaction(() => log.appendAsLeader([batchOf(3000)], 0));
    store.close();
    assert.not.ok(fs.existsSync(`${store.file}-wal`), 'no WAL left after close');
    const again = new LogStore(dir);
    try {
      assert.is(again.partition('t', 0).logEndOffset, 50);
    } finally {
      again.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker runs only while the store is written to: it starts after startCommits, stops after idleStopMs with nothing to copy, starts again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-wal-test-'));
  const store = new LogStore(dir, { walCheckpoint: { intervalMs: 5, idleStopMs: 100, startCommits: 3 } });
  try {
    const log = store.partition('t', 0);
    const write = () => store.transaction(() => log.appendAsLeader([batchOf(100)], 0));
    write();
    write();
    await sleep(200);
    assert.not.ok(store.walCheckpointer.stats().offLoop, 'no worker for two commits');
    write();
    await until('the checkpointer worker to start', () => store.walCheckpointer.stats().offLoop);
    await until('the idle worker to stop', () => !store.walCheckpointer.stats().offLoop);
    for (let i = 0; i < 3; i++) write();
    await until('a worker to start again', () => store.walCheckpointer.stats().offLoop);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a store closed right after its first write, before its worker has opened the file, closes at once', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-wal-test-'));
  try {
    const store = new LogStore(dir, { walCheckpoint: { startCommits: 1 } });
    store.transaction(() => store.partition('t', 0).appendAsLeader([batchOf(100)], 0));
    store.close();
    assert.not.ok(store.walCheckpointer.stats().offLoop);
    assert.not.ok(fs.existsSync(`${store.file}-wal`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
