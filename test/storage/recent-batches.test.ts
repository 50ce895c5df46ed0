/**
 * The recent-batch cache (storage/recent-batches.ts) under PartitionLog.read: whatever it serves is
 * what SQLite would (every fetch offset, maxBytes and upper bound), it forgets what a truncation, a
 * rolled-back append or the cleaner's rewrite changed, it holds leader appends only, and one
 * budget bounds all partitions together, oldest entries first, counting what each entry keeps alive;
 * small batches are copied into shared slabs, so the frames they came in are not kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeRecordBatch, splitAndValidateBatches, type BatchView } from '../../src/protocol/record-batch.js';
import { LogStore } from '../../src/storage/log-store.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { bytesPerBuffer, RecentBatches } from '../../src/storage/recent-batches.js';

let dir = '';
let store: LogStore;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-recent-batches-test-'));
  store = new LogStore(dir);
});

test.after.each(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function batch(values: string[], baseOffset = 0): BatchView {
  return splitAndValidateBatches(encodeRecordBatch(values.map((v) => ({ key: Buffer.from(v), value: Buffer.from(v), timestamp: 0 })), { baseOffset }))[0]!;
}

/** What SQLite answers: the same read on a second LogStore over the same file, whose cache holds nothing. */
function fromSqlite(log: PartitionLog, fetchOffset: number, upTo: number, maxBytes: number): Buffer[] {
  const other = new LogStore(dir);
  try {
    return other.partition(log.topic, log.partition).read(fetchOffset, upTo, maxBytes);
  } finally {
    other.close();
  }
}

/** The store's cache (LogStore's hooks). */
function cacheOf(s: LogStore): RecentBatches {
  return (s as unknown as { hooks: { recent: RecentBatches } }).hooks.recent;
}

test('every read the cache serves equals SQLite\'s', () => {
  const log = store.partition('t', 0);
  // Offsets 0-1, 2, 3-5, 6.
  store.transaction(() => log.appendAsLeader([batch(['a', 'b'])], 0));
  store.transaction(() => log.appendAsLeader([batch(['c']), batch(['f', 'g', 'h'])], 0));
  store.transaction(() => log.appendAsLeader([batch(['i'])], 0));
  assert.ok(cacheOf(store).sizeBytes > 0, 'served from memory');
  for (let fetch = 0; fetch <= 7; fetch++) {
    for (const upTo of [fetch, 3, 6, 7]) {
      for (const maxBytes of [1, 80, 200, 1 << 20]) {
        assert.equal(log.read(fetch, upTo, maxBytes), fromSqlite(log, fetch, upTo, maxBytes), `read(${fetch}, ${upTo}, ${maxBytes})`);
      }
    }
  }
});

test('a truncation, a rolled-back append and a cleaner rewrite are never served from memory', () => {
  const log = store.partition('t', 0);
  for (const v of ['a', 'b', 'c']) store.transaction(() => log.appendAsLeader([batch([v])], 0));
  log.truncateTo(1);
  assert.equal(log.read(0, 10, 1 << 20), fromSqlite(log, 0, 10, 1 << 20));
  assert.is(log.read(0, 10, 1 << 20).length, 1);

  const saved = log.snapshot();
  assert.throws(() =>
    store.transaction(() => {
      log.appendAsLeader([batch(['x'])], 0);
      throw new Error('rolled back');
    }),
  );
  log.restore(saved);
  store.transaction(() => log.appendAsLeader([batch(['y'])], 0));
  assert.equal(log.read(1, 10, 1 << 20), fromSqlite(log, 1, 10, 1 << 20), 'offset 1 is y, not the rolled-back x');

  const rebuilt = encodeRecordBatch([{ key: Buffer.from('y'), value: Buffer.from('Y'), timestamp: 0 }], { baseOffset: 1 });
  log.replaceBatches([{ baseOffset: 1, bytes: rebuilt }]);
  assert.equal(log.read(1, 10, 1 << 20), [rebuilt]);
});

