/**
 * Transactions in the log (KIP-98): the producer state's open transactions, markers and epoch
 * fencing; the last stable offset; the aborted transactions index in log.db, rebuilt on reopen,
 * cut by truncation and by the log start; and the same state on a follower that replicated the bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { encodeControlBatch, readControlBatch } from '../../src/protocol/control-batch.js';
import { decodeRecordBatches, encodeRecordBatch, readBatchHeader, splitAndValidateBatches, type BatchView } from '../../src/protocol/record-batch.js';
import { LogStore } from '../../src/storage/log-store.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';

const T0 = 1_700_000_000_000;
const txn = suite('PartitionLog: transactions over a real LogStore');
let dir = '';
let store: LogStore;

txn.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-txn-log-test-'));
  store = new LogStore(dir);
});

txn.after.each(() => {
  try {
    store.close();
  } catch {
    // already closed
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A batch from producer `pid`: transactional unless told otherwise. */
function data(pid: number, baseSequence: number, values: string[], opts: { epoch?: number; transactional?: boolean } = {}): BatchView {
  const bytes = encodeRecordBatch(
    values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: T0 + i })),
    { producerId: pid, producerEpoch: opts.epoch ?? 0, baseSequence, transactional: opts.transactional ?? true },
  );
  return splitAndValidateBatches(bytes)[0]!;
}

function marker(pid: number, commit: boolean, epoch = 0, coordinatorEpoch = 0): BatchView {
  return splitAndValidateBatches(encodeControlBatch({ producerId: pid, producerEpoch: epoch, commit, coordinatorEpoch }, T0))[0]!;
}

function log(s: LogStore = store): PartitionLog {
  return s.partition('t', 0);
}

function append(batches: BatchView[], s: LogStore = store) {
  return s.transaction(() => log(s).appendAsLeader(batches, 0));
}

/** Everything a read_committed reader would be handed up to the LSO, minus the aborted records (as a client drops them). */
function committedValues(s: LogStore = store): string[] {
  const l = log(s);
  const bytes = l.read(l.logStartOffset, l.lastStableOffset, 1 << 30);
  const aborted = l.abortedTransactions(l.logStartOffset, l.lastStableOffset);
  const out: string[] = [];
  const dropping = new Set<number>();
  for (const { header, records } of decodeRecordBatches(Buffer.concat(bytes))) {
    // As Kafka clients do: each aborted transaction starts dropping its producer's batches once, when reached.
    while (aborted.length > 0 && aborted[0]!.firstOffset <= header.baseOffset) dropping.add(aborted.shift()!.producerId);
    if (header.attributes & 0x20) {
      dropping.delete(header.producerId);
      continue;
    }
    if (header.attributes & 0x10 && dropping.has(header.producerId)) continue;
    out.push(...records.map((r) => r.value!.toString()));
  }
  return out;
}

txn('a control batch carries its marker: type and coordinator epoch, in Kafka\'s control record format', () => {
  const bytes = encodeControlBatch({ producerId: 9, producerEpoch: 3, commit: true, coordinatorEpoch: 12 }, T0);
  const [view] = splitAndValidateBatches(bytes);
  assert.is(view!.header.attributes, 0x30, 'transactional + control');
  assert.is(view!.header.baseSequence, -1);
  assert.equal(readControlBatch(bytes), { producerId: 9, producerEpoch: 3, commit: true, coordinatorEpoch: 12 });
  assert.equal(decodeRecordBatches(bytes)[0]!.records, [], 'decoded as no records');
  assert.equal(readControlBatch(encodeControlBatch({ producerId: 9, producerEpoch: 3, commit: false, coordinatorEpoch: 0 }, T0)).commit, false);
});

txn('the LSO stays at an open transaction\'s first offset until its marker is under the high watermark', () => {
  append([data(1, 0, ['plain'], { transactional: false })]);
  append([data(7, 0, ['a', 'b'])]);
  append([data(8, 0, ['x'], { transactional: false })]);
  log().setHighWatermark(log().logEndOffset);
  assert.is(log().lastStableOffset, 1, 'the open transaction starts at 1');
  assert.equal(log().producers.active().find((p) => p.producerId === 7)?.currentTxnStartOffset, 1);
  append([marker(7, true)]);
  assert.is(log().lastStableOffset, 1, 'marker at 4 not replicated yet');
  log().setHighWatermark(4);
  assert.is(log().lastStableOffset, 1, 'the high watermark does not cover the marker yet');
  log().setHighWatermark(5);
  assert.is(log().lastStableOffset, 5);
  assert.equal(committedValues(), ['plain', 'a', 'b', 'x']);
  assert.equal(log().producers.active().find((p) => p.producerId === 7)?.currentTxnStartOffset, -1);
});

txn('an aborted transaction is listed (producer, first offset, marker offset) for the range that holds it; committed ones are not', () => {
  append([data(7, 0, ['a1', 'a2'])]); // 0-1, aborted
  append([data(8, 0, ['c1'])]); // 2, committed
  append([data(7, 2, ['a3'])]); // 3
  append([marker(7, false)]); // 4
  append([marker(8, true)]); // 5
  append([data(7, 3, ['n1'])]); // 6: a new transaction of 7, committed
  append([marker(7, true)]); // 7
  log().setHighWatermark(8);
  assert.equal(log().abortedTransactions(0, 8), [{ producerId: 7, firstOffset: 0, lastOffset: 4 }]);
  assert.equal(log().abortedTransactions(5, 8), [], 'ended before the fetch offset');
  assert.equal(committedValues(), ['c1', 'n1']);
});

