/**
 * PartitionLog over a real SQLite file (LogStore) in a temp dir: leader and follower appends, reads
 * bounded by the high watermark and maxBytes (first batch always whole, KIP-74), truncation with the
 * leader-epoch cache (KIP-101), checkpointing and recovery after reopening the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import {
  decodeRecordBatches,
  encodeRecordBatch,
  readBatchHeader,
  splitAndValidateBatches,
  type BatchView,
} from '../../src/protocol/record-batch.js';
import { openDatabase } from '../../src/storage/database.js';
import { LogStore } from '../../src/storage/log-store.js';
import { withHeaderMaxTimestamp } from '../helpers/batches.js';

const T0 = 1_700_000_000_000;
let dir = '';
let store: LogStore;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-log-test-'));
  store = new LogStore(dir);
});

test.after.each(() => {
  try {
    store.close();
  } catch {
    // already closed by the test
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One validated batch (as the produce handler would get it) holding `values`, stamped T0 + ts. */
function batch(values: string[], ts = 0): BatchView {
  const bytes = encodeRecordBatch(values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: T0 + ts + i })));
  return splitAndValidateBatches(bytes)[0]!;
}

function reopen(): LogStore {
  store.close();
  store = new LogStore(dir);
  return store;
}

/** Record values of the stored batches, with the offsets decoding assigns. */
function values(bufs: Buffer[]): [number, string][] {
  return decodeRecordBatches(Buffer.concat(bufs)).flatMap((b) => b.records.map((r) => [r.offset, r.value!.toString()] as [number, string]));
}

const header = (b: Buffer) => readBatchHeader(b);

// --- leader append ---------------------------------------------------------------------------------

test('a new partition is empty', () => {
  const log = store.partition('t', 0);
  assert.is(log.logStartOffset, 0);
  assert.is(log.logEndOffset, 0);
  assert.is(log.highWatermark, 0);
  assert.equal(log.epochs, []);
  assert.is(log.latestEpoch, -1);
  assert.equal(log.read(0, 100, 1 << 20), []);
  assert.is(store.partition('t', 0), log, 'one PartitionLog per partition');
});

test('leader appends assign contiguous offsets and stamp the leader epoch in the stored bytes', () => {
  const log = store.partition('t', 0);
  const r1 = store.transaction(() => log.appendAsLeader([batch(['a', 'b', 'c'])], 0));
  assert.equal(r1, { baseOffset: 0, lastOffset: 2 });
  const r2 = store.transaction(() => log.appendAsLeader([batch(['d']), batch(['e', 'f'])], 0));
  assert.equal(r2, { baseOffset: 3, lastOffset: 5 });
  assert.is(log.logEndOffset, 6);

  const stored = log.read(0, log.logEndOffset, 1 << 20);
  assert.equal(
    stored.map((b) => [header(b).baseOffset, header(b).partitionLeaderEpoch, header(b).recordCount]),
    [
      [0, 0, 3],
      [3, 0, 1],
      [4, 0, 2],
    ],
  );
  // Stamping left the CRC valid: the stored bytes pass the leader's own validation again.
  assert.is(splitAndValidateBatches(Buffer.concat(stored)).length, 3);
  assert.equal(values(stored), [
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
    [3, 'd'],
    [4, 'e'],
    [5, 'f'],
  ]);
});

test('the epoch cache records the first offset of each new leader epoch', () => {
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['a', 'b'])], 0));
  store.transaction(() => log.appendAsLeader([batch(['c'])], 0));
  assert.equal(log.epochs, [{ epoch: 0, startOffset: 0 }]);
  store.transaction(() => log.appendAsLeader([batch(['d', 'e'])], 3));
  store.transaction(() => log.appendAsLeader([batch(['f'])], 5));
  assert.equal(log.epochs, [
    { epoch: 0, startOffset: 0 },
    { epoch: 3, startOffset: 3 },
    { epoch: 5, startOffset: 5 },
  ]);
  assert.is(log.latestEpoch, 5);
  const epochs = log.read(0, 6, 1 << 20).map((b) => header(b).partitionLeaderEpoch);
  assert.equal(epochs, [0, 0, 3, 5]);
});

