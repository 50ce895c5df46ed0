/**
 * Network partitions with every process on its own host: the coordinator and three brokers run by
 * hand (`yak zookeeper --host`, `yak broker --host <address>`) in separate network namespaces, so
 * several-host operation is tested too. The test process is a client on the bridge between them.
 *
 * A leader cut off from the other brokers and the coordinator (it still hears clients) must
 * acknowledge nothing with acks=all, the majority must elect a new leader and keep taking writes,
 * and on heal the old leader must truncate what it appended alone; a coordinator cut off from every
 * broker must cost no acknowledged write either. Needs root (CI runs as root): skipped otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterMetadata } from '../../src/common/cluster-types.js';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import { ClusterSecret, clusterSecretPath } from '../../src/common/cluster-secret.js';
import { connectToCluster } from '../../src/net/cluster-auth.js';
import { Connection } from '../../src/net/connection.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { killYakProcesses, tempDir, type YakProcess } from '../helpers/cluster.js';
import { assertExactlyOnceInOrder, consumeAll, createTopic, produceRaw, SequencedProducer, sleep, waitFor } from '../helpers/failover.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';

const test = suite('partitions: a leader or the coordinator cut off by the network (brokers in separate network namespaces)');
const unavailable = netnsUnavailable();
const SESSION_TIMEOUT_MS = 2000;
const KAFKA_PORT = 9092;
const COORDINATOR_PORT = 2181;
const HOSTS = ['zk', 'b1', 'b2', 'b3'];
let lab: NetnsLab | null = null;
let dir = '';
const brokers = new Map<number, YakProcess>();
let bootstrap = '';

const output = (p: YakProcess) => p.stdout() + p.stderr();
const brokerHost = (id: number) => `b${id}`;

/** The coordinator's own view, asked over the bridge. */
async function coordinatorView(): Promise<ClusterMetadata> {
  const secret = ClusterSecret.fromFile(clusterSecretPath(path.join(dir, 'zk')));
  const conn = await connectToCluster(lab!.address('zk'), COORDINATOR_PORT, secret, { clientId: 'partition-test', connectTimeoutMs: 2000 });
  try {
    return await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: -1, maxWaitMs: 0 }, { timeoutMs: 2000 });
  } finally {
    conn.close();
  }
}

function partitionState(md: ClusterMetadata, topic: string, partition: number) {
  const p = md.topics.find((t) => t.name === topic)?.partitions[partition];
  if (!p) throw new Error(`no ${topic}-${partition} at the coordinator`);
  return p;
}

