/**
 * Clean leader election only (unclean.leader.election.enable=false, Kafka's default): when the last
 * in-sync replica dies the partition goes offline rather than hand leadership to a replica that may
 * miss acknowledged records. A stale replica that comes back first must not lead; the partition
 * returns when the last in-sync replica does, with every acknowledged record, and the stale one
 * catches up from it.
 *
 * Replication factor 2, min.insync.replicas 1: kill the leader (the follower takes over alone), write
 * W with acks=all (acknowledged by the new leader alone, legitimately), kill it too, restart the first.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import { type TestCluster } from '../helpers/cluster.js';
import {
  brokerState,
  clusterWithTopic,
  connectTo,
  coordinatorMetadata,
  destroyAndCheck,
  partitionOf,
  produceAcked,
  produceRaw,
  waitExited,
  waitFor,
} from '../helpers/failover.js';
import { fetchAll, metadata } from '../helpers/wire.js';

const test = suite('failover: the last in-sync replica, and only it, brings an offline partition back');
const TOPIC = 'failover-offline';
let cluster: TestCluster;
let first = -1; // the preferred replica, killed first: it misses W
let second = -1; // the other replica: the last in sync
const V = Array.from({ length: 10 }, (_, i) => `V${i}`); // on both replicas
const W = Array.from({ length: 10 }, (_, i) => `W${i}`); // only on `second`

test.before(async () => {
  cluster = await clusterWithTopic(2000, TOPIC, 1, 2);
});

test.after(async () => {
  await destroyAndCheck(cluster);
});

async function state() {
  return partitionOf(await coordinatorMetadata(cluster), TOPIC, 0);
}

test('with the preferred replica dead, the other leads alone and acknowledges W with acks=all (min.insync.replicas=1)', async () => {
  const md = await coordinatorMetadata(cluster);
  assert.is(md.topics.find((t) => t.name === TOPIC)!.configs['min.insync.replicas'], '1');
  const p = partitionOf(md, TOPIC, 0);
  [first, second] = p.replicas as [number, number];
  assert.is(p.leader, first);
  await produceAcked(cluster.bootstrap, TOPIC, 0, V, 15_000);
  await cluster.supervisor.handleControl('kill', `broker-${first}`);
  const q = await waitFor('the second replica leading alone', async () => {
    const s = await state();
    return s.leader === second && s.isr.join() === String(second) ? s : null;
  });
  assert.is(q.leaderEpoch, 1);
  await produceAcked(cluster.bootstrap, TOPIC, 0, W, 15_000);
});

test('the last in-sync replica dies: the partition goes offline and keeps that replica as its ISR', async () => {
  await cluster.supervisor.handleControl('kill', `broker-${second}`);
  const s = await waitFor('the partition offline', async () => {
    const x = await state();
    return x.leader === -1 ? x : null;
  });
  assert.equal(s.isr, [second], 'the ISR remembers who has every acknowledged record');
  assert.is(s.leaderEpoch, 2);
});

test('the stale replica restarts first: it is not elected, the partition stays offline and refuses writes', async () => {
  await waitExited(cluster, `broker-${first}`);
  await cluster.supervisor.handleControl('restart', `broker-${first}`);
  await waitFor(`broker-${first} registered again`, async () => brokerState(await coordinatorMetadata(cluster), first) === 'alive');
  // Give the controller every chance to (wrongly) elect it: registration, then a rebalance tick.
  const conn = await connectTo(cluster, first);
  try {
    await waitFor(`broker-${first} serving metadata`, async () => (await metadata(conn, [TOPIC])).topics[0]!.errorCode === ErrorCode.NONE);
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      const s = await state();
      assert.is(s.leader, -1, `the stale broker-${first} must not lead (epoch ${s.leaderEpoch}, ISR ${s.isr})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const md = await metadata(conn, [TOPIC]);
    const p = md.topics[0]!.partitions[0]!;
    assert.is(p.leaderId, -1);
    assert.is(p.errorCode, ErrorCode.LEADER_NOT_AVAILABLE, errorName(p.errorCode));
    const w = await produceRaw(conn, TOPIC, 0, ['stale'], -1, 2000);
    assert.is(w.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, errorName(w.errorCode));
  } finally {
    conn.close();
  }
});

test('the last in-sync replica returns and leads with every acknowledged record; the stale one catches up', async () => {
  await waitExited(cluster, `broker-${second}`);
  await cluster.supervisor.handleControl('restart', `broker-${second}`);
  const s = await waitFor(
    'both replicas in sync, the preferred one leading',
    async () => {
      const x = await state();
      return x.leader === first && x.isr.length === 2 ? x : null;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  assert.ok(s.leaderEpoch >= 4, `back online, then preferred leader: epoch ${s.leaderEpoch}`);
  const conn = await connectTo(cluster, first);
  try {
    assert.equal((await fetchAll(conn, TOPIC, 0)).map((r) => r.value!.toString()), [...V, ...W]);
  } finally {
    conn.close();
  }
});

test.run();
