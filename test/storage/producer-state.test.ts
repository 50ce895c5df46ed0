/**
 * Idempotent producer state (KIP-98): ProducerStateTable's sequence rules as Kafka's
 * ProducerStateManager applies them, and PartitionLog's use of it: a retried batch is answered with
 * its original offsets instead of being stored twice, and the state is rebuilt from the stored batch
 * headers after a reopen and after a truncation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { decodeRecordBatches, encodeRecordBatch, splitAndValidateBatches, type BatchView } from '../../src/protocol/record-batch.js';
import { LogStore } from '../../src/storage/log-store.js';
import { ProducerStateTable, type ProducerBatch } from '../../src/storage/producer-state.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';

const INT32_MAX = 0x7fffffff;
const PID = 4000;

const b = (baseSequence: number, recordCount: number, producerEpoch = 0, producerId = PID): ProducerBatch => ({ producerId, producerEpoch, baseSequence, recordCount });

// ---------------------------------------------------------------------------------------------
const table = suite('ProducerStateTable: sequence and epoch rules');

table('a new producer must start at sequence 0; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER (45)', () => {
  const t = new ProducerStateTable();
  assert.is(kafkaErrorCode(() => t.check(b(5, 3))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.is(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 45);
  assert.is(t.check(b(0, 3)), null, 'sequence 0 is new, not a duplicate');
});

table('batches without a producer id (-1) are never checked', () => {
  const t = new ProducerStateTable();
  assert.is(t.check(b(17, 1, -1, -1)), null);
  t.record(b(17, 1, -1, -1), 0, 0);
  assert.is(t.check(b(17, 1, -1, -1)), null, 'a non-idempotent batch is never a duplicate');
});

table('the next sequence after the last batch is accepted, batch after batch', () => {
  const t = new ProducerStateTable();
  let offset = 0;
  for (let seq = 0; seq < 100; seq += 10) {
    assert.is(t.check(b(seq, 10)), null, `sequence ${seq}`);
    t.record(b(seq, 10), offset, offset + 9);
    offset += 10;
  }
  assert.is(t.check(b(100, 1)), null);
});

table('an exact retry of any of the last 5 batches returns its original offsets; an older one is out of order', () => {
  const t = new ProducerStateTable();
  // 7 batches of 3 records at offsets 100, 103, ... (another producer's records interleave elsewhere)
  for (let i = 0; i < 7; i++) t.record(b(i * 3, 3), 100 + i * 3, 102 + i * 3);
  for (let i = 2; i < 7; i++) {
    assert.equal(t.check(b(i * 3, 3)), { baseOffset: 100 + i * 3, lastOffset: 102 + i * 3 }, `batch ${i}`);
  }
  // Batches 0 and 1 fell out of the 5 remembered: neither a known duplicate nor the next sequence.
  assert.is(kafkaErrorCode(() => t.check(b(0, 3))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.is(kafkaErrorCode(() => t.check(b(3, 3))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  // Same first sequence but a different length is not the same batch.
  assert.is(kafkaErrorCode(() => t.check(b(18, 2))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.is(t.check(b(21, 1)), null, 'and the next sequence is still accepted');
});

table('a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER; so is starting over at 0 in the same epoch', () => {
  const t = new ProducerStateTable();
  t.record(b(0, 5), 0, 4);
  assert.is(kafkaErrorCode(() => t.check(b(6, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'one sequence skipped');
  assert.is(kafkaErrorCode(() => t.check(b(1000, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'far ahead');
  assert.is(kafkaErrorCode(() => t.check(b(0, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'restart at 0 without a new epoch');
  assert.is(kafkaErrorCode(() => t.check(b(2, 3))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'overlapping the last batch');
});

table('an older producer epoch is INVALID_PRODUCER_EPOCH (47)', () => {
  const t = new ProducerStateTable();
  t.record(b(0, 2, 3), 0, 1);
  assert.is(ErrorCode.INVALID_PRODUCER_EPOCH, 47);
  assert.is(kafkaErrorCode(() => t.check(b(2, 1, 2))), ErrorCode.INVALID_PRODUCER_EPOCH, 'next sequence, old epoch');
  assert.is(kafkaErrorCode(() => t.check(b(0, 2, 2))), ErrorCode.INVALID_PRODUCER_EPOCH, 'even a batch that looks like a retry');
});

table('a newer epoch resets the sequence: it must start at 0, and the old epoch is then fenced', () => {
  const t = new ProducerStateTable();
  t.record(b(0, 10, 0), 0, 9);
  assert.is(kafkaErrorCode(() => t.check(b(10, 1, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a new epoch continuing the old sequence');
  assert.is(t.check(b(0, 4, 1)), null, 'a new epoch from 0');
  t.record(b(0, 4, 1), 10, 13);
  assert.equal(t.check(b(0, 4, 1)), { baseOffset: 10, lastOffset: 13 }, 'retry in the new epoch');
  assert.is(t.check(b(4, 1, 1)), null);
  assert.is(kafkaErrorCode(() => t.check(b(10, 1, 0))), ErrorCode.INVALID_PRODUCER_EPOCH, 'the old epoch is fenced');
  assert.is(kafkaErrorCode(() => t.check(b(0, 10, 0))), ErrorCode.INVALID_PRODUCER_EPOCH, 'even a retry of its batch');
});

table('producers are independent', () => {
  const t = new ProducerStateTable();
  t.record(b(0, 3, 0, 1), 0, 2);
  t.record(b(0, 3, 0, 2), 3, 5);
  assert.equal(t.check(b(0, 3, 0, 1)), { baseOffset: 0, lastOffset: 2 });
  assert.equal(t.check(b(0, 3, 0, 2)), { baseOffset: 3, lastOffset: 5 });
  assert.is(t.check(b(3, 1, 0, 1)), null);
  assert.is(t.check(b(0, 1, 0, 3)), null);
});

table('the sequence wraps from 2^31-1 to 0', () => {
  const t = new ProducerStateTable();
  // A batch ending exactly at INT32_MAX: the next starts at 0.
  t.record(b(INT32_MAX - 4, 5), 1000, 1004);
  assert.is(kafkaErrorCode(() => t.check(b(INT32_MAX + 1, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, '2^31 is not a sequence');
  assert.is(t.check(b(0, 3)), null, 'after 2^31-1 comes 0');
  t.record(b(0, 3), 1005, 1007);
  assert.is(t.check(b(3, 1)), null);
  assert.equal(t.check(b(INT32_MAX - 4, 5)), { baseOffset: 1000, lastOffset: 1004 }, 'the batch before the wrap is still a known retry');

  // A batch that crosses the wrap: sequences 2^31-3 .. 2^31-1, 0, 1.
  const u = new ProducerStateTable();
  u.record(b(INT32_MAX - 2, 5), 0, 4);
  assert.is(u.check(b(2, 1)), null, 'next after a batch ending at 1 is 2');
  assert.equal(u.check(b(INT32_MAX - 2, 5)), { baseOffset: 0, lastOffset: 4 }, 'its retry is recognised');
  assert.is(kafkaErrorCode(() => u.check(b(0, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'sequences inside the batch are not next');
});

table('clear forgets every producer', () => {
  const t = new ProducerStateTable();
  t.record(b(0, 5), 0, 4);
  t.clear();
  assert.is(kafkaErrorCode(() => t.check(b(5, 1))), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'unknown again: must start at 0');
  assert.is(t.check(b(0, 5)), null);
});

table.run();

// ---------------------------------------------------------------------------------------------
const log = suite('PartitionLog: idempotent appends over a real LogStore');
let dir = '';
let store: LogStore;

log.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-producer-state-test-'));
  store = new LogStore(dir);
});

log.after.each(() => {
  try {
    store.close();
  } catch {
    // already closed
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh encoding of an idempotent batch (a client's retry resends the same fields, in new bytes). */
function idem(baseSequence: number, values: string[], producerEpoch = 0, producerId = PID): BatchView {
  const bytes = encodeRecordBatch(
    values.map((v, i) => ({ key: null, value: Buffer.from(v), timestamp: 1_700_000_000_000 + i })),
    { producerId, producerEpoch, baseSequence },
  );
  return splitAndValidateBatches(bytes)[0]!;
}

