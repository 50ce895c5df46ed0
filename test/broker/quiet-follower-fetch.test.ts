/**
 * A follower's incremental fetches on the leader (handlers/fetch.ts with fetch-sessions.ts and
 * Partition's quiet reads): a partition whose last read found the follower caught up, in the ISR,
 * with nothing new, is left out of later reads until something changes there, yet an append to it
 * still wakes the waiting fetch and is answered, and the follower's fetch times keep following its
 * session (so a left-out partition is not proposed out of the ISR for lagging).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState } from '../../src/common/cluster-types.js';
import { ErrorCode } from '../../src/common/errors.js';
import { DEFAULT_BROKER_CONFIG, type BrokerContext } from '../../src/broker/context.js';
import { FetchResponseBudget } from '../../src/broker/fetch-response-budget.js';
import { FetchSessionCache } from '../../src/broker/fetch-sessions.js';
import { handleFetch } from '../../src/broker/handlers/fetch.js';
import type { ReplicaManager } from '../../src/broker/replica-manager.js';
import type { RequestClient } from '../../src/broker/request-router.js';
import type { FetchPartition, FetchRequest, FetchResponse } from '../../src/protocol/apis/fetch.js';
import { BatchList, type Records } from '../../src/protocol/batch-list.js';
import { encodeRecordBatch, splitAndValidateBatches } from '../../src/protocol/record-batch.js';
import { LogStore } from '../../src/storage/log-store.js';
import { testReplicaManager } from '../helpers/replica-manager.js';

const test = suite('quiet follower fetches');
const PARTITIONS = 50;
const VERSION = 12;
let dir = '';
let store: LogStore;
let replicas: ReplicaManager;
let ctx: BrokerContext;
/** Which partitions the leader read for follower 2, per request. */
let reads: number[] = [];
let sessionNow = 0;

const states: PartitionState[] = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, leader: 1, leaderEpoch: 0, replicas: [1, 2], isr: [1, 2] }));

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-quiet-fetch-test-'));
  store = new LogStore(dir);
  replicas = testReplicaManager(store);
  replicas.applyMetadata({ clusterId: 'c', version: 1, brokers: [], topics: [{ name: 't', id: 't-id', partitions: states, configs: {} }] });
  const readForFollower = replicas.readForFollower.bind(replicas);
  replicas.readForFollower = (p, ...rest) => {
    reads.push(p.partition);
    return readForFollower(p, ...rest);
  };
  sessionNow = Date.now();
  ctx = {
    brokerId: 1,
    config: DEFAULT_BROKER_CONFIG,
    cache: { partition: (_t: string, i: number) => states[i], topicById: () => undefined, broker: () => undefined },
    replicas,
    fetchSessions: new FetchSessionCache(undefined, undefined, () => sessionNow),
    fetchResponses: new FetchResponseBudget(),
    security: { authorizeCluster: () => true, authorize: () => true },
  } as unknown as BrokerContext;
  reads = [];
});

test.after.each(async () => {
  await replicas.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One fetch from follower 2 (or `replicaId`), its response sent at once. */
async function fetch(req: Partial<FetchRequest> & { partitions?: FetchPartition[] }): Promise<FetchResponse<Records>> {
  const sent: (() => void)[] = [];
  const replicaId = req.replicaId ?? 2;
  const client = { clientId: `broker-${replicaId}`, host: '/127.0.0.1', connectionId: replicaId, principal: 'User:ANONYMOUS', onResponseSent: (l: () => void) => sent.push(l) } as unknown as RequestClient;
  reads = [];
  const res = await handleFetch(ctx, { replicaId: 2, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, topics: req.partitions ? [{ topic: 't', partitions: req.partitions }] : [], ...req }, VERSION, client);
  for (const l of sent) l();
  return res;
}

const at = (partition: number, fetchOffset: number, currentLeaderEpoch = 0): FetchPartition => ({ partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch, lastFetchedEpoch: -1 });

function answered(res: FetchResponse<Records>): number[] {
  return res.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex));
}