txn('a long aborted transaction is listed for a fetch that ends long before its marker, also after reopen', () => {
  append([data(7, 0, ['a'])]); // 0
  for (let i = 0; i < 40; i++) append([data(1, i, [`p${i}`], { transactional: false })]); // 1-40
  append([data(8, 0, ['short'])]); // 41
  append([marker(8, false)]); // 42
  append([marker(7, false)]); // 43
  log().setHighWatermark(44);
  assert.equal(log().abortedTransactions(0, 5), [{ producerId: 7, firstOffset: 0, lastOffset: 43 }]);
  assert.equal(log().abortedTransactions(41, 42), [{ producerId: 7, firstOffset: 0, lastOffset: 43 }, { producerId: 8, firstOffset: 41, lastOffset: 42 }]);
  store.close();
  store = new LogStore(dir);
  assert.equal(log().abortedTransactions(3, 4), [{ producerId: 7, firstOffset: 0, lastOffset: 43 }]);
});

txn('markers fence: an older producer epoch is INVALID_PRODUCER_EPOCH, an older coordinator epoch TRANSACTION_COORDINATOR_FENCED', () => {
  append([data(7, 0, ['a'], { epoch: 2 })]);
  append([marker(7, false, 3, 5)]); // the coordinator fenced epoch 2 and aborted
  assert.is(kafkaErrorCode(() => append([data(7, 1, ['late'], { epoch: 2 })])), ErrorCode.INVALID_PRODUCER_EPOCH, 'a zombie batch of the fenced epoch');
  assert.is(kafkaErrorCode(() => append([marker(7, true, 2, 5)])), ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.is(kafkaErrorCode(() => append([marker(7, true, 3, 4)])), ErrorCode.TRANSACTION_COORDINATOR_FENCED);
  assert.is(log().logEndOffset, 2, 'nothing fenced was stored');
  assert.is(append([data(7, 0, ['new'], { epoch: 3 })]).baseOffset, 2, 'the bumped epoch starts its sequences at 0');
});

txn('a non-transactional batch from a producer with an open transaction is INVALID_TXN_STATE', () => {
  append([data(7, 0, ['a'])]);
  assert.is(kafkaErrorCode(() => append([data(7, 1, ['b'], { transactional: false })])), ErrorCode.INVALID_TXN_STATE);
});

txn('open transactions, unreplicated markers and the aborted index are rebuilt on reopen', () => {
  append([data(7, 0, ['a'])]); // 0: 7 aborted
  append([marker(7, false)]); // 1
  append([data(8, 0, ['b'])]); // 2: 8 committed, marker beyond the high watermark
  append([data(9, 0, ['c'])]); // 3: 9 open
  append([marker(8, true, 0, 4)]); // 4
  log().setHighWatermark(4);
  const before = { lso: log().lastStableOffset, aborted: log().abortedTransactions(0, 5), active: log().producers.active() };
  assert.is(before.lso, 2);
  store.checkpointHighWatermarks();
  store.close();
  store = new LogStore(dir);
  assert.is(log().lastStableOffset, 2, 'marker of 8 still not under the high watermark, 9 still open');
  assert.equal(log().abortedTransactions(0, 5), before.aborted);
  assert.equal(log().producers.active(), before.active);
  log().setHighWatermark(5);
  assert.is(log().lastStableOffset, 3, '9 still open');
  assert.is(kafkaErrorCode(() => append([marker(8, true, 0, 3)])), ErrorCode.TRANSACTION_COORDINATOR_FENCED, 'the coordinator epoch survived too');
});

txn('truncation removes the markers and aborted entries above the cut: the transaction is open again', () => {
  append([data(7, 0, ['a'])]); // 0
  append([marker(7, false)]); // 1
  log().setHighWatermark(1);
  store.transaction(() => log().truncateTo(1));
  assert.equal(log().abortedTransactions(0, 10), []);
  assert.is(log().lastStableOffset, 0, 'open again, as on the leader that never had the marker');
  append([marker(7, true)]);
  log().setHighWatermark(2);
  assert.equal(committedValues(), ['a']);
});

txn('the log start never passes the LSO; the aborted index drops what ends below it', () => {
  append([data(7, 0, ['a'])]); // 0
  append([marker(7, false)]); // 1
  append([data(8, 0, ['b'])]); // 2: open
  append([data(1, 0, ['c'], { transactional: false })]); // 3
  log().setHighWatermark(4);
  assert.is(log().lastStableOffset, 2);
  store.transaction(() => log().advanceStartOffset(4));
  assert.is(log().logStartOffset, 2, 'held at the open transaction');
  assert.equal(log().abortedTransactions(0, 10), [], 'the aborted transaction ended below the log start');
  store.close();
  store = new LogStore(dir);
  assert.is(log().lastStableOffset, 2, 'the open transaction is still known after reopen');
});

txn('a follower that replicated the bytes has the same LSO and aborted list, and keeps them as new leader', () => {
  append([data(7, 0, ['a'])]);
  append([marker(7, false)]);
  append([data(8, 0, ['b'])]);
  log().setHighWatermark(3);
  const followerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-txn-follower-'));
  const follower = new LogStore(followerDir);
  try {
    const bytes = Buffer.concat(log().read(0, log().logEndOffset, 1 << 30));
    follower.transaction(() => log(follower).appendAsFollower(splitAndValidateBatches(bytes)));
    log(follower).setHighWatermark(3);
    assert.is(log(follower).lastStableOffset, log().lastStableOffset);
    assert.equal(log(follower).abortedTransactions(0, 3), log().abortedTransactions(0, 3));
    assert.is(kafkaErrorCode(() => append([data(8, 1, ['x'], { transactional: false })], follower)), ErrorCode.INVALID_TXN_STATE, 'knows 8 is open');
    assert.is(readBatchHeader(bytes, 0).producerId, 7);
  } finally {
    follower.close();
    fs.rmSync(followerDir, { recursive: true, force: true });
  }
});

txn.run();