function seqValues(from: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `v${from + i}`);
}

/** Appends as leader inside a transaction, as the ReplicaManager does. */
function append(s: LogStore, batches: BatchView[], epoch = 0) {
  return s.transaction(() => s.partition('t', 0).appendAsLeader(batches, epoch));
}

function stored(s: LogStore): [number, string][] {
  const p = s.partition('t', 0);
  return decodeRecordBatches(Buffer.concat(p.read(0, p.logEndOffset, 1 << 30))).flatMap((x) => x.records.map((r) => [r.offset, r.value!.toString()] as [number, string]));
}

function reopen(): LogStore {
  store.close();
  store = new LogStore(dir);
  return store;
}

log('a retry of the last batch is answered with its offsets and not stored twice', () => {
  assert.equal(append(store, [idem(0, seqValues(0, 3))]), { baseOffset: 0, lastOffset: 2 });
  assert.equal(append(store, [idem(3, seqValues(3, 2))]), { baseOffset: 3, lastOffset: 4 });
  assert.equal(append(store, [idem(3, seqValues(3, 2))]), { baseOffset: 3, lastOffset: 4 }, 'retry of the last batch');
  assert.equal(append(store, [idem(0, seqValues(0, 3))]), { baseOffset: 0, lastOffset: 2 }, 'retry of an earlier in-flight batch');
  assert.is(store.partition('t', 0).logEndOffset, 5);
  assert.equal(stored(store).map(([o]) => o), [0, 1, 2, 3, 4]);
  assert.equal(stored(store).map(([, v]) => v), seqValues(0, 5));
});

