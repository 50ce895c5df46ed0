/**
 * The TransactionCoordinator state machine over a real coordinator.db (temp dir) and a fake marker
 * sender: InitProducerId epochs and fencing (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH by version,
 * KIP-360's bump and its lost-answer retry), AddPartitionsToTxn in both forms, EndTxn and its retries,
 * markers to every partition through leader failures, CONCURRENT_TRANSACTIONS while they are written,
 * the abort of the previous epoch's transaction, timeouts, TxnOffsetCommit's pending offsets
 * (KIP-447 group checks, require_stable), restart recovery, Describe/ListTransactions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { silentLogger } from '../../src/common/logger.js';
import { GroupCoordinator } from '../../src/coordinator/group-coordinator.js';
import { GroupStore } from '../../src/coordinator/group-store.js';
import { MetadataStore } from '../../src/coordinator/metadata-store.js';
import { TransactionCoordinator } from '../../src/coordinator/txn-coordinator.js';
import type { TxnMarker, TxnMarkerBroker, TxnMarkerSender } from '../../src/coordinator/txn-markers.js';
import { TxnStore } from '../../src/coordinator/txn-store.js';
import type { GroupCall } from '../../src/protocol/internal-api.js';
import { encodeSubscription } from '../../src/protocol/consumer-protocol.js';

let dir = '';
let store: MetadataStore;
let groups: GroupCoordinator;
let txns: TransactionCoordinator;
let clock = 1_000_000;

/** Markers the fake leaders took, and how each partition answers (NONE unless told otherwise). */
let written: { broker: number; marker: TxnMarker }[] = [];
const answers = new Map<string, number>();
/** Brokers that do not answer at all (down). */
const down = new Set<number>();
const sender: TxnMarkerSender = {
  async write(broker: TxnMarkerBroker, marker: TxnMarker) {
    if (down.has(broker.id)) throw new Error(`broker ${broker.id} is down`);
    const results = marker.partitions.map((p) => ({ ...p, errorCode: answers.get(`${p.topic}-${p.partition}`) ?? ErrorCode.NONE }));
    const taken = results.filter((r) => r.errorCode === ErrorCode.NONE);
    if (taken.length > 0) written.push({ broker: broker.id, marker: { ...marker, partitions: taken } });
    return results;
  },
  close() {},
};
/** Partitions out-0..2 led by brokers 1..3; `leaders` overrides. */
const leaders = new Map<string, number>();
const leaderOf = (topic: string, partition: number) => {
  const id = leaders.get(`${topic}-${partition}`) ?? partition + 1;
  return id < 0 ? null : { id, host: '127.0.0.1', port: 9000 + id };
};
const partitionExists = (topic: string, partition: number) => (topic === 'out' || topic === 'in') && partition >= 0 && partition < 3;

function open(): void {
  const groupStore = new GroupStore(store.database);
  groups = new GroupCoordinator(groupStore, { partitionExists, minSessionTimeoutMs: 50, initialRebalanceDelayMs: 0 });
  txns = new TransactionCoordinator({
    store: new TxnStore(store.database),
    offsets: groups.offsets,
    atomically: (work) => groupStore.atomically(work),
    allocateProducerId: () => store.allocateProducerIds(1),
    coordinatorEpoch: 7,
    cluster: { leaderOf, partitionExists },
    markers: sender,
    maxTimeoutMs: 60_000,
    logger: silentLogger,
    now: () => clock,
  });
}

function restart(): void {
  txns.close();
  groups.close();
  store.close();
  store = new MetadataStore(dir);
  open();
}

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-txn-test-'));
  store = new MetadataStore(dir);
  written = [];
  answers.clear();
  down.clear();
  leaders.clear();
  open();
});

test.after.each(() => {
  txns.close();
  groups.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = <Req>(request: Req, apiVersion: number): GroupCall<Req> => ({ apiVersion, clientId: 'test', clientHost: '/127.0.0.1', request });
const init = (transactionalId: string, over: { producerId?: number; producerEpoch?: number; transactionTimeoutMs?: number } = {}, version = 4) =>
  txns.initProducerId(call({ transactionalId, transactionTimeoutMs: 10_000, producerId: -1, producerEpoch: -1, ...over }, version));
const add = (id: string, pid: number, epoch: number, partitions: number[], version = 3, topic = 'out') => {
  const res = txns.addPartitions(call({ v3AndBelowTransactionalId: id, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: topic, partitions }] }, version));
  return res.resultsByTopicV3AndBelow!.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode));
};
const end = (id: string, pid: number, epoch: number, committed: boolean, version = 3) => txns.endTxn(call({ transactionalId: id, producerId: pid, producerEpoch: epoch, committed }, version)).errorCode;
const state = (id: string) => txns.describe(call({ transactionalIds: [id] }, 0)).transactionStates[0]!;

