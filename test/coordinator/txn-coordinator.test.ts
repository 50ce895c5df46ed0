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
import { transactionalIdExpirationMs } from '../../src/common/limits.js';
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
/** How long the fake leaders take to answer. */
let markerDelayMs = 0;
/** Brokers that hang (answer only once released). */
const hung = new Map<number, Promise<void>>();
const sender: TxnMarkerSender = {
  async write(broker: TxnMarkerBroker, marker: TxnMarker) {
    if (markerDelayMs > 0) await new Promise((r) => setTimeout(r, markerDelayMs));
    await hung.get(broker.id);
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
    concurrentWaitMs: 100,
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
  markerDelayMs = 0;
  hung.clear();
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
const add = async (id: string, pid: number, epoch: number, partitions: number[], version = 3, topic = 'out') => {
  const res = await txns.addPartitions(call({ v3AndBelowTransactionalId: id, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: topic, partitions }] }, version));
  return res.resultsByTopicV3AndBelow!.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode));
};
const end = async (id: string, pid: number, epoch: number, committed: boolean, version = 3) => (await txns.endTxn(call({ transactionalId: id, producerId: pid, producerEpoch: epoch, committed }, version))).errorCode;
const state = (id: string) => txns.describe(call({ transactionalIds: [id] }, 0)).transactionStates[0]!;