log('a gap or an older epoch is refused and nothing is stored', () => {
  append(store, [idem(0, seqValues(0, 3), 1)]);
  for (const [bad, code] of [
    [idem(4, ['x'], 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    [idem(3, ['x'], 0), ErrorCode.INVALID_PRODUCER_EPOCH],
  ] as const) {
    assert.is(kafkaErrorCode(() => append(store, [bad])), code);
    assert.is(store.partition('t', 0).logEndOffset, 3);
  }
  assert.equal(append(store, [idem(3, ['v3'], 1)]), { baseOffset: 3, lastOffset: 3 });
});

log('other producers and non-idempotent batches interleave without disturbing a producer', () => {
  append(store, [idem(0, ['a0', 'a1'], 0, 1)]);
  append(store, [splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('plain'), timestamp: 0 }]))[0]!]);
  append(store, [idem(0, ['b0'], 0, 2)]);
  append(store, [idem(2, ['a2'], 0, 1)]);
  assert.equal(append(store, [idem(0, ['a0', 'a1'], 0, 1)]), { baseOffset: 0, lastOffset: 1 });
  assert.equal(append(store, [idem(0, ['b0'], 0, 2)]), { baseOffset: 3, lastOffset: 3 });
  assert.equal(stored(store).map(([, v]) => v), ['a0', 'a1', 'plain', 'b0', 'a2']);
});

log('the active producers (DescribeProducers): each with its epoch, last sequence and last batch timestamp, also after a reopen', () => {
  append(store, [idem(0, ['a0', 'a1', 'a2'], 0, 7)]);
  append(store, [idem(0, ['b0'], 2, 3)]);
  append(store, [splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('plain'), timestamp: 0 }]))[0]!]);
  append(store, [idem(3, ['a3', 'a4'], 0, 7)]);
  const expected = [
    { producerId: 3, producerEpoch: 2, lastSequence: 0, lastTimestamp: 1_700_000_000_000, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
    { producerId: 7, producerEpoch: 0, lastSequence: 4, lastTimestamp: 1_700_000_000_001, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
  ];
  assert.equal(store.partition('t', 0).producers.active(), expected);
  reopen();
  assert.equal(store.partition('t', 0).producers.active(), expected);
});