test('InitProducerId: a new id starts at epoch 0; each new instance bumps it and fences the one before', () => {
  const a = init('t1');
  assert.is(a.errorCode, ErrorCode.NONE);
  assert.is(a.producerEpoch, 0);
  const b = init('t1');
  assert.equal([b.producerId, b.producerEpoch], [a.producerId, 1], 'same producer id, next epoch');
  assert.equal(add('t1', a.producerId, 0, [0]), [ErrorCode.PRODUCER_FENCED], 'the old instance is fenced (AddPartitionsToTxn v2+)');
  assert.equal(add('t1', a.producerId, 0, [0], 1), [ErrorCode.INVALID_PRODUCER_EPOCH], 'v0-1 get the older name');
  assert.is(end('t1', a.producerId, 0, true), ErrorCode.PRODUCER_FENCED);
  assert.is(end('t1', a.producerId + 99, 1, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'another producer id');
  assert.is(init('other').producerId === a.producerId, false, 'each transactional id has a producer id of its own');
});

test('InitProducerId refuses an empty id and a timeout beyond transaction.max.timeout.ms', () => {
  assert.is(init('').errorCode, ErrorCode.INVALID_REQUEST);
  assert.is(init('t', { transactionTimeoutMs: 60_001 }).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.is(init('t', { transactionTimeoutMs: 0 }).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.is(init('t', { transactionTimeoutMs: 60_000 }).errorCode, ErrorCode.NONE);
});

test('KIP-360: naming the current id and epoch bumps it; the epoch just bumped from gets the same answer; any other is fenced', () => {
  const a = init('t');
  const bumped = init('t', { producerId: a.producerId, producerEpoch: 0 }, 3);
  assert.equal([bumped.errorCode, bumped.producerEpoch], [ErrorCode.NONE, 1]);
  const retried = init('t', { producerId: a.producerId, producerEpoch: 0 }, 3);
  assert.equal([retried.errorCode, retried.producerEpoch], [ErrorCode.NONE, 1], 'a retry whose answer was lost');
  assert.is(init('t', { producerId: a.producerId, producerEpoch: 5 }, 4).errorCode, ErrorCode.PRODUCER_FENCED);
  assert.is(init('t', { producerId: a.producerId, producerEpoch: 5 }, 3).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'v3 clients do not know PRODUCER_FENCED');
});

test('commit: markers go to every partition leader with the epoch and coordinator epoch; then CompleteCommit', async () => {
  const { producerId: pid } = init('t');
  assert.equal(add('t', pid, 0, [0, 1, 2]), [0, 0, 0]);
  assert.is(state('t').transactionState, 'Ongoing');
  assert.is(state('t').transactionStartTimeMs, clock);
  assert.is(end('t', pid, 0, true), ErrorCode.NONE);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteCommit');
  assert.equal(written.map((w) => w.broker).sort(), [1, 2, 3], 'one request per leader');
  for (const { marker } of written) assert.equal([marker.producerId, marker.producerEpoch, marker.commit, marker.coordinatorEpoch], [pid, 0, true, 7]);
  assert.is(end('t', pid, 0, true), ErrorCode.NONE, 'a retried commit after it completed');
  assert.is(end('t', pid, 0, false), ErrorCode.INVALID_TXN_STATE, 'aborting a committed transaction');
  assert.equal(state('t').topics, [], 'a completed transaction has no partitions left');
});

test('EndTxn with no transaction ongoing is INVALID_TXN_STATE; an unknown partition fails AddPartitionsToTxn whole', () => {
  const { producerId: pid } = init('t');
  assert.is(end('t', pid, 0, true), ErrorCode.INVALID_TXN_STATE);
  assert.equal(add('t', pid, 0, [0, 7]), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.is(state('t').transactionState, 'Empty', 'nothing was added');
});

test('markers are retried until every partition has one: leader down, NOT_LEADER_OR_FOLLOWER, no leader', async () => {
  const { producerId: pid } = init('t');
  add('t', pid, 0, [0, 1, 2]);
  down.add(1);
  answers.set('out-1', ErrorCode.NOT_LEADER_OR_FOLLOWER);
  leaders.set('out-2', -1);
  assert.is(end('t', pid, 0, false), ErrorCode.NONE);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(state('t').transactionState, 'PrepareAbort');
  assert.equal(state('t').topics, [{ topic: 'out', partitions: [0, 1, 2] }], 'DescribeTransactions lists the partitions still without a marker');
  const again = init('t');
  assert.is(again.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS, 'a new instance waits for the markers');
  assert.is(add('t', pid, 0, [0])[0], ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.is(end('t', pid, 0, false), ErrorCode.CONCURRENT_TRANSACTIONS, 'the same end, retried');
  assert.is(end('t', pid, 0, true), ErrorCode.INVALID_TXN_STATE, 'the other end');
  down.clear();
  answers.clear();
  leaders.set('out-2', 1);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteAbort');
  assert.equal(written.flatMap((w) => w.marker.partitions.map((p) => p.partition)).sort(), [0, 1, 2]);
  assert.ok(written.every((w) => !w.marker.commit));
  assert.is(init('t').producerEpoch, 1);
});

test('InitProducerId during an ongoing transaction aborts it with a bumped epoch first (CONCURRENT_TRANSACTIONS until done)', async () => {
  const { producerId: pid } = init('t');
  add('t', pid, 0, [0, 1]);
  assert.is(init('t').errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  await txns.markersWritten('t');
  assert.equal(written.map((w) => [w.marker.commit, w.marker.producerEpoch]), [[false, 1], [false, 1]], 'ABORT markers carry the fencing epoch');
  const next = init('t');
  assert.equal([next.errorCode, next.producerEpoch], [ErrorCode.NONE, 2]);
  assert.is(end('t', pid, 0, true), ErrorCode.PRODUCER_FENCED, 'the old instance cannot commit');
});

test('a transaction past its timeout is aborted by the coordinator, its producer fenced', async () => {
  const { producerId: pid } = init('t', { transactionTimeoutMs: 5000 });
  add('t', pid, 0, [0]);
  const other = init('u', { transactionTimeoutMs: 50_000 });
  add('u', other.producerId, 0, [1]);
  txns.abortTimedOut(clock + 5000);
  assert.is(state('t').transactionState, 'Ongoing', 'not before its timeout');
  txns.abortTimedOut(clock + 5001);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteAbort');
  assert.is(state('u').transactionState, 'Ongoing', 'the other one has time left');
  assert.is(end('t', pid, 0, true), ErrorCode.PRODUCER_FENCED, 'its producer learns at commit');
  assert.equal(written.map((w) => [w.marker.commit, w.marker.producerEpoch]), [[false, 1]]);
});

async function stableMember(): Promise<{ memberId: string; generationId: number }> {
  const subscription = encodeSubscription({ topics: ['in'], userData: null });
  const req = { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription }] };
  const joined = await groups.join(call(req, 3));
  await groups.sync(call({ groupId: 'g', generationId: joined.generationId, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }] }, 3));
  return { memberId: joined.memberId, generationId: joined.generationId };
}

const fetchOffset = (requireStable: boolean) => groups.offsets.fetch(call({ groupId: 'g', topics: [{ name: 'in', partitionIndexes: [0] }], requireStable }, 7)).topics[0]!.partitions[0]!;

test('TxnOffsetCommit: KIP-447 group checks; pending offsets are UNSTABLE for require_stable readers, visible on commit, dropped on abort', async () => {
  const member = await stableMember();
  const { producerId: pid } = init('t');
  const commit = (over: object, version = 3) =>
    txns.txnOffsetCommit(call({ transactionalId: 't', groupId: 'g', producerId: pid, producerEpoch: 0, ...member, groupInstanceId: null, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 42, committedMetadata: null }] }], ...over }, version)).topics[0]!.partitions[0]!.errorCode;
  assert.is(commit({}), ErrorCode.INVALID_TXN_STATE, 'the group must be added to the transaction first');
  assert.is(txns.addOffsets(call({ transactionalId: 't', producerId: pid, producerEpoch: 0, groupId: 'g' }, 3)).errorCode, ErrorCode.NONE);
  assert.is(commit({ generationId: member.generationId + 1 }), ErrorCode.ILLEGAL_GENERATION);
  assert.is(commit({ memberId: 'zombie' }), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.is(commit({ producerEpoch: 5 }), ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.is(commit({ memberId: '', generationId: -1 }, 2), ErrorCode.NONE, 'v0-2 name no member');
  assert.is(commit({}), ErrorCode.NONE);
  assert.is(fetchOffset(true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
  assert.equal([fetchOffset(false).errorCode, fetchOffset(false).committedOffset], [ErrorCode.NONE, -1], 'not visible before the commit');
  add('t', pid, 0, [0]);
  assert.is(end('t', pid, 0, true), ErrorCode.NONE);
  assert.equal([fetchOffset(true).errorCode, fetchOffset(true).committedOffset], [ErrorCode.NONE, 42], 'the group has them once committed');

  await txns.markersWritten('t');
  const e1 = init('t').producerEpoch;
  txns.addOffsets(call({ transactionalId: 't', producerId: pid, producerEpoch: e1, groupId: 'g' }, 3));
  txns.txnOffsetCommit(call({ transactionalId: 't', groupId: 'g', producerId: pid, producerEpoch: e1, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 99, committedMetadata: null }] }] }, 2));
  assert.is(end('t', pid, e1, false), ErrorCode.NONE);
  assert.equal([fetchOffset(true).errorCode, fetchOffset(true).committedOffset], [ErrorCode.NONE, 42], 'an aborted transaction leaves the offsets as they were');
});