test('partitions are independent', () => {
  const a = store.partition('t', 0);
  const b = store.partition('t', 1);
  const c = store.partition('u', 0);
  store.transaction(() => {
    a.appendAsLeader([batch(['a0', 'a1'])], 1);
    b.appendAsLeader([batch(['b0'])], 2);
  });
  assert.is(a.logEndOffset, 2);
  assert.is(b.logEndOffset, 1);
  assert.is(c.logEndOffset, 0);
  assert.equal(values(b.read(0, 1, 1 << 20)), [[0, 'b0']]);
  assert.equal(c.read(0, 10, 1 << 20), []);
  assert.equal(
    store
      .storedPartitions()
      .map((p) => `${p.topic}/${p.partition}`)
      .sort(),
    ['t/0', 't/1'],
  );
});

// --- follower append ---------------------------------------------------------------------------------

test('follower append keeps the offsets and epochs the leader gave, rejects an overlap and takes a gap', () => {
  const leader = store.partition('t', 0);
  store.transaction(() => leader.appendAsLeader([batch(['a', 'b'])], 4));
  store.transaction(() => leader.appendAsLeader([batch(['c'])], 6));
  const fetched = splitAndValidateBatches(Buffer.concat(leader.read(0, 3, 1 << 20)));

  const follower = store.partition('t', 1);
  store.transaction(() => follower.appendAsFollower(fetched));
  assert.is(follower.logEndOffset, 3);
  assert.equal(follower.epochs, [
    { epoch: 4, startOffset: 0 },
    { epoch: 6, startOffset: 2 },
  ]);
  assert.ok(Buffer.concat(follower.read(0, 3, 1 << 20)).equals(Buffer.concat(leader.read(0, 3, 1 << 20))), 'byte-identical replica');

  // A batch starting before the follower's log end (an overlap) is refused.
  const behind = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: T0 }], { baseOffset: 2 }));
  try {
    store.transaction(() => follower.appendAsFollower(behind));
    assert.unreachable('overlap accepted');
  } catch (e) {
    assert.instance(e, KafkaError);
    assert.is((e as KafkaError).code, ErrorCode.OFFSET_OUT_OF_RANGE);
  }
  assert.is(follower.logEndOffset, 3);
  // One starting past it is a gap the leader's cleaner left (it removed a compacted-away batch): taken, as Kafka's followers take it.
  const ahead = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: T0 }], { baseOffset: 10 }));
  store.transaction(() => follower.appendAsFollower(ahead));
  assert.is(follower.logEndOffset, 11);
  assert.equal(values(follower.read(3, 11, 1 << 20)), [[10, 'x']], 'a read from inside the gap gets the next batch');
});

// --- read --------------------------------------------------------------------------------------------

/** Five batches: offsets 0-2, 3-4, 5, 6-9, 10-11. */
function fiveBatches() {
  const log = store.partition('t', 0);
  for (const vs of [['0', '1', '2'], ['3', '4'], ['5'], ['6', '7', '8', '9'], ['10', '11']]) {
    store.transaction(() => log.appendAsLeader([batch(vs)], 1));
  }
  return log;
}
const bases = (bufs: Buffer[]) => bufs.map((b) => header(b).baseOffset);

test('a read from an offset in the middle of a batch returns that whole batch', () => {
  const log = fiveBatches();
  assert.equal(bases(log.read(4, 12, 1 << 20)), [3, 5, 6, 10]);
  assert.equal(bases(log.read(8, 12, 1 << 20)), [6, 10]);
  assert.equal(bases(log.read(11, 12, 1 << 20)), [10]);
  assert.equal(bases(log.read(0, 12, 1 << 20)), [0, 3, 5, 6, 10]);
});

test('a read stops at upToOffset (the high watermark): no batch reaching it is returned', () => {
  const log = fiveBatches();
  assert.equal(bases(log.read(0, 10, 1 << 20)), [0, 3, 5, 6], 'batch 10-11 is above the HW');
  assert.equal(bases(log.read(0, 6, 1 << 20)), [0, 3, 5]);
  assert.equal(bases(log.read(0, 3, 1 << 20)), [0]);
  assert.equal(log.read(12, 12, 1 << 20), [], 'at the high watermark: nothing');
  assert.equal(log.read(5, 5, 1 << 20), []);
  assert.equal(log.read(7, 6, 1 << 20), [], 'past upToOffset');
});

