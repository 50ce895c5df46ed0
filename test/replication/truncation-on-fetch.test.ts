/**
 * Truncation on fetch (Fetch v12+, KIP-595's diverging epoch) over real logs: the leader-side check
 * (Partition.divergingEpoch: where a fetcher's last fetched epoch ends on the leader's log) and the
 * follower side (Partition.agreedLogEnd: where to cut), played in rounds as the replica fetcher does,
 * until the follower's log is a prefix of the leader's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState } from '../../src/common/cluster-types.js';
import { ErrorCode } from '../../src/common/errors.js';
import { encodeRecordBatch, splitAndValidateBatches } from '../../src/protocol/record-batch.js';
import { Partition } from '../../src/replication/partition.js';
import { LogStore } from '../../src/storage/log-store.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';

const test = suite('truncation on fetch: diverging epochs');
let dir = '';
let store: LogStore;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-truncation-test-'));
  store = new LogStore(dir);
});

test.after.each(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const state = (leader: number): PartitionState => ({ partition: 0, leader, leaderEpoch: 0, replicas: [1, 2], isr: [1, 2] });

/** A replica on broker `id` whose log holds, in order, `count` one-record batches of each `[epoch, count]`. */
function replica(id: number, partition: number, history: [epoch: number, count: number][]): Partition {
  const p = new Partition(id, store.partition('t', partition), { ...state(1), partition }, 'topic-id', 1);
  for (const [epoch, count] of history) {
    for (let i = 0; i < count; i++) {
      const b = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from(`e${epoch}`), timestamp: 0 }]))[0]!;
      store.transaction(() => p.log.appendAsLeader([b], epoch));
    }
  }
  return p;
}

/** The epoch of every offset of a log, as `e0 e0 e2 ...`. */
const epochsOf = (p: Partition) => Array.from({ length: p.log.logEndOffset - p.log.logStartOffset }, (_, i) => `e${p.log.epochAt(p.log.logStartOffset + i)}`).join(' ');

/** Fetches as the replica fetcher does until the leader answers no diverging epoch; returns the rounds that truncated. */
function catchUp(leader: Partition, follower: Partition): number {
  for (let rounds = 0; rounds < 10; rounds++) {
    const diverging = leader.divergingEpoch(follower.log.latestEpoch, follower.log.logEndOffset);
    if (!diverging) return rounds;
    const target = follower.agreedLogEnd({ leaderEpoch: diverging.epoch, endOffset: diverging.endOffset });
    assert.ok(target < follower.log.logEndOffset, `round ${rounds} cuts something (to ${target})`);
    follower.log.truncateTo(target);
  }
  throw new Error('no agreement after 10 rounds');
}

function agrees(leader: Partition, follower: Partition, end: number): void {
  assert.is(follower.log.logEndOffset, end);
  assert.is(epochsOf(leader).slice(0, epochsOf(follower).length), epochsOf(follower), 'the follower holds a prefix of the leader');
}

test('a follower whose log agrees (shorter, or as long) is not diverging', () => {
  const leader = replica(1, 0, [[0, 3], [2, 2]]);
  assert.is(leader.divergingEpoch(0, 2), null);
  assert.is(leader.divergingEpoch(0, 3), null, 'at the end of epoch 0, which epoch 2 continues');
  assert.is(leader.divergingEpoch(2, 5), null, 'at the log end');
  assert.is(leader.divergingEpoch(-1, 0), null, 'a fetcher naming no epoch (an empty log, or Fetch < v12)');
  assert.is(catchUp(leader, replica(2, 1, [[0, 3], [2, 1]])), 0);
});

test('a longer tail in the same epoch is cut at the leader\'s log end', () => {
  const leader = replica(1, 0, [[0, 3]]);
  const follower = replica(2, 1, [[0, 5]]);
  assert.equal(leader.divergingEpoch(0, 5), { epoch: 0, endOffset: 3 });
  assert.is(catchUp(leader, follower), 1);
  agrees(leader, follower, 3);
});

test('a tail in an epoch the leader never had is cut where the leader\'s older epoch ends', () => {
  const leader = replica(1, 0, [[0, 3], [2, 2]]);
  const follower = replica(2, 1, [[0, 3], [1, 4]]);
  assert.equal(leader.divergingEpoch(1, 7), { epoch: 0, endOffset: 3 });
  assert.is(catchUp(leader, follower), 1);
  agrees(leader, follower, 3);
});

test('KIP-279: where the leader\'s epoch ends past our own copy of it, we cut at ours, then check again one epoch back', () => {
  // Leader: e0 e0 e2 e2 e2 e2 e2; follower: e0 e0 e1 e1 e3 e3. Epoch 1 was the follower's alone.
  const leader = replica(1, 0, [[0, 2], [2, 5]]);
  const follower = replica(2, 1, [[0, 2], [1, 2], [3, 2]]);
  assert.equal(leader.divergingEpoch(3, 6), { epoch: 2, endOffset: 7 });
  assert.is(follower.agreedLogEnd({ leaderEpoch: 2, endOffset: 7 }), 4, 'our largest epoch <= 2 (epoch 1) ends at 4');
  assert.is(catchUp(leader, follower), 2);
  agrees(leader, follower, 2);
});

test('a leader elected at a new epoch, before it writes in it, counts that epoch as begun at its log end (as Kafka\'s epoch cache does)', () => {
  const leader = replica(1, 0, [[0, 3], [2, 2]]);
  leader.becomeLeader({ ...state(1), leaderEpoch: 4 }, 0);
  assert.equal(leader.endOffsetForEpoch(4), { leaderEpoch: 4, endOffset: 5 });
  assert.equal(leader.endOffsetForEpoch(3), { leaderEpoch: 2, endOffset: 5 });
  // @platformatic/kafka sends the current leader epoch as its last fetched epoch.
  assert.is(leader.divergingEpoch(4, 5), null);
  assert.is(leader.divergingEpoch(4, 2), null);
  assert.equal(leader.divergingEpoch(4, 7), { epoch: 4, endOffset: 5 });
  const follower = replica(2, 1, [[0, 3], [2, 2]]);
  follower.becomeFollower({ ...state(1), leaderEpoch: 4 });
  assert.equal(follower.endOffsetForEpoch(4), { leaderEpoch: 2, endOffset: 5 }, 'a follower counts only the epochs it holds batches of');
});

test('a leader with no epoch that old, or a fetch offset before its log start: OFFSET_OUT_OF_RANGE (the follower falls back to OffsetForLeaderEpoch)', () => {
  const leader = replica(1, 0, [[3, 4]]);
  assert.is(kafkaErrorCode(() => leader.divergingEpoch(2, 1)), ErrorCode.OFFSET_OUT_OF_RANGE);
  leader.log.setHighWatermark(4);
  leader.log.advanceStartOffset(2);
  assert.is(kafkaErrorCode(() => leader.divergingEpoch(3, 1)), ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.is(leader.divergingEpoch(3, 2), null);
});

test('a follower without epochs agrees as far as it goes; a leader without the epoch leaves nothing past the log start', () => {
  const empty = replica(2, 1, []);
  assert.is(empty.agreedLogEnd({ leaderEpoch: 0, endOffset: 0 }), 0);
  const follower = replica(2, 2, [[1, 3]]);
  assert.is(follower.agreedLogEnd({ leaderEpoch: -1, endOffset: -1 }), 0);
  assert.is(follower.agreedLogEnd({ leaderEpoch: 0, endOffset: 5 }), 0, 'the leader\'s epoch 0 is older than anything we have');
});

test.run();
