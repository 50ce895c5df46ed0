/**
 * ReplicaManager.appendRecords, the leader write of a produce request or a transaction marker:
 * the requests of one event-loop turn in one transaction, each partition answered on its own (a refusal in one
 * does not fail the others, as in Kafka), min.insync.replicas refused up front for acks=all, and
 * acks=all answered once the high watermark covers the write; consumers waiting for data woken when
 * the high watermark moves, not by every follower fetch; each hop of an acks=all record taken in the
 * turn of the event that allows it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState } from '../../src/common/cluster-types.js';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { ReplicaManager, type LeaderWriteResult } from '../../src/broker/replica-manager.js';
import { encodeRecordBatch, splitAndValidateBatches } from '../../src/protocol/record-batch.js';
import { Partition } from '../../src/replication/partition.js';
import { LogStore } from '../../src/storage/log-store.js';
import { testReplicaManager } from '../helpers/replica-manager.js';

const test = suite('ReplicaManager: leader writes and wake-ups');
let dir = '';
let store: LogStore;
let replicas: ReplicaManager;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-replica-manager-test-'));
  store = new LogStore(dir);
  replicas = testReplicaManager(store);
});

test.after.each(async () => {
  await replicas.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Broker 1 leading `topic`-0 with ISR `isr` and min.insync.replicas `minIsr`. */
function leader(topic: string, isr: number[], minIsr = 1): Partition {
  const s: PartitionState = { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2, 3], isr };
  const p = new Partition(1, store.partition(topic, 0), s, `${topic}-id`, minIsr);
  p.becomeLeader(s, Date.now());
  return p;
}

/** Broker 1 leading `topic`-0 as the coordinator's metadata says, so the manager's fetch waits find it. */
function led(topic: string, isr: number[], minIsr = 1): Partition {
  const state: PartitionState = { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2, 3], isr };
  replicas.applyMetadata({ clusterId: 'c', version: 1, brokers: [], topics: [{ name: topic, id: `${topic}-id`, partitions: [state], configs: { 'min.insync.replicas': String(minIsr) } }] });
  return replicas.leaderPartition(topic, 0, true);
}

/** Resolves after the callbacks the current turn queued (a group commit's setImmediate among them) and their promise reactions. */
const afterThisTurn = () => new Promise((r) => setImmediate(r));

/** One record from an idempotent producer at `baseSequence`. */
function batch(value: string, baseSequence = -1, producerId = -1) {
  return splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from(value), timestamp: 0 }], { producerId, producerEpoch: producerId < 0 ? -1 : 0, baseSequence }));
}

function errorCode(r: LeaderWriteResult): number {
  return 'error' in r ? (r.error instanceof KafkaError ? r.error.code : ErrorCode.UNKNOWN_SERVER_ERROR) : ErrorCode.NONE;
}

