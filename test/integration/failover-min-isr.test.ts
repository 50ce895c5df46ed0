/**
 * min.insync.replicas under failure. With replication factor 3 and min.insync.replicas=2 an acks=all
 * write is durable on at least two brokers when it is acknowledged. When both followers hang (paused)
 * the ISR shrinks to the leader alone, and Kafka then:
 * - answers a write already waiting in purgatory with NOT_ENOUGH_REPLICAS_AFTER_APPEND (Kafka's
 *   Partition.checkEnoughReplicasReachOffset), never NONE: it is stored on one broker only;
 * - refuses new acks=all writes with NOT_ENOUGH_REPLICAS before appending them;
 * - still takes acks=1 writes;
 * and once the followers are back in sync, acks=all writes (an idempotent producer's retries) go
 * through, exactly once.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { runYak, type TestCluster } from '../helpers/cluster.js';
import {
  assertProduced,
  bootstrapOf,
  clusterWithTopic,
  connectTo,
  coordinatorMetadata,
  destroyAndCheck,
  partitionOf,
  produceRaw,
  SequencedProducer,
  waitFor,
} from '../helpers/failover.js';
import { fetchAll } from '../helpers/wire.js';

const test = suite('failover: acks=all and min.insync.replicas when the ISR shrinks to the leader');
const TOPIC = 'failover-min-isr';
const SESSION_TIMEOUT_MS = 1500;
let cluster: TestCluster;
let leader = -1;
let followers: number[] = [];
let conn: Connection;
let retrying: SequencedProducer;

test.before(async () => {
  cluster = await clusterWithTopic(SESSION_TIMEOUT_MS, TOPIC, 1, 3);
});

test.after(async () => {
  conn?.close();
  retrying?.close();
  for (const f of followers) await cluster?.supervisor.handleControl('resume', `broker-${f}`).catch(() => undefined);
  await destroyAndCheck(cluster);
});

test('a write waiting for followers that hang is not acknowledged once the ISR falls below min.insync.replicas', async () => {
  const md = await coordinatorMetadata(cluster);
  assert.is(md.topics.find((t) => t.name === TOPIC)!.configs['min.insync.replicas'], '2');
  const p = partitionOf(md, TOPIC, 0);
  leader = p.leader;
  followers = p.replicas.filter((r) => r !== leader);
  conn = await connectTo(cluster, leader, 30_000);
  assertProduced(await produceRaw(conn, TOPIC, 0, ['A0', 'A1'], -1), 'A');

  for (const f of followers) await cluster.supervisor.handleControl('pause', `broker-${f}`);
  // Appended at once, then waits in purgatory for followers that no longer fetch (timeout 8 s).
  const waiting = produceRaw(conn, TOPIC, 0, ['X'], -1, 8000);
  await waitFor(
    `the ISR of ${TOPIC}-0 shrunk to [${leader}]`,
    async () => partitionOf(await coordinatorMetadata(cluster), TOPIC, 0).isr.join() === String(leader),
    { timeoutMs: 10_000 },
  );
  const x = await waiting;
  assert.is.not(x.errorCode, ErrorCode.NONE, 'acknowledged with acks=all while only the leader has it (ISR below min.insync.replicas=2)');
  assert.is(x.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, `Kafka answers NOT_ENOUGH_REPLICAS_AFTER_APPEND (20), got ${errorName(x.errorCode)}`);
});

test('with the ISR at the leader alone: new acks=all writes get NOT_ENOUGH_REPLICAS, acks=1 writes are taken', async () => {
  assert.is(partitionOf(await coordinatorMetadata(cluster), TOPIC, 0).isr.join(), String(leader));
  const y = await produceRaw(conn, TOPIC, 0, ['Y'], -1, 3000);
  assert.is(y.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS, errorName(y.errorCode));
  assertProduced(await produceRaw(conn, TOPIC, 0, ['Z'], 1), 'acks=1');
});

test('yak produce says why it waits (NOT_ENOUGH_REPLICAS), and at its delivery timeout gives up naming it', async () => {
  const res = await runYak(['produce', '--bootstrap', bootstrapOf(cluster, [leader]), '--topic', TOPIC, '-p', '0', '--delivery-timeout-ms', '3500'], { input: 'W\n' });
  assert.is(res.code, 1);
  assert.match(res.stderr, new RegExp(`yak: ${TOPIC}-0 not acknowledged for \\d+ s: NOT_ENOUGH_REPLICAS; still retrying`));
  assert.match(res.stderr, new RegExp(`gave up on ${TOPIC}-0 after \\d+ attempts in 3500 ms; the last attempt got NOT_ENOUGH_REPLICAS`));
});

test('an idempotent producer retries NOT_ENOUGH_REPLICAS until the followers are back, and its records land exactly once', async () => {
  retrying = new SequencedProducer(bootstrapOf(cluster, [leader]), TOPIC, 1, { deliveryTimeoutMs: 30_000 });
  await retrying.init();
  retrying.send(50);
  const flushed = retrying.producer.flush();
  for (const f of followers) await cluster.supervisor.handleControl('resume', `broker-${f}`);
  followers = followers.filter(() => false); // resumed: nothing for after() to do
  await flushed;
  assert.equal(retrying.failed, []);
  assert.is(retrying.acked.length, 50);
  const p = await waitFor('all three replicas back in the ISR', async () => {
    const q = partitionOf(await coordinatorMetadata(cluster), TOPIC, 0);
    return q.isr.length === 3 ? q : null;
  });
  assert.is(p.leader, leader);
  const values = (await fetchAll(conn, TOPIC, 0)).map((r) => r.value!.toString());
  const seqs = values.filter((v) => /^\d+$/.test(v));
  assert.equal(seqs, Array.from({ length: 50 }, (_, i) => String(i)), 'each retried record once, in order');
  assert.not.ok(values.includes('Y') || values.includes('W'), 'the refused writes were not stored');
  assert.equal(values.slice(0, 2), ['A0', 'A1']);
});

test.run();
