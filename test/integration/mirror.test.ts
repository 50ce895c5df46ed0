import fs from 'node:fs';
import { Kafka, logLevel, type Consumer as KafkaJsConsumer, type KafkaConfig } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaClient, parseBootstrap } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer.js';
import { killYakProcesses, runYak, spawnYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { runProcess } from '../helpers/wire.js';

/**
 * yak mirror from one YaK cluster to another (the stand-in for a real Kafka: the mirror speaks only
 * the Kafka protocol to it): topics with their configs and partition counts, records with keys,
 * headers and timestamps (checked with kcat on both sides), an aborted transaction's gap in the
 * source's offsets, and groups whose translated offsets a kafkajs consumer resumes from exactly.
 * The destination is a SASL_SSL cluster, reached with the --to-* flags.
 */
const test = suite('yak mirror: YaK -> another cluster over the Kafka protocol');
let source: TestCluster;
let destination: TestCluster;
const consumers: KafkaJsConsumer[] = [];
const TIMEOUT_MS = 20_000;

/** The destination's admin login and CA (yak up --security sasl-tls made them). */
const login = (c: TestCluster) => ({ caFile: c.file.security!.caFile!, passwordFile: c.file.security!.passwordFile!, password: fs.readFileSync(c.file.security!.passwordFile!, 'utf8').trim() });
function kafka(cluster: TestCluster): Kafka {
  const secured: Partial<KafkaConfig> = cluster.file.security ? { ssl: { ca: [fs.readFileSync(login(cluster).caFile)] }, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: login(cluster).password } } : {};
  return new Kafka({ clientId: 'mirror-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 }, ...secured });
}
const toFlags = () => ['--to', destination.bootstrap, '--to-security-protocol', 'SASL_SSL', '--to-user', 'admin', '--to-password-file', login(destination).passwordFile, '--to-tls-ca', login(destination).caFile];
const mirror = (...extra: string[]) => runYak(['mirror', '--bootstrap', source.bootstrap, ...toFlags(), '--topics', 'orders|events|audit', '--groups', 'g1|g2', ...extra], { timeoutMs: 30_000 });

/** A topic as kcat reads it (read_committed): per record `partition key headers timestamp value`, in offset order per partition. */
async function kcatRecords(cluster: TestCluster, topic: string): Promise<string[]> {
  const secured = cluster.file.security
    ? ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${login(cluster).caFile}`, '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=admin', '-X', `sasl.password=${login(cluster).password}`]
    : [];
  const res = await runProcess('/usr/bin/kcat', ['-b', cluster.bootstrap, ...secured, '-X', 'isolation.level=read_committed', '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p|%k|%h|%T|%s\n'], { timeoutMs: TIMEOUT_MS });
  assert.is(res.code, 0, `kcat failed: ${res.stderr}`);
  const lines = res.stdout.split('\n').filter((l) => l !== '');
  // Partitions interleave in kcat's output; their own order is what must match.
  return lines.sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}

/** Reads as a kafkajs member of `groupId` (from its committed offsets) until `count` records came and no more for a while. */
async function consumeAsGroup(cluster: TestCluster, groupId: string, topic: string, count: number): Promise<string[]> {
  const consumer = kafka(cluster).consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  consumers.push(consumer);
  const seen: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push(`${partition}|${message.key}|${message.value}`) });
  const deadline = Date.now() + TIMEOUT_MS;
  while (seen.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000)); // anything past what was left would show up now
  return seen;
}

test.before(async () => {
  [source, destination] = await Promise.all([startCluster({ brokers: 2 }), startCluster({ brokers: 1, security: { protocol: 'SASL_SSL' } })]);
  const admin = kafka(source).admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'orders', numPartitions: 3, replicationFactor: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'max.message.bytes', value: '200000' }] },
      { topic: 'events', numPartitions: 2, replicationFactor: 1 },
      { topic: 'audit', numPartitions: 1, replicationFactor: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: 'other', numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.disconnect();
  const producer = kafka(source).producer();
  await producer.connect();
  const at = Date.now() - 60_000; // within orders' retention.ms
  await producer.send({ topic: 'orders', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `order-${i}`, timestamp: String(at + i), headers: { seq: String(i), origin: 'shop' } })) });
  await producer.send({ topic: 'audit', messages: Array.from({ length: 4 }, (_, i) => ({ key: `a${i % 2}`, value: `audit-${i}`, timestamp: String(at + i) })) });
  await producer.send({ topic: 'other', messages: [{ value: 'left behind' }] });
  await producer.disconnect();
  // events: 3 records per partition, an aborted transaction (a gap in partition 0's offsets), 3 more.
  const client = new KafkaClient({ bootstrap: parseBootstrap(source.bootstrap), clientId: 'mirror-test-txn' });
  const txn = new Producer(client, { transactionalId: 'mirror-test', lingerMs: 1 });
  await txn.initTransactions();
  await txn.partitionsOf('events');
  const send = (prefix: string) => {
    for (let i = 0; i < 6; i++) txn.send('events', { key: Buffer.from(`${prefix}${i}`), value: Buffer.from(`${prefix}-${i}`), partition: i % 2 });
  };
  txn.beginTransaction();
  send('e');
  await txn.commitTransaction();
  txn.beginTransaction();
  send('aborted');
  await txn.flush();
  await txn.abortTransaction();
  txn.beginTransaction();
  send('f');
  await txn.commitTransaction();
  await txn.close();
  client.close();
});

test.after(async () => {
  killYakProcesses();
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  await Promise.all([source?.destroy(), destination?.destroy()]);
});

test('topics, configs, records and translated group offsets reach the destination; a re-run copies only what is new', async () => {
  // g1 read 10 orders on the source (yak consume commits what it printed); g2 stopped at the aborted transaction's first record.
  const read = await runYak(['consume', '--bootstrap', source.bootstrap, '-t', 'orders', '--group', 'g1', '--from-beginning', '-n', '10', '-f', '%p|%k|%s\n'], { timeoutMs: TIMEOUT_MS });
  assert.is(read.code, 0, read.stderr);
  const readOnSource = read.stdout.split('\n').filter((l) => l !== '');
  assert.is(readOnSource.length, 10);
  const admin = kafka(source).admin();
  await admin.connect();
  // events-0 holds e0 e2 e4 (0-2), the commit marker (3), aborted records (4-6) and their marker (7), f0 f2 f4 (8-10).
  await admin.setOffsets({ groupId: 'g2', topic: 'events', partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '1' }] });
  await admin.setOffsets({ groupId: 'g3', topic: 'orders', partitions: [{ partition: 0, offset: '1' }] });
  await admin.disconnect();

  const plaintext = await runYak(['mirror', '--bootstrap', source.bootstrap, '--to', destination.bootstrap], { timeoutMs: 30_000 });
  assert.is(plaintext.code, 1);
  assert.match(plaintext.stderr, /cannot reach the destination .*--to-security-protocol/, 'a destination spoken to without its TLS is named as such');

  const first = await mirror();
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /^46 record\(s\) copied from 3 topic\(s\) \(3 created\); 2 group\(s\) committed/);
  assert.match(first.stderr, /topic orders: created on the destination: 3 partition\(s\), replication factor 1 \(the source's is 2; the destination has 1 broker\(s\)\), configs [^\n]*max\.message\.bytes=200000/);
  assert.match(first.stderr, /topic audit: created on the destination: 1 partition\(s\), replication factor 1 [^\n]*cleanup\.policy=compact/);

  const destAdmin = kafka(destination).admin();
  await destAdmin.connect();
  const topics = (await destAdmin.listTopics()).filter((t) => !t.startsWith('__')).sort();
  assert.equal(topics, ['audit', 'events', 'orders'], 'the topic outside --topics stays behind');
  const meta = await destAdmin.fetchTopicMetadata({ topics: ['orders', 'events'] });
  assert.equal(Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length])), { orders: 3, events: 2 });
  const configs = await destAdmin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'orders' }] });
  const retention = configs.resources[0]!.configEntries.find((c) => c.configName === 'retention.ms');
  assert.is(retention?.configValue, '3600000');
  const groups = (await destAdmin.listGroups()).groups.map((g) => g.groupId).sort();
  assert.equal(groups, ['g1', 'g2'], 'g3 is outside --groups');
  await destAdmin.disconnect();

  for (const topic of ['orders', 'events', 'audit']) {
    assert.equal(await kcatRecords(destination, topic), await kcatRecords(source, topic), `${topic}: the same records, keys, headers and timestamps per partition`);
  }
  assert.ok((await kcatRecords(destination, 'orders')).some((l) => l.includes('seq=0,origin=shop')), 'headers are copied');

  // New records, then a second run: only they are copied.
  const producer = kafka(source).producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${30 + i}`, value: `order-${30 + i}`, headers: { seq: String(30 + i) } })) });
  await producer.disconnect();
  // A record written on the destination by someone else: the next run says so, and copies on.
  const stranger = kafka(destination).producer();
  await stranger.connect();
  await stranger.send({ topic: 'audit', messages: [{ key: 'x', value: 'written on the destination' }] });
  await stranger.disconnect();
  const second = await mirror();
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stderr, /audit-0 on the destination ends at offset 5, the mirror's last checkpointed record there at 3: 1 record\(s\) after it came from elsewhere/);
  assert.match(second.stdout, /^5 record\(s\) copied from 3 topic\(s\) \(0 created\)/);
  assert.not.match(second.stderr, /(orders|events)-\d on the destination ends at/, 'elsewhere the destination ends where the checkpoints say');
  assert.equal(await kcatRecords(destination, 'orders'), await kcatRecords(source, 'orders'));

  // g1 on the destination reads exactly the 25 orders it had not read on the source; g2 resumes at
  // events-0's first record after the aborted transaction, and at events-1's offset 1.
  const [rest, events] = await Promise.all([consumeAsGroup(destination, 'g1', 'orders', 25), consumeAsGroup(destination, 'g2', 'events', 8)]);
  assert.is(rest.length, 25, `g1 read ${rest.length} records on the destination`);
  const all = new Set([...readOnSource, ...rest].map((l) => l.split('|')[1]));
  assert.is(all.size, 35, 'no record read twice, none skipped');
  assert.equal(events.map((l) => l.split('|')[1]).sort(), ['e3', 'e5', 'f0', 'f1', 'f2', 'f3', 'f4', 'f5']);

  // --follow copies records as they come, until Ctrl-C (exit 130); g1, active on the destination now, is left alone.
  const follow = spawnYak(['mirror', '--bootstrap', source.bootstrap, ...toFlags(), '--topics', 'orders', '--groups', 'g1', '--follow']);
  await follow.waitForLine(/group g1: 1 active member\(s\) on the destination/, { timeoutMs: TIMEOUT_MS });
  const late = kafka(source).producer();
  await late.connect();
  await late.send({ topic: 'orders', messages: [{ key: 'late-0', value: 'late', partition: 0 }, { key: 'late-1', value: 'late', partition: 0 }] });
  await late.disconnect();
  await follow.waitForLine(/topic orders: copied 2 record\(s\) \(partition 0: 2\)/, { timeoutMs: TIMEOUT_MS });
  const stopped = await follow.stop('SIGINT');
  assert.is(stopped.code, 130, stopped.stderr);
  assert.is(stopped.stderr.match(/group g1: 1 active member/g)?.length, 1, 'a pass repeats nothing the previous said');
  assert.equal(await kcatRecords(destination, 'orders'), await kcatRecords(source, 'orders'));
});

test.run();