test('a read respects maxBytes but always returns the first batch whole', () => {
  const log = fiveBatches();
  const all = log.read(0, 12, 1 << 20);
  const size = (i: number) => all[i]!.length;
  assert.equal(bases(log.read(0, 12, 1)), [0], 'first batch even though it is larger than maxBytes');
  assert.ok(size(0) > 1);
  assert.equal(bases(log.read(0, 12, size(0))), [0]);
  assert.equal(bases(log.read(0, 12, size(0) + size(1) - 1)), [0], 'second batch does not fit');
  assert.equal(bases(log.read(0, 12, size(0) + size(1))), [0, 3]);
  assert.equal(bases(log.read(3, 12, size(1) + size(2) + size(3))), [3, 5, 6]);
  assert.equal(log.read(0, 12, 0), [], 'maxBytes 0 asks for nothing');
  // No partial batches: every buffer returned is a complete batch.
  for (const b of log.read(0, 12, size(0) + 10)) assert.is(b.length, header(b).batchLength + 12);
});

// --- truncation ---------------------------------------------------------------------------------------

test('truncateTo removes whole batches from the one holding the offset, and their epochs', () => {
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['0', '1', '2'])], 1)); // 0-2
  store.transaction(() => log.appendAsLeader([batch(['3', '4'])], 2)); // 3-4
  store.transaction(() => log.appendAsLeader([batch(['5', '6'])], 3)); // 5-6
  log.setHighWatermark(7);
  assert.equal(log.epochs.map((e) => e.epoch), [1, 2, 3]);

  log.truncateTo(6); // inside batch 5-6: the whole batch goes
  assert.is(log.logEndOffset, 5);
  assert.is(log.highWatermark, 5, 'the high watermark never exceeds the log end');
  assert.equal(log.epochs, [
    { epoch: 1, startOffset: 0 },
    { epoch: 2, startOffset: 3 },
  ]);
  assert.equal(bases(log.read(0, 100, 1 << 20)), [0, 3]);

  log.truncateTo(3); // at a batch boundary
  assert.is(log.logEndOffset, 3);
  assert.equal(log.epochs, [{ epoch: 1, startOffset: 0 }]);
  assert.equal(values(log.read(0, 100, 1 << 20)), [
    [0, '0'],
    [1, '1'],
    [2, '2'],
  ]);

  // Appends continue from the truncated end, in a new epoch.
  const r = store.transaction(() => log.appendAsLeader([batch(['x'])], 4));
  assert.equal(r, { baseOffset: 3, lastOffset: 3 });
  assert.equal(log.epochs, [
    { epoch: 1, startOffset: 0 },
    { epoch: 4, startOffset: 3 },
  ]);

  // Survives a reopen.
  const again = reopen().partition('t', 0);
  assert.is(again.logEndOffset, 4);
  assert.equal(again.epochs, log.epochs);
  assert.equal(values(again.read(0, 100, 1 << 20)).map(([, v]) => v), ['0', '1', '2', 'x']);
});

test("truncateTo an offset in a cleaner's gap keeps the batch before the gap (it holds no offset being cut)", () => {
  const log = store.partition('t', 0);
  const at = (baseOffset: number, v: string) => splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from(v), timestamp: T0 }], { baseOffset }));
  store.transaction(() => log.appendAsFollower(at(0, 'a')));
  store.transaction(() => log.appendAsFollower(at(5, 'b'))); // offsets 1-4 were compacted away on the leader
  log.truncateTo(3);
  assert.is(log.logEndOffset, 3);
  assert.equal(values(log.read(0, 3, 1 << 20)), [[0, 'a']]);
});

test('truncateTo at or past the log end changes nothing; truncateTo(0) empties the log', () => {
  const log = fiveBatches();
  log.truncateTo(12);
  log.truncateTo(50);
  assert.is(log.logEndOffset, 12);
  assert.is(log.read(0, 12, 1 << 20).length, 5);
  log.truncateTo(0);
  assert.is(log.logEndOffset, 0);
  assert.equal(log.epochs, []);
  assert.equal(log.read(0, 12, 1 << 20), []);
  assert.is(reopen().partition('t', 0).logEndOffset, 0);
});

