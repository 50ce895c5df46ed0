/**
 * The coordinator (mini-ZooKeeper + controller) is killed with SIGKILL and restarted while an
 * idempotent acks=all producer streams records. As with ZooKeeper under Kafka, the data path does
 * not go through it: brokers keep leading, replicating and acknowledging for as long as it is down,
 * well past their session timeout (a coordinator that is down elects nobody); the restarted
 * coordinator reloads topics, assignments, ISRs and leader epochs from coordinator.db and treats the
 * brokers' next heartbeats as a continuation.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterMetadata } from '../../src/common/cluster-types.js';
import { Producer } from '../../src/client/producer.js';
import { type TestCluster } from '../helpers/cluster.js';
import {
  assertExactlyOnceInOrder,
  brokerState,
  clientFor,
  clusterWithTopic,
  consumeAll,
  coordinatorMetadata,
  createTopic,
  destroyAndCheck,
  SequencedProducer,
  sleep,
  waitExited,
  waitFor,
} from '../helpers/failover.js';

const test = suite('failover: the coordinator is killed and restarted under an acks=all producer');
const TOPIC = 'failover-coordinator';
const PARTITIONS = 3;
const RECORDS = 6000;
/** The producer spreads its records over this long: past the outage. */
const RUN_MS = 8000;
const SESSION_TIMEOUT_MS = 2000;
/** Longer than the session timeout: brokers must not stop leading because the coordinator is gone. */
const OUTAGE_MS = 2 * SESSION_TIMEOUT_MS + 500;
let cluster: TestCluster;
let producer: SequencedProducer;
let before: ClusterMetadata;

test.before(async () => {
  cluster = await clusterWithTopic(SESSION_TIMEOUT_MS, TOPIC, PARTITIONS, 3);
});

test.after(async () => {
  producer?.close();
  await destroyAndCheck(cluster);
});

test('brokers keep acknowledging acks=all writes while the coordinator is down', async () => {
  before = await waitFor('every partition fully in sync', async () => {
    const m = await coordinatorMetadata(cluster);
    return m.topics.find((t) => t.name === TOPIC)!.partitions.every((p) => p.isr.length === 3) ? m : null;
  });
  producer = new SequencedProducer(cluster.bootstrap, TOPIC, PARTITIONS);
  await producer.init();
  const run = producer.run(RECORDS, RUN_MS);
  await waitFor('a quarter of the records acknowledged', () => producer.acked.length >= RECORDS / 4, { timeoutMs: 20_000, intervalMs: 10 });

  const killedAt = Date.now();
  assert.match((await cluster.supervisor.handleControl('kill', 'zookeeper')).message, 'killed zookeeper');
  await waitExited(cluster, 'zookeeper');
  assert.not.ok(await coordinatorMetadata(cluster, 300).then(() => true, () => false), 'the coordinator is unreachable');

  // A producer that starts during the outage gets a producer id (blocks are reserved ahead) and is served.
  const client = clientFor(cluster.bootstrap);
  try {
    const late = new Producer(client, { acks: -1, requestTimeoutMs: 3000, deliveryTimeoutMs: 3000 });
    await late.partitionsOf(TOPIC);
    const meta = await late.sendAsync(TOPIC, { value: Buffer.from('late'), partition: 1 });
    assert.ok(meta.offset >= 0);
  } catch (err) {
    assert.unreachable(`a new producer during the coordinator outage failed: ${(err as Error).message}`);
  } finally {
    client.close();
  }

  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - killedAt)));
  const restartAt = Date.now();
  const ackedDuringOutage = producer.acked.filter((a) => a.atMs > killedAt && a.atMs < restartAt).length;
  const ackedPastSessionTimeout = producer.acked.filter((a) => a.atMs > killedAt + SESSION_TIMEOUT_MS + 500 && a.atMs < restartAt).length;
  assert.match((await cluster.supervisor.handleControl('restart', 'zookeeper')).message, 'restarted zookeeper');
  await run;
  console.log(`  coordinator down ${restartAt - killedAt} ms; ${ackedDuringOutage} records acknowledged meanwhile`);
  assert.ok(ackedDuringOutage > 0, 'records were acknowledged while the coordinator was down');
  assert.ok(ackedPastSessionTimeout > 0, 'and still after the session timeout had passed');
  assert.equal(producer.failed.slice(0, 5), [], `${producer.failed.length} record(s) failed`);
  assert.is(producer.acked.length, RECORDS);
});