test('a restart loses no transaction: an ongoing one goes on, a prepared one finishes its markers, pending offsets stay pending', async () => {
  const a = init('ongoing');
  add('ongoing', a.producerId, 0, [0]);
  txns.addOffsets(call({ transactionalId: 'ongoing', producerId: a.producerId, producerEpoch: 0, groupId: 'g' }, 3));
  txns.txnOffsetCommit(call({ transactionalId: 'ongoing', groupId: 'g', producerId: a.producerId, producerEpoch: 0, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }] }, 2));
  const b = init('prepared');
  add('prepared', b.producerId, 0, [1, 2]);
  down.add(2);
  down.add(3);
  assert.is(end('prepared', b.producerId, 0, true), ErrorCode.NONE);
  await new Promise((r) => setTimeout(r, 50));
  restart();
  assert.is(state('ongoing').transactionState, 'Ongoing');
  assert.is(fetchOffset(true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT, 'pending offsets survive the restart');
  assert.is(state('prepared').transactionState, 'PrepareCommit');
  down.clear();
  await txns.markersWritten('prepared');
  assert.is(state('prepared').transactionState, 'CompleteCommit', 'the restarted coordinator finished the markers');
  assert.equal(add('ongoing', a.producerId, 0, [1]), [ErrorCode.NONE], 'the ongoing transaction carries on');
  assert.is(end('ongoing', a.producerId, 0, true), ErrorCode.NONE);
  assert.is(fetchOffset(true).committedOffset, 5);
  // A transaction whose coordinator was down past its timeout is aborted at the first check.
  const c = init('late', { transactionTimeoutMs: 1000 });
  add('late', c.producerId, 0, [0]);
  restart();
  txns.abortTimedOut(clock + 1001);
  await txns.markersWritten('late');
  assert.is(state('late').transactionState, 'CompleteAbort');
});