test('one budget for all partitions: the oldest entries go first, whichever partition holds them', () => {
  const cache = new RecentBatches(300);
  const a = cache.tail();
  const b = cache.tail();
  const bytes = (n: number) => Buffer.alloc(n, 1);
  a.append(0, 0, bytes(100));
  b.append(0, 0, bytes(100));
  a.append(1, 1, bytes(100));
  assert.is(cache.sizeBytes, 300);
  b.append(1, 1, bytes(100)); // evicts a's offset 0
  assert.is(cache.sizeBytes, 300);
  assert.is(a.read(0, 10, 1 << 20), null, 'a no longer covers offset 0: SQLite answers');
  assert.is(a.read(1, 10, 1 << 20)!.length, 1);
  assert.is(b.read(0, 10, 1 << 20)!.length, 2);
  a.clear();
  assert.is(cache.sizeBytes, 200);
  b.append(2, 2, bytes(100));
  b.append(3, 3, bytes(100)); // evicts b's offset 0 (a's cleared entries only skipped)
  assert.is(cache.sizeBytes, 300);
  assert.is(b.read(0, 10, 1 << 20), null);
  assert.is(b.read(1, 10, 1 << 20)!.length, 3);
  b.append(4, 4, bytes(400)); // larger than the budget: the tail is dropped, not the budget broken
  assert.is(b.read(1, 10, 1 << 20), null);
  assert.ok(cache.sizeBytes <= 300);
});

test('a small batch is copied into the cache\'s slab, shared with the batches after it; one most of a large buffer is kept as it is, counted at the buffer\'s size', () => {
  const cache = new RecentBatches(8 << 20, 1 << 20);
  const tail = cache.tail();
  const socketRead = Buffer.alloc(64 * 1024, 7);
  tail.append(0, 0, socketRead.subarray(100, 1100));
  const frame = Buffer.alloc(16 * 1024, 1);
  tail.append(1, 1, frame.subarray(100));
  assert.is(cache.sizeBytes, 1000 + frame.length - 100, 'each counted at its own size');
  socketRead.fill(0);
  frame.fill(0);
  const [first, second] = tail.read(0, 2, 1 << 20)!;
  assert.equal(first, Buffer.alloc(1000, 7), 'the copy does not see the socket buffer change');
  assert.equal(second, Buffer.alloc(frame.length - 100, 1), 'nor the frame');
  assert.ok(first!.buffer === second!.buffer && first!.buffer.byteLength === 1 << 20, 'both in one slab');
  assert.ok(first!.buffer !== socketRead.buffer && second!.buffer !== frame.buffer, 'neither keeps its buffer alive');

  const large = Buffer.alloc(300 * 1024, 3);
  tail.append(2, 2, large.subarray(1000));
  assert.ok(tail.read(2, 3, 1 << 20)![0]!.buffer === large.buffer, 'kept as it is');
  assert.is(cache.sizeBytes, 1000 + frame.length - 100 + large.length, 'counted at its whole buffer');
  const big = Buffer.alloc(700 * 1024, 4);
  tail.append(3, 3, big.subarray(0, 300 * 1024), 300 * 1024);
  const copied = tail.read(3, 4, 1 << 20)![0]!;
  assert.ok(copied.buffer !== big.buffer && copied.buffer.byteLength === 300 * 1024, 'under half of a large buffer: a copy of its own');
});

test('a slab full, the next small batch starts a new one; a batch bigger than a quarter slab is never put in one', () => {
  const cache = new RecentBatches(8 << 20, 64 * 1024);
  const tail = cache.tail();
  for (let i = 0; i < 5; i++) tail.append(i, i, Buffer.alloc(15 * 1024, i));
  const kept = tail.read(0, 5, 1 << 20)!;
  assert.equal(kept.map((b, i) => b.equals(Buffer.alloc(15 * 1024, i))), [true, true, true, true, true]);
  assert.ok(kept[3]!.buffer === kept[0]!.buffer && kept[4]!.buffer !== kept[0]!.buffer, 'four fill the first slab, the fifth is in the second');
  tail.append(5, 5, Buffer.alloc(17 * 1024, 5));
  assert.is(tail.read(5, 6, 1 << 20)![0]!.buffer.byteLength, 17 * 1024, 'a copy of its own');
});