test('InitProducerId: a new id starts at epoch 0; each new instance bumps it and fences the one before', async () => {
  const a = await init('t1');
  assert.is(a.errorCode, ErrorCode.NONE);
  assert.is(a.producerEpoch, 0);
  const b = await init('t1');
  assert.equal([b.producerId, b.producerEpoch], [a.producerId, 1], 'same producer id, next epoch');
  assert.equal(await add('t1', a.producerId, 0, [0]), [ErrorCode.PRODUCER_FENCED], 'the old instance is fenced (AddPartitionsToTxn v2+)');
  assert.equal(await add('t1', a.producerId, 0, [0], 1), [ErrorCode.INVALID_PRODUCER_EPOCH], 'v0-1 get the older name');
  assert.is(await end('t1', a.producerId, 0, true), ErrorCode.PRODUCER_FENCED);
  assert.is(await end('t1', a.producerId + 99, 1, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'another producer id');
  assert.is((await init('other')).producerId === a.producerId, false, 'each transactional id has a producer id of its own');
});

test('InitProducerId refuses an empty id and a timeout beyond transaction.max.timeout.ms', async () => {
  assert.is((await init('')).errorCode, ErrorCode.INVALID_REQUEST);
  assert.is((await init('t', { transactionTimeoutMs: 60_001 })).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.is((await init('t', { transactionTimeoutMs: 0 })).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.is((await init('t', { transactionTimeoutMs: 60_000 })).errorCode, ErrorCode.NONE);
});

test('KIP-360: naming the current id and epoch bumps it; the epoch just bumped from gets the same answer; any other is fenced', async () => {
  const a = await init('t');
  const bumped = await init('t', { producerId: a.producerId, producerEpoch: 0 }, 3);
  assert.equal([bumped.errorCode, bumped.producerEpoch], [ErrorCode.NONE, 1]);
  const retried = await init('t', { producerId: a.producerId, producerEpoch: 0 }, 3);
  assert.equal([retried.errorCode, retried.producerEpoch], [ErrorCode.NONE, 1], 'a retry whose answer was lost');
  assert.is((await init('t', { producerId: a.producerId, producerEpoch: 5 }, 4)).errorCode, ErrorCode.PRODUCER_FENCED);
  assert.is((await init('t', { producerId: a.producerId, producerEpoch: 5 }, 3)).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'v3 clients do not know PRODUCER_FENCED');
});

test('commit: markers go to every partition leader with the epoch and coordinator epoch; then CompleteCommit', async () => {
  const { producerId: pid } = await init('t');
  assert.equal(await add('t', pid, 0, [0, 1, 2]), [0, 0, 0]);
  assert.is(state('t').transactionState, 'Ongoing');
  assert.is(state('t').transactionStartTimeMs, clock);
  assert.is(await end('t', pid, 0, true), ErrorCode.NONE);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteCommit');
  assert.equal(written.map((w) => w.broker).sort(), [1, 2, 3], 'one request per leader');
  for (const { marker } of written) assert.equal([marker.producerId, marker.producerEpoch, marker.commit, marker.coordinatorEpoch], [pid, 0, true, 7]);
  assert.is(await end('t', pid, 0, true), ErrorCode.NONE, 'a retried commit after it completed');
  assert.is(await end('t', pid, 0, false), ErrorCode.INVALID_TXN_STATE, 'aborting a committed transaction');
  assert.equal(state('t').topics, [], 'a completed transaction has no partitions left');
});

test('EndTxn with no transaction ongoing is INVALID_TXN_STATE; an unknown partition fails AddPartitionsToTxn whole', async () => {
  const { producerId: pid } = await init('t');
  assert.is(await end('t', pid, 0, true), ErrorCode.INVALID_TXN_STATE);
  assert.equal(await add('t', pid, 0, [0, 7]), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.is(state('t').transactionState, 'Empty', 'nothing was added');
});

test('markers are retried until every partition has one: leader down, NOT_LEADER_OR_FOLLOWER, no leader', async () => {
  const { producerId: pid } = await init('t');
  await add('t', pid, 0, [0, 1, 2]);
  down.add(1);
  answers.set('out-1', ErrorCode.NOT_LEADER_OR_FOLLOWER);
  leaders.set('out-2', -1);
  assert.is(await end('t', pid, 0, false), ErrorCode.NONE);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(state('t').transactionState, 'PrepareAbort');
  assert.equal(state('t').topics, [{ topic: 'out', partitions: [0, 1, 2] }], 'DescribeTransactions lists the partitions still without a marker');
  const again = await init('t');
  assert.is(again.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS, 'a new instance waits for the markers');
  assert.is((await add('t', pid, 0, [0]))[0], ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.is(await end('t', pid, 0, false), ErrorCode.CONCURRENT_TRANSACTIONS, 'the same end, retried');
  assert.is(await end('t', pid, 0, true), ErrorCode.INVALID_TXN_STATE, 'the other end');
  down.clear();
  answers.clear();
  leaders.set('out-2', 1);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteAbort');
  assert.equal(written.flatMap((w) => w.marker.partitions.map((p) => p.partition)).sort(), [0, 1, 2]);
  assert.ok(written.every((w) => !w.marker.commit));
  assert.is((await init('t')).producerEpoch, 1);
});

test('a hung leader holds up only its own partitions, and only until another broker leads them', async () => {
  let release = () => {};
  hung.set(1, new Promise<void>((r) => (release = r)));
  const { producerId: pid } = await init('t');
  await add('t', pid, 0, [0, 1, 2]);
  assert.is(await end('t', pid, 0, true), ErrorCode.NONE);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(state('t').topics, [{ topic: 'out', partitions: [0] }], 'the other leaders took their markers');
  leaders.set('out-0', 3);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteCommit', 'the new leader took it while the old one still hangs');
  assert.equal(written.filter((w) => w.marker.partitions.some((p) => p.partition === 0)).map((w) => w.broker), [3]);
  release();
});

test('InitProducerId during an ongoing transaction aborts it first (at its epoch, as Kafka does), then bumps the epoch', async () => {
  const { producerId: pid } = await init('t');
  await add('t', pid, 0, [0, 1]);
  const next = await init('t');
  assert.equal([next.errorCode, next.producerEpoch], [ErrorCode.NONE, 1], 'answered once the ABORT markers are written');
  assert.equal(written.map((w) => [w.marker.commit, w.marker.producerEpoch]), [[false, 0], [false, 0]]);
  assert.is(await end('t', pid, 0, true), ErrorCode.PRODUCER_FENCED, 'the old instance cannot commit');
  await add('t', pid, 1, [2]);
  down.add(1);
  down.add(2);
  down.add(3);
  assert.is((await init('t')).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS, 'while the markers cannot be written');
  down.clear();
  await txns.markersWritten('t');
  assert.is((await init('t')).producerEpoch, 2);
});

test('a request arriving while the markers are written waits for them rather than answering CONCURRENT_TRANSACTIONS (kafkajs does not retry AddOffsetsToTxn)', async () => {
  const { producerId: pid } = await init('t');
  await add('t', pid, 0, [0, 1, 2]);
  markerDelayMs = 50;
  assert.is(await end('t', pid, 0, true), ErrorCode.NONE);
  assert.is(state('t').transactionState, 'PrepareCommit', 'EndTxn does not wait for the markers');
  const next = await txns.addOffsets(call({ transactionalId: 't', producerId: pid, producerEpoch: 0, groupId: 'g' }, 3));
  assert.is(next.errorCode, ErrorCode.NONE, 'the next transaction starts once the markers are written');
  assert.is(state('t').transactionState, 'Ongoing');
});

test('a transaction past its timeout is aborted by the coordinator, its producer fenced', async () => {
  const { producerId: pid } = await init('t', { transactionTimeoutMs: 5000 });
  await add('t', pid, 0, [0]);
  const other = await init('u', { transactionTimeoutMs: 50_000 });
  await add('u', other.producerId, 0, [1]);
  txns.abortTimedOut(clock + 5000);
  assert.is(state('t').transactionState, 'Ongoing', 'not before its timeout');
  txns.abortTimedOut(clock + 5001);
  await txns.markersWritten('t');
  assert.is(state('t').transactionState, 'CompleteAbort');
  assert.is(state('u').transactionState, 'Ongoing', 'the other one has time left');
  assert.is(await end('t', pid, 0, true), ErrorCode.PRODUCER_FENCED, 'its producer learns at commit');
  assert.equal(written.map((w) => [w.marker.commit, w.marker.producerEpoch]), [[false, 1]]);
});

test('transactional.id.expiration.ms: an id unused for 7 days is forgotten, also after a restart; one with a transaction open is not; a producer coming back starts afresh', async () => {
  const WEEK = transactionalIdExpirationMs;
  const { producerId: pid } = await init('idle');
  await add('idle', pid, 0, [0]);
  assert.is(await end('idle', pid, 0, true), ErrorCode.NONE);
  await txns.markersWritten('idle');
  const busy = await init('busy', { transactionTimeoutMs: 50_000 });
  await add('busy', busy.producerId, 0, [1]);
  const neverUsed = await init('never-used');
  assert.equal(txns.expireTransactionalIds(clock + WEEK - 1), [], 'not a millisecond early');
  assert.equal(txns.expireTransactionalIds(clock + WEEK), ['idle', 'never-used']);
  assert.is(state('idle').errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
  assert.is(state('busy').transactionState, 'Ongoing', 'an open transaction keeps its id (its timeout ends it first)');
  assert.equal(await add('idle', pid, 0, [0]), [ErrorCode.INVALID_PRODUCER_ID_MAPPING], 'the old instance is refused');
  restart();
  assert.is(state('never-used').errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, 'gone from coordinator.db too');
  const again = await init('idle');
  assert.is(again.errorCode, ErrorCode.NONE);
  assert.is(again.producerEpoch, 0);
  assert.not.equal(again.producerId, pid, 'a new producer id');
  assert.not.equal(again.producerId, neverUsed.producerId);
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
  const { producerId: pid } = await init('t');
  const commit = async (over: object, version = 3) =>
    (await txns.txnOffsetCommit(call({ transactionalId: 't', groupId: 'g', producerId: pid, producerEpoch: 0, ...member, groupInstanceId: null, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 42, committedMetadata: null }] }], ...over }, version))).topics[0]!.partitions[0]!.errorCode;
  assert.is(await commit({}), ErrorCode.INVALID_TXN_STATE, 'the group must be added to the transaction first');
  assert.is((await txns.addOffsets(call({ transactionalId: 't', producerId: pid, producerEpoch: 0, groupId: 'g' }, 3))).errorCode, ErrorCode.NONE);
  assert.is(await commit({ generationId: member.generationId + 1 }), ErrorCode.ILLEGAL_GENERATION);
  assert.is(await commit({ memberId: 'zombie' }), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.is(await commit({ producerEpoch: 5 }), ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.is(await commit({ memberId: '', generationId: -1 }, 2), ErrorCode.NONE, 'v0-2 name no member');
  assert.is(await commit({}), ErrorCode.NONE);
  assert.is(fetchOffset(true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
  assert.equal([fetchOffset(false).errorCode, fetchOffset(false).committedOffset], [ErrorCode.NONE, -1], 'not visible before the commit');
  await add('t', pid, 0, [0]);
  assert.is(await end('t', pid, 0, true), ErrorCode.NONE);
  assert.equal([fetchOffset(true).errorCode, fetchOffset(true).committedOffset], [ErrorCode.NONE, 42], 'the group has them once committed');

  await txns.markersWritten('t');
  const e1 = (await init('t')).producerEpoch;
  await txns.addOffsets(call({ transactionalId: 't', producerId: pid, producerEpoch: e1, groupId: 'g' }, 3));
  await txns.txnOffsetCommit(call({ transactionalId: 't', groupId: 'g', producerId: pid, producerEpoch: e1, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 99, committedMetadata: null }] }] }, 2));
  assert.is(await end('t', pid, e1, false), ErrorCode.NONE);
  assert.equal([fetchOffset(true).errorCode, fetchOffset(true).committedOffset], [ErrorCode.NONE, 42], 'an aborted transaction leaves the offsets as they were');
});

test('TxnOffsetCommit from a static member whose instance id another member holds now is FENCED_INSTANCE_ID (KIP-447)', async () => {
  const subscription = encodeSubscription({ topics: ['in'], userData: null });
  const join = (memberId: string) =>
    groups.join(call({ groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: 'i-1', protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription }] }, 5));
  const first = await join('');
  await groups.sync(call({ groupId: 'g', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'i-1', assignments: [{ memberId: first.memberId, assignment: Buffer.alloc(0) }] }, 3));
  const restarted = await join('');
  assert.ok(restarted.memberId !== first.memberId, 'the instance came back under a new member id');
  const { producerId: pid } = await init('t');
  await txns.addOffsets(call({ transactionalId: 't', producerId: pid, producerEpoch: 0, groupId: 'g' }, 3));
  const commitAs = async (memberId: string) =>
    (await txns.txnOffsetCommit(call({ transactionalId: 't', groupId: 'g', producerId: pid, producerEpoch: 0, generationId: first.generationId, memberId, groupInstanceId: 'i-1', topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] }] }, 3))).topics[0]!.partitions[0]!.errorCode;
  assert.is(await commitAs(first.memberId), ErrorCode.FENCED_INSTANCE_ID, 'the old incarnation is fenced');
  assert.is(await commitAs(restarted.memberId), ErrorCode.NONE);
});