async function append(partition: number): Promise<void> {
  const batches = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: 0 }]));
  const [r] = await replicas.appendRecords([{ partition: replicas.leaderPartition('t', partition, true), batches }], 1, 1000);
  assert.not.ok(r && 'error' in r);
}

test('caught-up partitions are left out of the reads once a read found them quiet; an append to one wakes the waiting fetch and is answered', async () => {
  const full = await fetch({ sessionId: 0, sessionEpoch: 0, partitions: states.map((s) => at(s.partition, 0)) });
  assert.is(reads.length, PARTITIONS, 'a full fetch reads every partition');
  const sessionId = full.sessionId!;
  assert.ok(sessionId > 0);
  await fetch({ sessionId, sessionEpoch: 1 });
  assert.is(reads.length, PARTITIONS, 'the first incremental fetch reads them all again, with the session clock');
  const idle = await fetch({ sessionId, sessionEpoch: 2 });
  assert.equal(reads, [], 'every partition is quiet: none is read');
  assert.equal(answered(idle), []);

  const waiting = fetch({ sessionId, sessionEpoch: 3, maxWaitMs: 5000 });
  await new Promise((r) => setImmediate(r));
  await append(17);
  const woken = await waiting;
  assert.equal(reads, [17], 'only the partition that got data is read');
  assert.equal(answered(woken), [17]);
  assert.ok(woken.responses[0]!.partitions[0]!.records!.length > 0, 'its records are answered');

  // The follower moves to the new log end: that partition is read (named), then quiet again.
  const moved = await fetch({ sessionId, sessionEpoch: 4, partitions: [at(17, 1)] });
  assert.equal(reads, [17]);
  assert.is(moved.responses[0]!.partitions[0]!.highWatermark, 1, "the follower's progress moved the high watermark, and it is told");
  await fetch({ sessionId, sessionEpoch: 5 });
  assert.equal(reads, []);
});

test('a left-out partition is read again after new metadata: a new leader epoch is answered at the next fetch', async () => {
  const sessionId = (await fetch({ sessionId: 0, sessionEpoch: 0, partitions: states.map((s) => at(s.partition, 0)) })).sessionId!;
  await fetch({ sessionId, sessionEpoch: 1 });
  await fetch({ sessionId, sessionEpoch: 2 });
  assert.equal(reads, []);
  const bumped = states.map((s) => (s.partition === 5 ? { ...s, leaderEpoch: 1 } : s));
  replicas.applyMetadata({ clusterId: 'c', version: 2, brokers: [], topics: [{ name: 't', id: 't-id', partitions: bumped, configs: {} }] });
  const res = await fetch({ sessionId, sessionEpoch: 3 });
  assert.ok(answered(res).includes(5));
  assert.is(res.responses[0]!.partitions.find((p) => p.partitionIndex === 5)!.errorCode, ErrorCode.FENCED_LEADER_EPOCH, 'told its epoch is old');
});