test('AddPartitionsToTxn v4+: several transactions, verify_only', () => {
  const a = init('a');
  add('a', a.producerId, 0, [0]);
  const b = init('b');
  const res = txns.addPartitions(
    call(
      {
        transactions: [
          { transactionalId: 'a', producerId: a.producerId, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'out', partitions: [0, 1] }] },
          { transactionalId: 'b', producerId: b.producerId, producerEpoch: 0, verifyOnly: false, topics: [{ name: 'out', partitions: [2] }] },
        ],
      },
      5,
    ),
  );
  assert.is(res.errorCode, ErrorCode.NONE);
  assert.equal(res.resultsByTransaction!.map((t) => t.topicResults[0]!.resultsByPartition.map((p) => p.partitionErrorCode)), [[ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE], [ErrorCode.NONE]]);
  assert.equal(state('a').topics, [{ topic: 'out', partitions: [0] }], 'verify_only added nothing');
  assert.equal(state('b').topics, [{ topic: 'out', partitions: [2] }]);
});

test('ListTransactions filters by state, producer id and duration; names unknown state filters', () => {
  const a = init('a');
  add('a', a.producerId, 0, [0]);
  const b = init('b');
  const list = (stateFilters: string[], producerIdFilters: number[] = [], durationFilter = -1) =>
    txns.list(call({ stateFilters, producerIdFilters, durationFilter }, 1));
  assert.equal(list([]).transactionStates.map((t) => t.transactionalId), ['a', 'b']);
  assert.equal(list(['Ongoing']).transactionStates.map((t) => t.transactionalId), ['a']);
  assert.equal(list([], [b.producerId]).transactionStates.map((t) => [t.transactionalId, t.transactionState]), [['b', 'Empty']]);
  clock += 2000;
  assert.equal(list([], [], 1000).transactionStates.map((t) => t.transactionalId), ['a'], 'only transactions running longer than the filter');
  assert.equal(list(['Ongoing', 'Bogus', 'Dead']).unknownStateFilters, ['Bogus']);
  assert.is(txns.describe(call({ transactionalIds: ['nope'] }, 0)).transactionStates[0]!.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
});

test.run();