test('truncateTo is atomic: a statement failing half-way leaves the file and the in-memory log as they were', () => {
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['0', '1', '2'])], 1)); // 0-2
  store.transaction(() => log.appendAsLeader([batch(['3', '4'])], 2)); // 3-4
  store.transaction(() => log.appendAsLeader([batch(['5', '6'])], 3)); // 5-6
  log.setHighWatermark(7);
  const before = { end: log.logEndOffset, hw: log.highWatermark, epochs: [...log.epochs] };
  // A second connection makes deleting an epoch fail (as a full disk or an I/O error would), after
  // the batches' DELETE has already run.
  const other = openDatabase(path.join(dir, 'log.db'), []);
  other.exec("CREATE TRIGGER fail_epoch_delete BEFORE DELETE ON leader_epochs BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  try {
    assert.throws(() => log.truncateTo(3), /injected failure/);
    assert.is(log.logEndOffset, before.end, 'in-memory log end unchanged');
    assert.is(log.highWatermark, before.hw);
    assert.equal(log.epochs, before.epochs);
    assert.equal(bases(log.read(0, 100, 1 << 20)), [0, 3, 5], 'every batch still stored');
  } finally {
    other.exec('DROP TRIGGER fail_epoch_delete');
    other.close();
  }
  const again = reopen().partition('t', 0);
  assert.is(again.logEndOffset, 7, 'the file agrees');
  assert.equal(again.epochs, before.epochs);
  // And the retried truncation then does all of it.
  again.truncateTo(3);
  assert.is(again.logEndOffset, 3);
  assert.equal(reopen().partition('t', 0).epochs, [{ epoch: 1, startOffset: 0 }]);
});

// --- retention ---------------------------------------------------------------------------------------

const NO_LIMIT = { retentionMs: -1, retentionBytes: -1 };

test('retentionCut by time: whole leading batches older than retention.ms, never at or past the high watermark', () => {
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['0', '1'], 0)], 1)); // 0-1, max ts T0+1
  store.transaction(() => log.appendAsLeader([batch(['2'], 1000)], 1)); // 2, ts T0+1000
  store.transaction(() => log.appendAsLeader([batch(['3', '4'], 5000)], 1)); // 3-4, max ts T0+5001
  log.setHighWatermark(5);
  assert.is(log.retentionCut(T0 + 10_000, NO_LIMIT), 0, 'no limits: nothing goes');
  assert.is(log.retentionCut(T0 + 10_000, { retentionMs: 9000, retentionBytes: -1 }), 2, 'older than 9 s: the first batch (T0+1000 is not)');
  assert.is(log.retentionCut(T0 + 10_000, { retentionMs: 8000, retentionBytes: -1 }), 3, 'older than 8 s: two batches');
  assert.is(log.retentionCut(T0 + 10_000, { retentionMs: 1, retentionBytes: -1 }), 5, 'all of them');
  log.setHighWatermark(4);
  assert.is(log.retentionCut(T0 + 10_000, { retentionMs: 1, retentionBytes: -1 }), 3, 'not the batch the high watermark is inside');
});

test('retentionCut never deletes a batch for a missing (-1) max timestamp: it goes only with a later expired batch', () => {
  // Batches stored with max timestamp -1 (records without timestamps, or stored before leaders
  // derived the max from the records): PartitionLog stores the header it is given.
  const noTimestamp = (values: string[]) => splitAndValidateBatches(withHeaderMaxTimestamp(encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: T0 }))), -1))[0]!;
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([noTimestamp(['0'])], 1)); // 0, ts -1
  store.transaction(() => log.appendAsLeader([batch(['1'], 0)], 1)); // 1, ts T0
  store.transaction(() => log.appendAsLeader([noTimestamp(['2', '3'])], 1)); // 2-3, ts -1
  log.setHighWatermark(4);
  const now = T0 + 10_000;
  assert.is(log.retentionCut(now, { retentionMs: 20_000, retentionBytes: -1 }), 0, 'the batch after it has not expired: the -1 batch stays');
  assert.is(log.retentionCut(now, { retentionMs: 1, retentionBytes: -1 }), 2, 'it goes with the expired batch after it; the trailing -1 batch stays');
  assert.is(log.retentionCut(now, { retentionMs: 0, retentionBytes: 0 }), 4, 'retention.bytes still applies to them');
});

