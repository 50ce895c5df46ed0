/**
 * Follower fetching (KIP-392) below the wire: which replica the rack-aware selector names
 * (replica-selector.ts), and what a follower answers a consumer (ReplicaManager.read): records up
 * to its high watermark, OFFSET_NOT_AVAILABLE past its log end while it catches up to what the
 * leader committed, OFFSET_OUT_OF_RANGE past that.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BrokerInfo, PartitionState } from '../../src/common/cluster-types.js';
import { ErrorCode } from '../../src/common/errors.js';
import { DEFAULT_BROKER_CONFIG, type BrokerContext } from '../../src/broker/context.js';
import { preferredReadReplica, type ReplicaSelector } from '../../src/broker/replica-selector.js';
import { encodeRecordBatch, splitAndValidateBatches } from '../../src/protocol/record-batch.js';
import { Partition } from '../../src/replication/partition.js';
import { LogStore } from '../../src/storage/log-store.js';
import { testReplicaManager } from '../helpers/replica-manager.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';

const test = suite('follower reads');
let dir = '';
let store: LogStore;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-follower-reads-test-'));
  store = new LogStore(dir);
});

test.after.each(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const T = 1_000_000;
const RACKS: Record<number, string> = { 1: 'a', 2: 'b', 3: 'b', 4: 'c' };

function state(over: Partial<PartitionState> = {}): PartitionState {
  return { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2, 3, 4], isr: [1, 2, 3, 4], ...over };
}

function batch(value: string, baseOffset = 0) {
  return splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from(value), timestamp: 0 }], { baseOffset }))[0]!;
}

/** Broker 1 (rack a) leading a partition with `n` records; followers 2 and 3 in rack b, 4 in rack c. */
function leaderWith(n: number, isr = [1, 2, 3, 4]): Partition {
  const s = state({ isr });
  const p = new Partition(1, store.partition('t', 0), s, 'topic-id', 1);
  p.becomeLeader(s, T);
  for (let i = 0; i < n; i++) store.transaction(() => p.log.appendAsLeader([batch(`r${i}`)], 0));
  return p;
}

/** What preferredReadReplica reads of a broker: its config, rack, id and the live brokers' racks. */
function ctx(selector: ReplicaSelector, alive = [1, 2, 3, 4]): BrokerContext {
  const brokers = alive.map((id) => ({ id, host: '127.0.0.1', port: 9091 + id, pid: 0, state: 'alive', lastHeartbeatAgeMs: 0, rack: RACKS[id] }) as BrokerInfo);
  return { brokerId: 1, rack: 'a', config: { ...DEFAULT_BROKER_CONFIG, replicaSelector: selector }, cache: { aliveBrokers: () => brokers } } as unknown as BrokerContext;
}

test('rack-aware: the most caught-up in-sync follower of the client\'s rack, then the most recently caught up; the leader for its own rack, no rack or an unknown one', () => {
  const p = leaderWith(10);
  p.recordFollowerFetch(2, 8, T + 10);
  p.recordFollowerFetch(3, 10, T + 10);
  p.recordFollowerFetch(4, 10, T + 10);
  const rackAware = ctx('rack-aware');
  assert.is(preferredReadReplica(rackAware, p, 'b', 5, T + 20), 3, 'broker-3 holds more than broker-2');
  assert.is(preferredReadReplica(rackAware, p, 'b', 9, T + 20), 3, 'broker-2 lacks offset 9');
  assert.is(preferredReadReplica(rackAware, p, 'c', 0, T + 20), 4);
  for (const rack of ['a', '', 'z']) assert.is(preferredReadReplica(rackAware, p, rack, 0, T + 20), -1, `rack "${rack}"`);
  assert.is(preferredReadReplica(ctx('leader'), p, 'b', 0, T + 20), -1, 'the leader selector never names a follower');

  p.recordFollowerFetch(2, 10, T + 30);
  assert.is(preferredReadReplica(rackAware, p, 'b', 0, T + 40), 2, 'equally caught up: the one caught up most recently');
});

test('rack-aware: never a follower out of the ISR, a dead one, or one that has not fetched since this leader began', () => {
  const p = leaderWith(10, [1, 3, 4]);
  p.recordFollowerFetch(2, 10, T + 10);
  assert.is(preferredReadReplica(ctx('rack-aware'), p, 'b', 0, T + 20), -1, 'broker-2 is out of the ISR, broker-3 has not fetched');
  p.recordFollowerFetch(3, 10, T + 10);
  assert.is(preferredReadReplica(ctx('rack-aware'), p, 'b', 0, T + 20), 3);
  assert.is(preferredReadReplica(ctx('rack-aware', [1, 2, 4]), p, 'b', 0, T + 20), -1, 'broker-3 is dead');
});

test('a follower serves consumers up to its high watermark; OFFSET_NOT_AVAILABLE past its log end below the leader\'s high watermark; OFFSET_OUT_OF_RANGE beyond', async () => {
  const replicas = testReplicaManager(store, { brokerId: 2, replicaLagTimeMaxMs: 10_000 });
  try {
    const s = state();
    const p = new Partition(2, store.partition('t', 0), s, 'topic-id', 1);
    p.becomeFollower(s);
    // The leader's offsets, as a follower receives them.
    for (let i = 0; i < 5; i++) store.transaction(() => p.log.appendAsFollower([batch(`r${i}`, i)]));
    p.updateFollowerHighWatermark(3);
    const read = replicas.read(p, 0, 1 << 20);
    assert.is(read.batches.length, 3, 'records 0-2: what the leader committed');
    assert.is(read.highWatermark, 3);
    assert.is(replicas.read(p, 4, 1 << 20).batches.length, 0, 'held but not known committed: nothing yet');
    p.updateFollowerHighWatermark(8);
    assert.is(p.log.highWatermark, 5, 'bounded by what the follower holds');
    assert.is(kafkaErrorCode(() => replicas.read(p, 7, 1 << 20)), ErrorCode.OFFSET_NOT_AVAILABLE, 'committed at the leader, not here yet');
    assert.is(kafkaErrorCode(() => replicas.read(p, 9, 1 << 20)), ErrorCode.OFFSET_OUT_OF_RANGE, 'beyond what the leader committed');
    const asLeader = new Partition(1, store.partition('u', 0), s, 'topic-id', 1);
    asLeader.becomeLeader(s, T);
    assert.is(kafkaErrorCode(() => replicas.read(asLeader, 3, 1 << 20)), ErrorCode.OFFSET_OUT_OF_RANGE, 'a leader past its log end');
  } finally {
    await replicas.close();
  }
});

test.run();
