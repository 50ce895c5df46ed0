/**
 * A hung leader (SIGSTOP): it stops heartbeating, the coordinator expires its session after the
 * session timeout and elects a new leader. When it wakes up it is a zombie that still believes it
 * leads: it must refuse writes (NOT_LEADER_OR_FOLLOWER) rather than acknowledge them for an epoch
 * that is no longer current, then re-register and rejoin as a follower.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterMetadata } from '../../src/common/cluster-types.js';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { type TestCluster } from '../helpers/cluster.js';
import {
  bootstrapOf,
  brokerState,
  clusterWithTopic,
  connectTo,
  coordinatorMetadata,
  destroyAndCheck,
  partitionOf,
  produceAcked,
  produceRaw,
  waitFor,
} from '../helpers/failover.js';
import { fetchAll, metadata } from '../helpers/wire.js';

const test = suite('failover: a paused (SIGSTOP) leader loses leadership and, resumed, acknowledges nothing');
const TOPIC = 'failover-pause';
const SESSION_TIMEOUT_MS = 1500;
let cluster: TestCluster;
let paused = -1;
let others: number[] = [];
let epochAtPause = -1;
let zombieConn: Connection | null = null;
const A = Array.from({ length: 20 }, (_, i) => `A${i}`);
const B = Array.from({ length: 20 }, (_, i) => `B${i}`);

test.before(async () => {
  cluster = await clusterWithTopic(SESSION_TIMEOUT_MS, TOPIC, 3, 3);
});

test.after(async () => {
  zombieConn?.close();
  if (cluster && paused > 0) await cluster.supervisor.handleControl('resume', `broker-${paused}`).catch(() => undefined);
  await destroyAndCheck(cluster);
});

test('a paused leader is declared dead after the session timeout and a new leader is elected', async () => {
  await produceAcked(cluster.bootstrap, TOPIC, 0, A, 20_000);
  const p = partitionOf(await coordinatorMetadata(cluster), TOPIC, 0);
  paused = p.leader;
  epochAtPause = p.leaderEpoch;
  others = p.replicas.filter((r) => r !== paused);
  zombieConn = await connectTo(cluster, paused, 30_000);

  const observer = await connectTo(cluster, others[0]!);
  const t0 = Date.now();
  await cluster.supervisor.handleControl('pause', `broker-${paused}`);
  let coordinatorMs = -1;
  let clientMs = -1;
  let md: ClusterMetadata | null = null;
  try {
    await waitFor(
      `a leader other than broker-${paused}, for the coordinator and in a broker's Metadata answer`,
      async () => {
        if (coordinatorMs < 0) {
          const m = await coordinatorMetadata(cluster);
          if (partitionOf(m, TOPIC, 0).leader !== paused) [coordinatorMs, md] = [Date.now() - t0, m];
        }
        if (clientMs < 0) {
          const leader = (await metadata(observer, [TOPIC])).topics[0]!.partitions.find((x) => x.partitionIndex === 0)!.leaderId;
          if (leader !== paused && leader >= 0) clientMs = Date.now() - t0;
        }
        return coordinatorMs >= 0 && clientMs >= 0;
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
  } finally {
    observer.close();
  }
  const elapsed = coordinatorMs;
  console.log(`  ${TOPIC}-0 got a new leader ${coordinatorMs} ms after broker-${paused} was paused (clients saw it in Metadata after ${clientMs} ms; session timeout ${SESSION_TIMEOUT_MS} ms, heartbeat 250 ms)`);
  assert.ok(clientMs <= coordinatorMs + 1000, 'brokers learn the new leader promptly');
  // At most one heartbeat interval may have passed since its last beat when it froze.
  assert.ok(elapsed >= SESSION_TIMEOUT_MS - 250 - 100, `not before the session can have expired (${elapsed} ms)`);
  assert.ok(elapsed <= SESSION_TIMEOUT_MS + 2500, `soon after it expired (${elapsed} ms)`);
  const now = partitionOf(md!, TOPIC, 0);
  assert.ok(others.includes(now.leader));
  assert.ok(now.leaderEpoch > epochAtPause, 'new epoch');
  assert.not.ok(now.isr.includes(paused), 'the paused broker left the ISR');
  assert.is(brokerState(md!, paused), 'dead');
});

test('the other brokers take acks=all writes while it is paused', async () => {
  await produceAcked(bootstrapOf(cluster, others), TOPIC, 0, B, 20_000);
});

test('resumed, the old leader answers writes it received while paused with NOT_LEADER_OR_FOLLOWER', async () => {
  // Sent while it is frozen: they wait in its socket and are the first thing it reads on waking,
  // before it hears from the coordinator that it was deposed.
  const allAcks = produceRaw(zombieConn!, TOPIC, 0, ['Z-acks-all'], -1, 3000);
  const oneAck = produceRaw(zombieConn!, TOPIC, 0, ['Z-acks-1'], 1, 3000);
  await new Promise((r) => setImmediate(r));
  await cluster.supervisor.handleControl('resume', `broker-${paused}`);
  const [all, one] = await Promise.all([allAcks, oneAck]);
  assert.is(all.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, `acks=all: ${errorName(all.errorCode)}`);
  assert.is(one.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, `acks=1: ${errorName(one.errorCode)}`);
});

test('it rejoins the ISR as a follower, then leads again as preferred replica, without the refused records', async () => {
  const t0 = Date.now();
  const md = await waitFor(
    `broker-${paused} alive, in the ISR of ${TOPIC}-0 and leading it again`,
    async () => {
      const m = await coordinatorMetadata(cluster);
      const p = partitionOf(m, TOPIC, 0);
      return brokerState(m, paused) === 'alive' && p.isr.length === 3 && p.leader === paused ? m : null;
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  console.log(`  broker-${paused} led ${TOPIC}-0 again ${Date.now() - t0} ms after it was resumed`);
  assert.ok(partitionOf(md, TOPIC, 0).leaderEpoch >= epochAtPause + 2, 'deposed, then re-elected: two new epochs');

  // The coordinator's own record: the broker re-registered, was added back to the ISR while another
  // broker led, and only then became leader (preferred leader election needs it in sync).
  const zk = cluster.log.filter((l) => l.startsWith('zookeeper:'));
  const deposed = zk.findIndex((l) => l.includes(`${TOPIC}-0 leader broker-${paused} -> broker-`));
  const reRegistered = zk.findIndex((l, i) => i > deposed && l.includes(`broker-${paused} registered`));
  const rejoined = zk.findIndex((l, i) => i > reRegistered && new RegExp(`${TOPIC}-0 ISR \\[[\\d,]*\\] -> \\[[\\d,]*${paused}`).test(l));
  const leadsAgain = zk.findIndex((l, i) => i > deposed && l.includes(`${TOPIC}-0 leader broker-`) && l.includes(`-> broker-${paused},`));
  assert.ok(deposed >= 0 && reRegistered > deposed && rejoined > reRegistered && leadsAgain > rejoined, `coordinator events out of order:\n${zk.join('\n')}`);

  const conn = await connectTo(cluster, paused);
  try {
    const values = (await fetchAll(conn, TOPIC, 0)).map((r) => r.value!.toString());
    assert.equal(values, [...A, ...B]);
  } finally {
    conn.close();
  }
});

test.run();