test('retentionCut by size keeps at least retention.bytes, as Kafka judges segments', () => {
  const log = fiveBatches();
  log.setHighWatermark(12);
  const sizes = log.read(0, 12, 1 << 30).map((b) => b.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  assert.is(log.retentionCut(T0, { retentionMs: -1, retentionBytes: total }), 0);
  // One byte less than everything: the first batch can go and the rest still hold retention.bytes.
  assert.is(log.retentionCut(T0, { retentionMs: -1, retentionBytes: total - sizes[0]! }), 3);
  assert.is(log.retentionCut(T0, { retentionMs: -1, retentionBytes: total - sizes[0]! + 1 }), 0, 'would fall below retention.bytes');
  assert.is(log.retentionCut(T0, { retentionMs: -1, retentionBytes: 0 }), 12);
});

test('advanceStartOffset deletes the batches before it, keeps the epoch in force, survives a reopen, and never passes the high watermark', () => {
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['0', '1', '2'])], 1)); // 0-2
  store.transaction(() => log.appendAsLeader([batch(['3', '4'])], 2)); // 3-4
  store.transaction(() => log.appendAsLeader([batch(['5', '6'])], 3)); // 5-6
  log.setHighWatermark(5);
  assert.ok(store.transaction(() => log.advanceStartOffset(3)));
  assert.is(log.logStartOffset, 3);
  assert.equal(bases(log.read(3, 7, 1 << 20)), [3, 5]);
  assert.equal(log.epochs, [
    { epoch: 2, startOffset: 3 },
    { epoch: 3, startOffset: 5 },
  ]);
  assert.not.ok(store.transaction(() => log.advanceStartOffset(2)), 'never backwards');
  assert.ok(store.transaction(() => log.advanceStartOffset(100)));
  assert.is(log.logStartOffset, 5, 'capped at the high watermark');
  assert.equal(log.epochs, [{ epoch: 3, startOffset: 5 }]);

  const again = reopen().partition('t', 0);
  assert.equal([again.logStartOffset, again.logEndOffset], [5, 7]);
  assert.equal(again.epochs, [{ epoch: 3, startOffset: 5 }]);
  assert.equal(values(again.read(5, 7, 1 << 20)).map(([, v]) => v), ['5', '6']);
});

test('retention of every record: the log is empty, its offsets go on, and a reopen agrees', () => {
  const log = fiveBatches();
  log.setHighWatermark(12);
  store.transaction(() => log.advanceStartOffset(log.retentionCut(T0 + 60_000, { retentionMs: 1000, retentionBytes: -1 })));
  assert.equal([log.logStartOffset, log.logEndOffset, log.highWatermark], [12, 12, 12]);
  assert.equal(log.read(12, 12, 1 << 20), []);
  assert.equal(store.transaction(() => log.appendAsLeader([batch(['next'])], 2)), { baseOffset: 12, lastOffset: 12 });
  const again = reopen().partition('t', 0);
  assert.equal([again.logStartOffset, again.logEndOffset], [12, 13]);
});

test('truncateFullyAndStartAt: a follower left behind its leader\'s log start drops all and continues there', () => {
  const log = fiveBatches();
  log.setHighWatermark(12);
  store.transaction(() => log.truncateFullyAndStartAt(40));
  assert.equal([log.logStartOffset, log.logEndOffset, log.highWatermark], [40, 40, 40]);
  assert.equal(log.epochs, []);
  const b = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: T0 }], { baseOffset: 40 }));
  store.transaction(() => log.appendAsFollower(b));
  const again = reopen().partition('t', 0);
  assert.equal([again.logStartOffset, again.logEndOffset], [40, 41]);
  assert.equal(values(again.read(40, 41, 1 << 20)), [[40, 'x']]);
});

// --- high watermark and recovery -------------------------------------------------------------------------