/** Batches as they lie in one buffer of their own, behind `headerBytes` of something else (a frame's header), as FrameDecoder makes one. */
function inOneBuffer(batches: BatchView[], headerBytes = 0): { buffer: Buffer; batches: BatchView[] } {
  const parts = [Buffer.alloc(headerBytes, 9), ...batches.map((b) => b.bytes)];
  const buffer = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0));
  Buffer.concat(parts).copy(buffer);
  return { buffer, batches: splitAndValidateBatches(buffer.subarray(headerBytes)) };
}

/** A value big enough that a batch of three of them fills a large buffer (a quarter slab or more). */
const large = (c: string) => c.repeat(100 * 1024);

test('batches appended together from one large buffer (a produce frame) are kept as they came when they are most of it, counted at their shares of it', () => {
  const log = store.partition('t', 0);
  const frame = inOneBuffer([batch([large('a'), large('b')]), batch([large('c')]), batch([large('d'), 'e', 'f'])], 40);
  const cache = cacheOf(store);
  store.transaction(() => log.appendAsLeader(frame.batches, 0));
  const served = log.read(0, 6, 16 << 20);
  assert.is(served.length, 3);
  served.forEach((b, i) => assert.ok(b.buffer === frame.buffer.buffer && b.byteOffset === frame.batches[i]!.bytes.byteOffset, `batch ${i} not copied`));
  assert.ok(Math.abs(cache.sizeBytes - frame.buffer.buffer.byteLength) <= 3, 'together they count as the whole buffer');
  assert.equal(served, fromSqlite(log, 0, 6, 16 << 20));

  // Batches of three partitions filling one buffer (a socket read of three produce frames), appended
  // in one transaction weighed together: none is copied, though each is a third of it.
  const all = inOneBuffer(['p', 'q', 'r'].map((v) => batch([large(v)])));
  const logs = [2, 3, 4].map((p) => store.partition('t', p));
  const perBuffer = bytesPerBuffer(all.batches);
  store.transaction(() => logs.forEach((l, i) => l.appendAsLeader([all.batches[i]!], 0, perBuffer)));
  for (const l of logs) assert.ok(l.read(0, 1, 16 << 20)[0]!.buffer === all.buffer.buffer, `partition ${l.partition} not copied`);

  // One batch of a buffer that is mostly something else (another partition's records) is still copied.
  const other = store.partition('t', 1);
  const mostlyOther = inOneBuffer([batch(['x']), batch([large('y').repeat(3)])]);
  store.transaction(() => other.appendAsLeader([mostlyOther.batches[0]!], 0));
  assert.ok(other.read(0, 1, 1 << 20)[0]!.buffer !== mostlyOther.buffer.buffer, 'copied');
});

test('a follower\'s appends are not cached, and drop what its log cached as leader: its reads come from SQLite', () => {
  const log = store.partition('t', 0);
  const cache = cacheOf(store);
  store.transaction(() => log.appendAsLeader([batch(['a', 'b'])], 0));
  assert.ok(cache.sizeBytes > 0, 'a leader append is cached');
  // The replica now follows (a new leader at epoch 1): what it fetches goes to SQLite only.
  const fetched = inOneBuffer([batch(['c'], 2), batch(['d', 'e'], 3)], 40);
  store.transaction(() => log.appendAsFollower(fetched.batches));
  assert.is(cache.sizeBytes, 0);
  const read = log.read(0, 5, 1 << 20);
  assert.is(read.length, 3);
  assert.ok(read.every((b) => b.buffer !== fetched.buffer.buffer), 'not the fetch answer\'s buffer');
  assert.equal(read, fromSqlite(log, 0, 5, 1 << 20));
});

test.run();