async function waitFullIsr(topic: string, partitions: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${topic}: a leader and the full ISR on every partition`, async () => {
    const md = await coordinatorView();
    return Array.from({ length: partitions }, (_, p) => partitionState(md, topic, p)).every((p) => p.leader > 0 && p.isr.length === p.replicas.length);
  }, { timeoutMs, intervalMs: 200 });
}

/** `yak broker` by hand on its own host, as an operator starts it (the one place broker flags are given). */
function startBroker(id: number): YakProcess {
  const coordinator = `${lab!.address('zk')}:${COORDINATOR_PORT}`;
  return lab!.startYak(brokerHost(id), ['broker', '--id', String(id), '--host', lab!.address(brokerHost(id)), '--port', String(KAFKA_PORT), '--coordinator', coordinator, '--secret-file', clusterSecretPath(path.join(dir, 'zk')), '--data-dir', path.join(dir, `b${id}`)]);
}

if (unavailable) console.log(`partition tests with network namespaces skipped: ${unavailable}`);

// uvu reports a failing hook as no more than failed tests: say what failed.
test.before(() =>
  unavailable ? undefined : startHosts().catch((err: Error) => {
    console.error(`setting up the hosts failed: ${err.message}`);
    throw err;
  }),
);

async function startHosts(): Promise<void> {
  lab = new NetnsLab(HOSTS);
  dir = tempDir('yak-partition-');
  const zk = lab.startYak('zk', [
    'zookeeper', '--host', lab.address('zk'), '--port', String(COORDINATOR_PORT), '--data-dir', path.join(dir, 'zk'),
    '--session-timeout-ms', String(SESSION_TIMEOUT_MS), '--heartbeat-interval-ms', '250',
  ]);
  await zk.waitFor(() => /coordinator listening on/.test(output(zk)), 'the coordinator listening');
  for (const id of [1, 2, 3]) brokers.set(id, startBroker(id));
  for (const b of brokers.values()) await b.waitFor(() => /serving Kafka on/.test(output(b)), 'the broker serving');
  bootstrap = [1, 2, 3].map((id) => `${lab!.address(brokerHost(id))}:${KAFKA_PORT}`).join(',');
}

test.after(async () => {
  await lab?.destroy();
  killYakProcesses();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a cut-off leader acknowledges nothing, the majority re-elects and keeps writing, the old leader truncates on heal, nothing acknowledged is lost', async () => {
  if (unavailable) return;
  const topic = 'cut-leader';
  await createTopic(bootstrap, topic, 3, 3);
  await waitFullIsr(topic, 3);
  const before = partitionState(await coordinatorView(), topic, 0);
  const leader = before.leader;
  const cutOff = brokers.get(leader)!;
  const lines = cutOff.stderrLineCount();

  const producer = new SequencedProducer(bootstrap, topic, 3, { deliveryTimeoutMs: 60_000 });
  await producer.init();
  // About 300 records/s for 11 s, the cut from 2 s until the new leader has taken writes for 1 s.
  const writing = producer.run(3300, 11_000);
  // The test's own connection to the leader: it stays reachable for clients, as a broker cut off from
  // its peers but not from its clients is (the worst case: clients still hand it writes).
  const toLeader = await Connection.connect(lab!.address(brokerHost(leader)), KAFKA_PORT, { clientId: 'partition-test-to-cut-off' });
  try {
    await sleep(2000);
    const cutAt = Date.now();
    lab!.cutOff(brokerHost(leader));
    // Written to the cut-off leader itself with acks=all: it can append but never replicate.
    const alone = produceRaw(toLeader, topic, 0, ['alone-0', 'alone-1', 'alone-2'], -1, 4000);

    const elected = await waitFor(`a leader of ${topic}-0 other than broker-${leader}`, async () => {
      const p = partitionState(await coordinatorView(), topic, 0);
      return p.leader > 0 && p.leader !== leader ? p : null;
    }, { timeoutMs: 15_000, intervalMs: 100 });
    const electedMs = Date.now() - cutAt;
    assert.ok(elected.leaderEpoch > before.leaderEpoch, 'a new leader epoch');
    assert.not.ok(elected.isr.includes(leader), `the cut-off broker left the ISR: [${elected.isr.join(',')}]`);
    console.log(`  ${topic}-0: broker-${leader} cut off, broker-${elected.leader} elected after ${electedMs} ms`);

    const answer = await alone;
    assert.is.not(answer.errorCode, ErrorCode.NONE, 'the cut-off leader acknowledged a write');
    console.log(`  the cut-off leader answered acks=all with ${errorName(answer.errorCode)}`);

    // The majority side takes writes for partition 0 again while the cut lasts.
    await waitFor('an acknowledgement on partition 0 by the new leader', () => producer.acked.some((a) => a.partition === 0 && a.atMs > cutAt + electedMs), { timeoutMs: 15_000, intervalMs: 100 });
    await sleep(1000);
    lab!.heal(brokerHost(leader));

    const truncated = await cutOff.waitForLine(new RegExp(`truncating ${topic}-0 from \\d+ to \\d+ to match leader broker-${elected.leader}`), { fromLine: lines, timeoutMs: 20_000 });
    console.log(`  broker-${leader}: ${truncated.replace(/^.*?truncating/, 'truncating')}`);
    await writing;
    await waitFullIsr(topic, 3);
  } finally {
    toLeader.close();
    producer.close();
  }

  const records = await consumeAll(bootstrap, topic);
  assert.equal(records.filter((r) => r.value?.toString().startsWith('alone-')).map((r) => `${r.partition}:${r.offset}`), [], 'what only the cut-off leader had was truncated');
  assert.ok(producer.acked.length > 0);
  assertExactlyOnceInOrder(records, producer.acked, 3);
  console.log(`  ${producer.acked.length} acknowledged, ${records.length} read back, 0 lost`);
});

test('a coordinator cut off from every broker: brokers keep leading and acknowledging, re-register on heal, nothing acknowledged is lost', async () => {
  if (unavailable) return;
  const topic = 'cut-coordinator';
  await createTopic(bootstrap, topic, 3, 3);
  await waitFullIsr(topic, 3);
  const registered = new Map([...brokers].map(([id, b]) => [id, b.stderr().match(/registered with coordinator/g)?.length ?? 0]));

  const producer = new SequencedProducer(bootstrap, topic, 3, { deliveryTimeoutMs: 60_000 });
  await producer.init();
  const writing = producer.run(2400, 8000);
  try {
    await sleep(1500);
    const cutAt = Date.now();
    lab!.cutOff('zk');
    await waitFor('the coordinator to declare every broker dead', async () => (await coordinatorView()).brokers.every((b) => b.state === 'dead'), { timeoutMs: 15_000, intervalMs: 100 });
    const deadAt = Date.now();
    await sleep(1500);
    const ackedInCut = producer.acked.filter((a) => a.atMs > deadAt);
    assert.equal([0, 1, 2].filter((p) => !ackedInCut.some((a) => a.partition === p)), [], 'every partition acknowledged writes while the coordinator was cut off');
    lab!.heal('zk');
    console.log(`  coordinator cut off for ${Date.now() - cutAt} ms; ${ackedInCut.length} records acknowledged after it had declared every broker dead`);

    for (const [id, b] of brokers) {
      await b.waitFor(() => (b.stderr().match(/registered with coordinator/g)?.length ?? 0) > registered.get(id)!, `broker-${id} registering again`);
    }
    await writing;
    await waitFullIsr(topic, 3);
  } finally {
    producer.close();
  }
  const records = await consumeAll(bootstrap, topic);
  assertExactlyOnceInOrder(records, producer.acked, 3);
  console.log(`  ${producer.acked.length} acknowledged, ${records.length} read back, 0 lost`);
});

test.run();