log('producer state survives a LogStore close and reopen', () => {
  for (let i = 0; i < 7; i++) append(store, [idem(i * 2, seqValues(i * 2, 2))]);
  reopen();
  const p = store.partition('t', 0);
  assert.is(p.logEndOffset, 14);
  assert.equal(append(store, [idem(12, seqValues(12, 2))]), { baseOffset: 12, lastOffset: 13 }, 'retry of the last batch after reopen');
  assert.equal(append(store, [idem(4, seqValues(4, 2))]), { baseOffset: 4, lastOffset: 5 }, 'retry of the 5th-last batch after reopen');
  assert.is(kafkaErrorCode(() => append(store, [idem(15, ['x'])])), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a gap after reopen');
  assert.is(kafkaErrorCode(() => append(store, [idem(0, ['x'])])), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'starting over after reopen');
  assert.equal(append(store, [idem(14, ['v14'])]), { baseOffset: 14, lastOffset: 14 });
  assert.is(p.logEndOffset, 15);
  assert.equal(stored(store).map(([, v]) => v), seqValues(0, 15));
});

log('after a truncation the producer state is that of the remaining log', () => {
  append(store, [idem(0, seqValues(0, 3))]);
  append(store, [idem(3, seqValues(3, 3))]);
  append(store, [idem(6, seqValues(6, 3))]);
  store.transaction(() => store.partition('t', 0).truncateTo(3));
  assert.is(store.partition('t', 0).logEndOffset, 3);
  assert.is(kafkaErrorCode(() => append(store, [idem(6, ['x'])])), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'the truncated batches are forgotten: 6 is a gap now');
  assert.equal(append(store, [idem(0, seqValues(0, 3))]), { baseOffset: 0, lastOffset: 2 }, 'a surviving batch is still a known retry');
  // The truncated batch, sent again (the producer never got its answer), is new: stored once, at the log end.
  assert.equal(append(store, [idem(3, seqValues(3, 3))]), { baseOffset: 3, lastOffset: 5 });
  assert.equal(append(store, [idem(3, seqValues(3, 3))]), { baseOffset: 3, lastOffset: 5 }, 'and its retry is a duplicate again');
  reopen();
  assert.equal(append(store, [idem(3, seqValues(3, 3))]), { baseOffset: 3, lastOffset: 5 }, 'also after reopen');
  assert.equal(stored(store).map(([, v]) => v), seqValues(0, 6));
});

log('a follower learns producer state from the batches it replicates, so as new leader it spots retries', () => {
  // Leader store: two batches; the follower copies the stamped bytes.
  const leaderDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-producer-state-leader-'));
  const leader = new LogStore(leaderDir);
  try {
    append(leader, [idem(0, seqValues(0, 2))], 3);
    append(leader, [idem(2, seqValues(2, 2))], 3);
    const lp = leader.partition('t', 0);
    const bytes = Buffer.concat(lp.read(0, lp.logEndOffset, 1 << 30));
    store.transaction(() => store.partition('t', 0).appendAsFollower(splitAndValidateBatches(bytes)));
    // Now the follower leads (epoch 4) and the producer retries its last batch.
    assert.equal(append(store, [idem(2, seqValues(2, 2))], 4), { baseOffset: 2, lastOffset: 3 });
    assert.equal(append(store, [idem(4, ['v4'])], 4), { baseOffset: 4, lastOffset: 4 });
    assert.equal(stored(store).map(([, v]) => v), seqValues(0, 5));
  } finally {
    leader.close();
    fs.rmSync(leaderDir, { recursive: true, force: true });
  }
});

log('two batches of one producer in one append are stored whole or refused whole, never half', () => {
  // (Kafka's produce path refuses more than one v2 batch per partition with INVALID_RECORD; a
  // PartitionLog must at least never keep part of such a request.)
  append(store, [idem(0, seqValues(0, 2))]);
  let stored2 = true;
  try {
    assert.equal(append(store, [idem(2, seqValues(2, 2)), idem(4, seqValues(4, 2))]), { baseOffset: 2, lastOffset: 5 });
  } catch (err) {
    assert.instance(err, KafkaError);
    stored2 = false;
  }
  assert.is(store.partition('t', 0).logEndOffset, stored2 ? 6 : 2);
  assert.equal(stored(store).map(([, v]) => v), seqValues(0, stored2 ? 6 : 2));
  assert.equal(append(store, [idem(stored2 ? 6 : 2, ['next'])]).baseOffset, stored2 ? 6 : 2, 'the producer continues from what was stored');
});

log('a request whose batches repeat one already stored is refused whole with DUPLICATE_SEQUENCE_NUMBER', () => {
  append(store, [idem(0, seqValues(0, 2))]);
  assert.is(kafkaErrorCode(() => append(store, [idem(0, seqValues(0, 2)), idem(2, seqValues(2, 2))])), ErrorCode.DUPLICATE_SEQUENCE_NUMBER);
  assert.is(store.partition('t', 0).logEndOffset, 2);
});

log.run();