test('a restart loses no transaction: an ongoing one goes on, a prepared one finishes its markers, pending offsets stay pending', async () => {
  const a = await init('ongoing');
  await add('ongoing', a.producerId, 0, [0]);
  await txns.addOffsets(call({ transactionalId: 'ongoing', producerId: a.producerId, producerEpoch: 0, groupId: 'g' }, 3));
  await txns.txnOffsetCommit(call({ transactionalId: 'ongoing', groupId: 'g', producerId: a.producerId, producerEpoch: 0, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }] }, 2));
  const b = await init('prepared');
  await add('prepared', b.producerId, 0, [1, 2]);
  down.add(2);
  down.add(3);
  assert.is(await end('prepared', b.producerId, 0, true), ErrorCode.NONE);
  await new Promise((r) => setTimeout(r, 50));
  restart();
  assert.is(state('ongoing').transactionState, 'Ongoing');
  assert.is(fetchOffset(true).errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT, 'pending offsets survive the restart');
  assert.is(state('prepared').transactionState, 'PrepareCommit');
  down.clear();
  await txns.markersWritten('prepared');
  assert.is(state('prepared').transactionState, 'CompleteCommit', 'the restarted coordinator finished the markers');
  assert.equal(await add('ongoing', a.producerId, 0, [1]), [ErrorCode.NONE], 'the ongoing transaction carries on');
  assert.is(await end('ongoing', a.producerId, 0, true), ErrorCode.NONE);
  assert.is(fetchOffset(true).committedOffset, 5);
  // A transaction whose coordinator was down past its timeout is aborted at the first check.
  const c = await init('late', { transactionTimeoutMs: 1000 });
  await add('late', c.producerId, 0, [0]);
  restart();
  txns.abortTimedOut(clock + 1001);
  await txns.markersWritten('late');
  assert.is(state('late').transactionState, 'CompleteAbort');
});

test('AddPartitionsToTxn v4+: several transactions, verify_only', async () => {
  const a = await init('a');
  await add('a', a.producerId, 0, [0]);
  const b = await init('b');
  const res = await txns.addPartitions(
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

test('ListTransactions filters by state, producer id and duration; names unknown state filters', async () => {
  const a = await init('a');
  await add('a', a.producerId, 0, [0]);
  const b = await init('b');
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