test('setHighWatermark is capped at the log end and checkpointed', () => {
  const log = fiveBatches();
  log.setHighWatermark(99);
  assert.is(log.highWatermark, 12);
  log.setHighWatermark(6);
  assert.is(log.highWatermark, 6);
  assert.is(reopen().partition('t', 0).highWatermark, 6);
});

test('after close and reopen: log end, high watermark, epochs and every byte come back', () => {
  const log = store.partition('t', 3);
  store.transaction(() => log.appendAsLeader([batch(['a', 'b'], 0), batch(['c'], 10)], 0));
  store.transaction(() => log.appendAsLeader([batch(['d', 'e', 'f'], 20)], 2));
  log.setHighWatermark(3);
  const bytesBefore = Buffer.concat(log.read(0, log.logEndOffset, 1 << 20));
  const epochsBefore = log.epochs.map((e) => ({ ...e }));
  store.setMeta('broker.id', '3');

  const again = reopen().partition('t', 3);
  assert.is.not(again, log);
  assert.is(again.logEndOffset, 6);
  assert.is(again.highWatermark, 3);
  assert.is(again.logStartOffset, 0);
  assert.equal(again.epochs, epochsBefore);
  assert.equal(again.epochs, [
    { epoch: 0, startOffset: 0 },
    { epoch: 2, startOffset: 3 },
  ]);
  assert.ok(Buffer.concat(again.read(0, again.logEndOffset, 1 << 20)).equals(bytesBefore), 'byte-identical');
  assert.is(store.getMeta('broker.id'), '3');
  assert.is(store.getMeta('missing'), undefined);
  assert.equal(store.storedPartitions(), [{ topic: 't', partition: 3 }]);
  // And appends go on from the recovered end.
  assert.equal(
    store.transaction(() => again.appendAsLeader([batch(['g'])], 2)),
    { baseOffset: 6, lastOffset: 6 },
  );
});

test('the high watermark never exceeds the recovered log end', () => {
  const log = fiveBatches();
  log.setHighWatermark(12);
  log.truncateTo(5);
  const again = reopen().partition('t', 0);
  assert.is(again.logEndOffset, 5);
  assert.ok(again.highWatermark <= again.logEndOffset);
});

// --- timestamps, deletion, transactions -------------------------------------------------------------------

test('offsetForTimestamp: the earliest record with timestamp >= the time, looking inside batches', () => {
  // Kafka (FileRecords.searchForTimestamp) finds the batch whose max timestamp reaches the target,
  // then the first record in it at or after the target, not the batch start.
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['a', 'b'], 0)], 0)); // offsets 0-1, T0..T0+1
  store.transaction(() => log.appendAsLeader([batch(['c'], 100)], 0)); // offset 2, T0+100
  store.transaction(() => log.appendAsLeader([batch(['d', 'e'], 200)], 0)); // offsets 3-4, T0+200..T0+201
  assert.is(log.offsetForTimestamp(0)?.offset ?? null, 0);
  assert.is(log.offsetForTimestamp(T0)?.offset ?? null, 0);
  assert.is(log.offsetForTimestamp(T0 + 1)?.offset ?? null, 1, 'second record of the first batch');
  assert.is(log.offsetForTimestamp(T0 + 2)?.offset ?? null, 2);
  assert.is(log.offsetForTimestamp(T0 + 100)?.offset ?? null, 2);
  assert.is(log.offsetForTimestamp(T0 + 150)?.offset ?? null, 3);
  assert.is(log.offsetForTimestamp(T0 + 200)?.offset ?? null, 3);
  assert.is(log.offsetForTimestamp(T0 + 201)?.offset ?? null, 4, 'second record of the last batch');
  assert.is(log.offsetForTimestamp(T0 + 202)?.offset ?? null, null, 'no record that late');
  assert.is(store.partition('t', 9).offsetForTimestamp(0)?.offset ?? null, null, 'empty log');
});

