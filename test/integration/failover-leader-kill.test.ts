/**
 * Failover under load: the leader of a partition is killed (SIGKILL) while an idempotent acks=all
 * producer streams sequence-numbered records. Kafka's promise: every acknowledged record survives,
 * exactly once (idempotence turns the retries after the failover into no-ops), in order per
 * partition. The killed broker then restarts, catches up, rejoins the ISR and, being the preferred
 * replica, leads its partition again.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, type TestCluster } from '../helpers/cluster.js';
import {
  assertExactlyOnceInOrder,
  brokerState,
  clusterWithTopic,
  consumeAll,
  coordinatorMetadata,
  destroyAndCheck,
  partitionOf,
  SequencedProducer,
  tailTopic,
  waitFor,
  yakStatus,
} from '../helpers/failover.js';
import { connectTo } from '../helpers/failover.js';
import { fetchAll } from '../helpers/wire.js';

const test = suite('failover: kill the leader of a partition during a steady acks=all produce');
const TOPIC = 'failover-kill';
const PARTITIONS = 3;
const RECORDS = 6000;
let cluster: TestCluster;
let producer: SequencedProducer;
let victim = -1;
let epochBefore = -1;
/** A consumer that reads along while the leader is killed. */
let tail: Awaited<ReturnType<typeof tailTopic>>;

test.before(async () => {
  cluster = await clusterWithTopic(2000, TOPIC, PARTITIONS, 3);
});

test.after(async () => {
  producer?.close();
  await destroyAndCheck(cluster);
});

test('the producer rides through the kill: every record is acknowledged, none fails', async () => {
  const before = await coordinatorMetadata(cluster);
  const p0 = partitionOf(before, TOPIC, 0);
  victim = p0.leader;
  epochBefore = p0.leaderEpoch;
  assert.equal(p0.isr.length, 3, 'all replicas in sync before the kill');

  producer = new SequencedProducer(cluster.bootstrap, TOPIC, PARTITIONS);
  await producer.init();
  tail = await tailTopic(cluster.bootstrap, TOPIC);
  const run = producer.run(RECORDS, 3000);
  await waitFor('a quarter of the records acknowledged', () => producer.acked.length >= RECORDS / 4, { timeoutMs: 20_000, intervalMs: 10 });
  const killedAt = Date.now();
  const ackedAtKill = producer.acked.length;
  const res = await cluster.supervisor.handleControl('kill', `broker-${victim}`);
  assert.match(res.message, `killed broker-${victim}`);
  await run;

  assert.equal(producer.failed.slice(0, 5), [], `${producer.failed.length} record(s) failed`);
  assert.is(producer.acked.length, RECORDS);
  assert.ok(ackedAtKill < RECORDS, 'the kill happened while records were still being produced');
  const p0After = producer.acked.filter((a) => a.partition === 0 && a.atMs > killedAt);
  assert.ok(p0After.length > 0, 'partition 0 took writes after the kill');
  console.log(`  killed broker-${victim} after ${ackedAtKill} acks; first partition-0 ack after the kill came ${Math.min(...p0After.map((a) => a.atMs)) - killedAt} ms later`);

  const after = await coordinatorMetadata(cluster);
  const p0Now = partitionOf(after, TOPIC, 0);
  assert.is.not(p0Now.leader, victim, 'leadership moved');
  assert.ok(p0Now.leader > 0);
  assert.ok(p0Now.leaderEpoch > epochBefore, `epoch bumped (${epochBefore} -> ${p0Now.leaderEpoch})`);
  assert.not.ok(p0Now.isr.includes(victim), 'the dead broker left the ISR');
  assert.is(brokerState(after, victim), 'dead');
});

test('a consumer reading along through the failover saw every acknowledged record once, in order', async () => {
  const records = await tail.finish(10_000);
  assert.is(records.length, RECORDS, 'nothing skipped, nothing repeated');
  assertExactlyOnceInOrder(records, producer.acked, PARTITIONS);
});

test('every acknowledged record is read back exactly once, in order, at its acknowledged offset', async () => {
  const records = await consumeAll(cluster.bootstrap, TOPIC);
  assert.is(records.length, RECORDS, 'nothing lost, nothing duplicated');
  assertExactlyOnceInOrder(records, producer.acked, PARTITIONS);
});

test('the restarted broker rejoins the ISR and leads its preferred partition again, with the same records', async () => {
  const res = await cluster.supervisor.handleControl('restart', `broker-${victim}`);
  assert.match(res.message, `restarted broker-${victim}`);
  const md = await waitFor(
    `broker-${victim} back in every ISR and leading ${TOPIC}-0`,
    async () => {
      const m = await coordinatorMetadata(cluster);
      const t = m.topics.find((x) => x.name === TOPIC)!;
      return t.partitions.every((p) => p.isr.length === 3) && partitionOf(m, TOPIC, 0).leader === victim ? m : null;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  const p0 = partitionOf(md, TOPIC, 0);
  assert.is(p0.replicas[0], victim, 'it is the preferred replica');
  assert.ok(p0.leaderEpoch >= epochBefore + 2, `two leader changes since (${epochBefore} -> ${p0.leaderEpoch})`);

  // `yak status --json` tells the same.
  const status = await yakStatus(runYak, cluster.dataDir);
  assert.ok(status.brokers.every((b) => b.state === 'alive'), JSON.stringify(status.brokers));
  const st = status.topics.find((t) => t.name === TOPIC)!;
  assert.is(st.partitions[0]!.leader, victim);
  assert.ok(st.partitions.every((p) => [...p.isr].sort().join() === '1,2,3'), JSON.stringify(st.partitions));

  // New writes go to it, and what it serves is the whole partition: the records it had before the
  // kill, the ones written while it was down (replicated on its return), and the new ones.
  producer.send(300);
  await producer.producer.flush();
  assert.equal(producer.failed.slice(0, 5), []);
  const conn = await connectTo(cluster, victim);
  try {
    const served = await fetchAll(conn, TOPIC, 0);
    const acked0 = producer.acked.filter((a) => a.partition === 0).sort((a, b) => a.offset - b.offset);
    assert.is(served.length, acked0.length);
    assert.equal(
      served.map((r) => `${r.offset}:${r.value!.toString()}`),
      acked0.map((a) => `${a.offset}:${a.seq}`),
    );
  } finally {
    conn.close();
  }
  const all = await consumeAll(cluster.bootstrap, TOPIC);
  assert.is(all.length, RECORDS + 300);
  assertExactlyOnceInOrder(all, producer.acked, PARTITIONS);
});

test.run();