test('after the restart: same topics, assignment, leaders, ISR and epochs; every broker still registered', async () => {
  const after = await waitFor(
    'every broker heard from by the restarted coordinator',
    async () => {
      const m = await coordinatorMetadata(cluster);
      return m.brokers.length === 3 && m.brokers.every((b) => b.state === 'alive' && b.lastHeartbeatAgeMs >= 0 && b.lastHeartbeatAgeMs < 1000) ? m : null;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  assert.is(after.clusterId, before.clusterId);
  assert.equal(after.topics, before.topics);
  assert.equal(
    after.brokers.map((b) => [b.id, b.host, b.port, b.pid]),
    before.brokers.map((b) => [b.id, b.host, b.port, b.pid]),
    'the same broker processes, none re-registered as new',
  );
  assert.is(after.version, before.version, 'no metadata change at all (no election, no ISR change)');
  // No broker was declared dead or re-elected around the outage.
  const zk = cluster.log.filter((l) => l.startsWith('zookeeper:'));
  assert.not.ok(zk.some((l) => / dead \(| leader broker-\d+ -> /.test(l)), zk.filter((l) => / dead \(| leader broker-/.test(l)).join('\n'));
});

test('nothing acknowledged is lost or duplicated', async () => {
  const all = await consumeAll(cluster.bootstrap, TOPIC);
  const records = all.filter((r) => r.value!.toString() !== 'late');
  assert.is(records.length, RECORDS);
  // The 'late' record took an offset in partition 1: drop it and renumber to check the rest.
  const late = all.find((r) => r.value!.toString() === 'late');
  assert.ok(late, 'the record produced during the outage is there');
  const renumber = (r: { partition: number; offset: number }) => (r.partition === late!.partition && r.offset > late!.offset ? r.offset - 1 : r.offset);
  assertExactlyOnceInOrder(
    records.map((r) => ({ ...r, offset: renumber(r) })),
    producer.acked.map((a) => ({ ...a, offset: renumber(a) })),
    PARTITIONS,
  );
});

test('the restarted coordinator does its job: a new topic is created, led and served', async () => {
  await createTopic(cluster.bootstrap, 'failover-after-restart', 2, 3);
  const p = new SequencedProducer(cluster.bootstrap, 'failover-after-restart', 2);
  try {
    await p.init();
    p.send(100);
    await p.producer.flush();
    assert.equal(p.failed, []);
  } finally {
    p.close();
  }
  const records = await consumeAll(cluster.bootstrap, 'failover-after-restart');
  assert.is(records.length, 100);
});

test('a paused (hung) coordinator: brokers keep leading and acknowledging past the session timeout; resumed, it declares nobody dead', async () => {
  const leadersOf = (m: ClusterMetadata) => m.topics.find((t) => t.name === TOPIC)!.partitions.map((p) => `${p.partition}:${p.leader}@${p.leaderEpoch}`);
  const before = await coordinatorMetadata(cluster);
  const hung = new SequencedProducer(cluster.bootstrap, TOPIC, PARTITIONS);
  try {
    await hung.init();
    const run = hung.run(3000, 6000);
    await waitFor('records acknowledged', () => hung.acked.length > 100, { timeoutMs: 10_000, intervalMs: 10 });
    await cluster.supervisor.handleControl('pause', 'zookeeper');
    const pausedAt = Date.now();
    await sleep(2 * SESSION_TIMEOUT_MS + 500);
    const ackedPastSessionTimeout = hung.acked.filter((a) => a.atMs > pausedAt + SESSION_TIMEOUT_MS + 500).length;
    await cluster.supervisor.handleControl('resume', 'zookeeper');
    await run;
    assert.ok(ackedPastSessionTimeout > 0, 'records acknowledged while the coordinator was hung past the session timeout');
    assert.equal(hung.failed.slice(0, 5), []);
  } finally {
    hung.close();
  }
  await sleep(SESSION_TIMEOUT_MS);
  const after = await coordinatorMetadata(cluster);
  assert.equal([1, 2, 3].map((id) => brokerState(after, id)), ['alive', 'alive', 'alive'], 'nobody declared dead for the time the coordinator stood still');
  assert.equal(leadersOf(after), leadersOf(before), 'no election');
});

test('a broker that was dead before the coordinator restart is still dead after it', async () => {
  assert.match((await cluster.supervisor.handleControl('kill', 'broker-3')).message, 'killed broker-3');
  await waitFor('broker-3 dead for the coordinator', async () => brokerState(await coordinatorMetadata(cluster), 3) === 'dead');
  await cluster.supervisor.handleControl('kill', 'zookeeper');
  await waitExited(cluster, 'zookeeper');
  await cluster.supervisor.handleControl('restart', 'zookeeper');
  const md = await waitFor('the restarted coordinator', () => coordinatorMetadata(cluster));
  // ZooKeeper forgets a dead broker's ephemeral registration; KRaft keeps it fenced: either way it stays dead.
  assert.is(brokerState(md, 3), 'dead', `broker-3 (killed before the restart) is ${brokerState(md, 3)} for the restarted coordinator`);
});

test('a topic created right after the coordinator restart gets no replica on the dead broker', async () => {
  await createTopic(cluster.bootstrap, 'failover-placed-after-restart', 3, 2);
  const t = (await coordinatorMetadata(cluster)).topics.find((x) => x.name === 'failover-placed-after-restart')!;
  assert.equal(
    t.partitions.filter((p) => p.replicas.includes(3)).map((p) => `${p.partition}: replicas ${p.replicas}, leader ${p.leader}`),
    [],
    'replicas placed on the dead broker-3',
  );
});

test.run();