test('offsetForTimestamp with timestamps out of order inside a batch: first in offset order', () => {
  const log = store.partition('t', 0);
  const bytes = encodeRecordBatch([
    { key: null, value: Buffer.from('late'), timestamp: T0 + 20 },
    { key: null, value: Buffer.from('early'), timestamp: T0 },
    { key: null, value: Buffer.from('mid'), timestamp: T0 + 10 },
  ]);
  store.transaction(() => log.appendAsLeader(splitAndValidateBatches(bytes), 0));
  assert.is(log.offsetForTimestamp(T0)?.offset ?? null, 0);
  assert.is(log.offsetForTimestamp(T0 + 5)?.offset ?? null, 0, 'offset 0 (T0+20) is the earliest offset at or after T0+5');
  assert.is(log.offsetForTimestamp(T0 + 20)?.offset ?? null, 0);
  assert.is(log.offsetForTimestamp(T0 + 21)?.offset ?? null, null);
});

test('maxTimestampRecord (ListOffsets -3, KIP-734): the record with the largest timestamp, inside its batch, with the batch\'s epoch', () => {
  const log = store.partition('t', 0);
  assert.is(log.maxTimestampRecord(), null, 'empty log');
  store.transaction(() => log.appendAsLeader([batch(['a'], 0)], 1)); // offset 0, T0
  const outOfOrder = encodeRecordBatch([
    { key: null, value: Buffer.from('mid'), timestamp: T0 + 10 },
    { key: null, value: Buffer.from('latest'), timestamp: T0 + 50 },
    { key: null, value: Buffer.from('latest again'), timestamp: T0 + 50 },
  ]);
  store.transaction(() => log.appendAsLeader(splitAndValidateBatches(outOfOrder), 2)); // offsets 1-3
  store.transaction(() => log.appendAsLeader([batch(['b'], 20)], 3)); // offset 4, T0+20: later offset, earlier time
  assert.equal(log.maxTimestampRecord(), { offset: 2, timestamp: T0 + 50, leaderEpoch: 2 }, 'the first record with the largest timestamp');
  assert.equal(log.offsetForTimestamp(T0 + 15), { offset: 2, timestamp: T0 + 50, leaderEpoch: 2 });
  assert.is(log.epochAt(0), 1);
  assert.is(log.epochAt(4), 3);
});

test('deletePartition removes its batches, state and epochs, and nothing else', () => {
  const a = store.partition('t', 0);
  const b = store.partition('t', 1);
  store.transaction(() => {
    a.appendAsLeader([batch(['a'])], 1);
    b.appendAsLeader([batch(['b'])], 1);
  });
  a.setHighWatermark(1);
  store.deletePartition('t', 0);
  const fresh = store.partition('t', 0);
  assert.is.not(fresh, a, 'a new PartitionLog after deletion');
  assert.is(fresh.logEndOffset, 0);
  assert.is(fresh.highWatermark, 0);
  assert.equal(fresh.epochs, []);
  assert.equal(fresh.read(0, 10, 1 << 20), []);
  assert.equal(store.storedPartitions(), [{ topic: 't', partition: 1 }]);
  assert.is(store.partition('t', 1).logEndOffset, 1);
  const again = reopen();
  assert.is(again.partition('t', 0).logEndOffset, 0);
  assert.equal(again.partition('t', 0).epochs, []);
  assert.is(again.partition('t', 1).logEndOffset, 1);
});

test('a throw inside store.transaction stores nothing', () => {
  const log = store.partition('t', 0);
  store.transaction(() => log.appendAsLeader([batch(['kept'])], 0));
  assert.throws(
    () =>
      store.transaction(() => {
        log.appendAsLeader([batch(['lost-1', 'lost-2'])], 1);
        store.partition('t', 1).appendAsLeader([batch(['lost-3'])], 1);
        throw new Error('disk full');
      }),
    /disk full/,
  );
  // The caller (ReplicaManager) restores in-memory log ends; what matters is the file.
  const again = reopen();
  const p0 = again.partition('t', 0);
  assert.is(p0.logEndOffset, 1);
  assert.equal(p0.epochs, [{ epoch: 0, startOffset: 0 }], 'the epoch-1 entry was rolled back too');
  assert.equal(values(p0.read(0, 10, 1 << 20)), [[0, 'kept']]);
  assert.is(again.partition('t', 1).logEndOffset, 0);
  assert.equal(again.storedPartitions(), [{ topic: 't', partition: 0 }]);
});

test.run();