test("a quiet partition's high watermark moved by the other follower does not wake the waiting fetch (as Kafka's followers are not), but is answered with the next wake", async () => {
  // Broker 3 joins the replicas at a new epoch (so this leader tracks its progress).
  const three = states.map((st) => ({ ...st, leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }));
  replicas.applyMetadata({ clusterId: 'c', version: 2, brokers: [], topics: [{ name: 't', id: 't-id', partitions: three, configs: {} }] });
  const s2 = (await fetch({ sessionId: 0, sessionEpoch: 0, partitions: three.map((st) => at(st.partition, 0, 1)) })).sessionId!;
  await fetch({ replicaId: 3, sessionId: 0, sessionEpoch: -1, partitions: three.map((st) => at(st.partition, 0, 1)) });
  await append(9);
  await fetch({ sessionId: s2, sessionEpoch: 1 });
  await fetch({ sessionId: s2, sessionEpoch: 2, partitions: [at(9, 1, 1)] });
  assert.is(replicas.leaderPartition('t', 9, true).log.highWatermark, 0, 'broker 3 has not fetched the record');
  let answered2: FetchResponse<Records> | null = null;
  const waiting = fetch({ sessionId: s2, sessionEpoch: 3, maxWaitMs: 5000 }).then((r) => (answered2 = r));
  await new Promise((r) => setImmediate(r));
  await fetch({ replicaId: 3, sessionId: 0, sessionEpoch: -1, partitions: [at(9, 1, 1)] });
  assert.is(replicas.leaderPartition('t', 9, true).log.highWatermark, 1);
  await new Promise((r) => setImmediate(r));
  assert.is(answered2, null, 'a moved high watermark alone does not wake it');
  await append(20);
  const res = await waiting;
  const p9 = res.responses[0]!.partitions.find((p) => p.partitionIndex === 9);
  assert.ok(answered(res).includes(20), 'woken by the append');
  assert.is(p9?.highWatermark, 1, "and told partition 9's new high watermark");
});

test("a session's quiet partitions do not keep the records of the answer they went quiet in alive", async () => {
  const sessionId = (await fetch({ sessionId: 0, sessionEpoch: 0, partitions: states.map((s) => at(s.partition, 0)) })).sessionId!;
  await append(17);
  await append(17);
  // The answer that makes the other 49 quiet carries partition 17's two batches, in a BatchList of their own (never joined).
  const records = await (async () => {
    const res = await fetch({ sessionId, sessionEpoch: 1 });
    const list = res.responses[0]!.partitions.find((p) => p.partitionIndex === 17)!.records!;
    assert.instance(list, BatchList, 'the batches as read, not joined into one buffer');
    assert.is((list as BatchList).batches.length, 2);
    return new WeakRef(list);
  })();
  assert.is(replicas.leaderPartition('t', 3, true).followerProgress(2)!.onQuietEnd !== null, true, 'partition 3 is quiet, watched');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let i = 0; i < 3 && records.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  assert.is(records.deref(), undefined, 'collected');
});

test("a left-out partition's follower fetch times follow its session: not proposed out for lagging while the session fetches", async () => {
  const sessionId = (await fetch({ sessionId: 0, sessionEpoch: 0, partitions: states.map((s) => at(s.partition, 0)) })).sessionId!;
  await fetch({ sessionId, sessionEpoch: 1 });
  const lagMs = 30_000;
  sessionNow += 10 * lagMs;
  await fetch({ sessionId, sessionEpoch: 2 });
  assert.equal(reads, []);
  const p = replicas.leaderPartition('t', 3, true);
  assert.is(p.followerProgress(2)!.lastFetchMs, sessionNow);
  assert.is(p.laggingIsr(sessionNow + 1, lagMs), null);
  assert.equal(p.laggingIsr(sessionNow + lagMs + 1, lagMs), [1], 'once the session stops fetching, it lags');
});

test('a leader whose coordinator session may have expired leaves nothing out: every read answers why', async () => {
  let valid = true;
  await replicas.close();
  replicas = testReplicaManager(store, { sessionValid: () => valid });
  replicas.applyMetadata({ clusterId: 'c', version: 1, brokers: [], topics: [{ name: 't', id: 't-id', partitions: states, configs: {} }] });
  ctx = { ...ctx, replicas };
  const sessionId = (await fetch({ sessionId: 0, sessionEpoch: 0, partitions: states.map((s) => at(s.partition, 0)) })).sessionId!;
  await fetch({ sessionId, sessionEpoch: 1 });
  valid = false;
  const res = await fetch({ sessionId, sessionEpoch: 2 });
  assert.is(answered(res).length, PARTITIONS);
  assert.ok(res.responses[0]!.partitions.every((p) => p.errorCode !== 0));
});

test.run();