test('a partition refusing its write (a producer sequence out of order) does not fail the request\'s other partitions', async () => {
  const a = leader('a', [1]);
  const b = leader('b', [1]);
  const [ra, rb] = await replicas.appendRecords(
    [
      { partition: a, batches: batch('a0', 5, 42) },
      { partition: b, batches: batch('b0') },
    ],
    1,
    5000,
  );
  assert.is(errorCode(ra!), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.is(errorCode(rb!), ErrorCode.NONE, 'b is written whatever a does');
  assert.is(a.log.logEndOffset, 0, 'nothing of a stored');
  assert.is(b.log.logEndOffset, 1);
  assert.is(b.log.read(0, 1, 1 << 20).length, 1, 'b committed');
  // a's producer state was put back: its first batch at sequence 0 is accepted.
  const [again] = await replicas.appendRecords([{ partition: a, batches: batch('a0', 0, 42) }], 1, 5000);
  assert.is(errorCode(again!), ErrorCode.NONE);
});

test('acks=all is refused with NOT_ENOUGH_REPLICAS while the ISR is below min.insync.replicas, and nothing is written; acks=1 is not', async () => {
  const p = leader('t', [1], 2);
  const [all] = await replicas.appendRecords([{ partition: p, batches: batch('x') }], -1, 5000);
  assert.is(errorCode(all!), ErrorCode.NOT_ENOUGH_REPLICAS);
  assert.is(p.log.logEndOffset, 0);
  const [one] = await replicas.appendRecords([{ partition: p, batches: batch('y') }], 1, 5000);
  assert.is(errorCode(one!), ErrorCode.NONE);
  assert.equal(one, { baseOffset: 0, lastOffset: 0, logStartOffset: 0 });
});

test('acks=all is answered once the followers\' fetches cover the write, with its offsets and the log start', async () => {
  const p = leader('t', [1, 2, 3], 2);
  let answered: LeaderWriteResult | undefined;
  const pending = replicas.appendRecords([{ partition: p, batches: batch('x') }], -1, 5000).then(([r]) => (answered = r));
  await new Promise((r) => setImmediate(r));
  assert.is(answered, undefined, 'not replicated yet');
  replicas.readForFollower(p, 2, 1, 1 << 20);
  replicas.readForFollower(p, 3, 1, 1 << 20);
  await pending;
  assert.equal(answered, { baseOffset: 0, lastOffset: 0, logStartOffset: 0 });
});

test('the writes of requests arriving in one event-loop turn commit in one transaction, in arrival order, each request answered on its own', async () => {
  const a = leader('a', [1]);
  const b = leader('b', [1]);
  let outermost = 0;
  let depth = 0;
  const transaction = store.transaction.bind(store);
  store.transaction = <T>(fn: () => T): T => {
    if (depth++ === 0) outermost++;
    try {
      return transaction(fn);
    } finally {
      depth--;
    }
  };
  const [first, second, third] = await Promise.all([
    replicas.appendRecords([{ partition: a, batches: batch('a0') }], 1, 5000),
    replicas.appendRecords([{ partition: b, batches: batch('b0', 3, 7) }, { partition: a, batches: batch('a1') }], 1, 5000),
    replicas.appendRecords([{ partition: a, batches: batch('a2') }], 1, 5000),
  ]);
  assert.is(outermost, 1, 'one commit for the three requests');
  assert.equal(first, [{ baseOffset: 0, lastOffset: 0, logStartOffset: 0 }]);
  assert.is(errorCode(second![0]!), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "b's refusal is b's alone");
  assert.equal(second![1], { baseOffset: 1, lastOffset: 1, logStartOffset: 0 });
  assert.equal(third, [{ baseOffset: 2, lastOffset: 2, logStartOffset: 0 }]);
  assert.is(a.log.logEndOffset, 3);
});

test('a consumer waiting for the high watermark is woken when it moves, not by every follower fetch', async () => {
  const p = led('t', [1, 2, 3], 2);
  await replicas.appendRecords([{ partition: p, batches: batch('x') }], 1, 5000);
  let woken = false;
  const waiting = replicas.waitForData([p], 'highWatermark', 30_000).then(() => (woken = true));
  replicas.readForFollower(p, 2, 0, 1 << 20);
  replicas.readForFollower(p, 3, 0, 1 << 20);
  await afterThisTurn();
  assert.is(woken, false, 'the followers fetched, the high watermark stayed at 0: nothing new for a consumer');
  replicas.readForFollower(p, 2, 1, 1 << 20);
  replicas.readForFollower(p, 3, 1, 1 << 20);
  await afterThisTurn();
  assert.is(woken, true, 'woken in the turn the high watermark moved, not by its 30 s timer');
  await waiting;
  assert.is(p.log.highWatermark, 1);
});

// The hops of an acks=all record, each taken in the turn of the event that allows it (no timer, no
// fetch answered only at its maxWait, no extra turn): the leader's commit wakes the followers'
// waiting fetches; the last follower fetch that covers it answers the producer and the consumer.
test('a follower fetch waiting for data is answered in the turn the leader append commits', async () => {
  const p = led('t', [1, 2, 3], 2);
  let woken = false;
  const waiting = replicas.waitForData([p], 'append', 30_000).then(() => (woken = true));
  const produced = replicas.appendRecords([{ partition: p, batches: batch('x') }], -1, 30_000);
  await afterThisTurn();
  assert.is(woken, true, 'woken by the commit');
  replicas.readForFollower(p, 2, 1, 1 << 20);
  replicas.readForFollower(p, 3, 1, 1 << 20);
  await Promise.all([waiting, produced]);
});

test('acks=all and a waiting consumer are answered in the turn of the follower fetch that moves the high watermark', async () => {
  const p = led('t', [1, 2, 3], 2);
  let acked = false;
  let consumerWoken = false;
  const consumer = replicas.waitForData([p], 'highWatermark', 30_000).then(() => (consumerWoken = true));
  const produced = replicas.appendRecords([{ partition: p, batches: batch('x') }], -1, 30_000).then(() => (acked = true));
  await afterThisTurn();
  replicas.readForFollower(p, 2, 1, 1 << 20);
  await afterThisTurn();
  assert.equal([acked, consumerWoken], [false, false], 'one follower of two: not committed');
  replicas.readForFollower(p, 3, 1, 1 << 20);
  await afterThisTurn();
  assert.equal([acked, consumerWoken], [true, true], 'both answered in that turn');
  await Promise.all([consumer, produced]);
});

test('a waiting fetch learns which of its partitions got data: all that one commit wrote, in that turn; a timeout names none', async () => {
  const states: PartitionState[] = [0, 1, 2].map((partition) => ({ partition, leader: 1, leaderEpoch: 0, replicas: [1, 2, 3], isr: [1] }));
  replicas.applyMetadata({ clusterId: 'c', version: 1, brokers: [], topics: [{ name: 'three', id: 'three-id', partitions: states, configs: {} }] });
  const [p0, , p2] = [0, 1, 2].map((i) => replicas.leaderPartition('three', i, true));
  const targets = [0, 1, 2].map((i) => replicas.leaderPartition('three', i, true));
  const waiting = replicas.waitForData(targets, 'append', 30_000);
  await replicas.appendRecords([{ partition: p0!, batches: batch('x') }, { partition: p2!, batches: batch('y') }], 1, 5000);
  const woke = await waiting;
  assert.equal(woke === null ? null : [...woke].sort(), [0, 2], 'partitions 0 and 2, committed together; not 1');
  assert.is(await replicas.waitForData(targets, 'append', 5), null, 'a timeout: none');
});

test('waiting fetches share one timer; a wait on no partition held here ends at its timeout', async () => {
  led('t', [1, 2, 3], 2);
  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timeouts();
  const waits = Array.from({ length: 50 }, () => replicas.waitForData([replicas.leaderPartition('t', 0, true)], 'append', 30_000));
  assert.ok(timeouts() - before <= 1, `${timeouts() - before} timers for 50 waiting fetches`);
  await replicas.waitForData([undefined], 'append', 5);
  replicas.replicas().next().value!.wakeAllFetches();
  await Promise.all(waits);
});

test.run();
