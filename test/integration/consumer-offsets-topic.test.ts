/**
 * `__consumer_offsets` as lag monitors read it: a kafkajs group commits, and a Burrow-style reader
 * (kafka-python, decoding Kafka's key/value formats itself) sees the group's offset per partition
 * and its metadata, then tombstones once the group is deleted. Metadata marks the topic internal;
 * plain producers and DeleteRecords are refused; a topic an admin deleted comes back.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { offsetsTopicPartitionFor } from '../../src/coordinator/offsets-topic.js';
import { DeleteRecordsApi } from '../../src/protocol/apis/delete-records.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectTo, coordinatorMetadata, partitionOf, waitFor } from '../helpers/failover.js';

const test = suite('__consumer_offsets: what a Burrow-style reader sees');
const PYTHON = '/usr/bin/python3';
const READER = fileURLToPath(new URL('./fixtures/consumer-offsets-reader.py', import.meta.url));
const hasKafkaPython = fs.existsSync(PYTHON) && (await new Promise<boolean>((r) => execFile(PYTHON, ['-c', 'import kafka'], (err) => r(!err))));

const TOPIC = 'watched';
const GROUP = 'burrow-watched';
const PARTITIONS = 3;
let cluster: TestCluster;
let kafka: Kafka;
let admin: Admin;

/** One line of the reader: a decoded record (with the __consumer_offsets partition it was in), or the metadata. */
interface Read {
  type: 'offset' | 'group' | 'metadata' | 'unknown';
  log_partition: number;
  group?: string;
  topic?: string;
  partition?: number;
  offset?: number;
  tombstone?: boolean;
  generation?: number;
  protocol_type?: string;
  protocol?: string | null;
  leader?: string | null;
  members?: { member_id: string; client_id: string; subscription_bytes: number; assignment_bytes: number }[];
  internal?: boolean;
  partitions?: number[];
}

/** Every record of the topic, decoded by the Python reader, and its metadata line last. */
function readTopic(): Promise<Read[]> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, [READER, cluster.bootstrap], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`reader failed: ${err.message}\n${stderr}`));
      resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Read));
    }),
  );
}
const ofGroup = (records: Read[]) => records.filter((r) => r.group === GROUP);

test.before(async () => {
  if (!hasKafkaPython) return;
  cluster = await startCluster({ brokers: 3 });
  kafka = new Kafka({ clientId: 'offsets-topic-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
});

test.after(async () => {
  await admin?.disconnect();
  await cluster?.destroy();
});

test('a group commits; the reader sees its offset per partition and its metadata, in its partition', async () => {
  if (!hasKafkaPython) return console.log('  skipped: Debian python3-kafka (kafka-python) is not installed');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const perPartition = [4, 5, 6];
  await producer.send({ topic: TOPIC, messages: perPartition.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, value: `v${i}` }))) });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let consumed = 0;
  await consumer.run({ eachMessage: async () => void consumed++ });
  await waitFor('the group to consume everything', () => consumed === 15, { timeoutMs: 30_000 });
  await consumer.disconnect(); // commits, leaves: the group goes Empty

  // The reader sees the group Empty once the last commit and the leave are through.
  const records = await waitFor('the Empty group in __consumer_offsets', async () => {
    const all = await readTopic();
    return ofGroup(all).some((r) => r.type === 'group' && r.members?.length === 0) && all;
  }, { timeoutMs: 30_000, intervalMs: 1000 });
  const mine = ofGroup(records);
  const home = offsetsTopicPartitionFor(GROUP);
  assert.ok(mine.length > 0 && mine.every((r) => r.log_partition === home), `every record of the group is in partition ${home}: ${JSON.stringify(mine)}`);

  // Compacted view, as Burrow keeps it: the last value per key.
  const committed = new Map<number, number>();
  for (const r of mine) if (r.type === 'offset' && r.topic === TOPIC) committed.set(r.partition!, r.offset!);
  assert.equal([...committed.entries()].sort(), perPartition.map((n, p) => [p, n]), 'the committed offset of each partition is its end');

  const generations = mine.filter((r) => r.type === 'group');
  const stable = generations.find((g) => (g.members?.length ?? 0) > 0);
  assert.ok(stable, 'a record of the group with its member');
  assert.is(stable.protocol_type, 'consumer');
  assert.ok(stable.protocol, 'the assignor the group chose');
  assert.is(stable.leader, stable.members![0]!.member_id);
  assert.is(stable.members![0]!.client_id, 'offsets-topic-test');
  assert.ok(stable.members![0]!.subscription_bytes > 0 && stable.members![0]!.assignment_bytes > 0, 'subscription and assignment are there');
  const empty = generations.at(-1)!;
  assert.equal([empty.members, empty.protocol, empty.leader], [[], null, null], 'the last record: the group Empty');
  assert.ok(empty.generation! > stable.generation!);

  const metadata = records.at(-1)!;
  assert.equal([metadata.type, metadata.internal, metadata.partitions], ['metadata', true, [0, 1, 2]], 'kafka-python sees the topic internal, with its 3 partitions');
});

test('a deleted group leaves tombstones for its offsets and itself', async () => {
  if (!hasKafkaPython) return;
  await admin.deleteGroups([GROUP]);
  const mine = await waitFor('the tombstones', async () => {
    const records = ofGroup(await readTopic());
    return records.at(-1)?.type === 'group' && records.at(-1)?.tombstone && records;
  }, { timeoutMs: 30_000, intervalMs: 1000 });
  const tombstones = mine.slice(-(PARTITIONS + 1));
  assert.equal(
    tombstones.map((r) => (r.type === 'offset' ? `${r.topic}-${r.partition} ${r.tombstone}` : `group ${r.tombstone}`)),
    [...Array.from({ length: PARTITIONS }, (_, p) => `${TOPIC}-${p} true`), 'group true'],
  );
});

test('deleted by an admin, the topic comes back with the next commits', async () => {
  if (!hasKafkaPython) return;
  await admin.deleteTopics({ topics: ['__consumer_offsets'] });
  await admin.setOffsets({ groupId: 'after-delete', topic: TOPIC, partitions: [{ partition: 1, offset: '3' }] });
  const mine = await waitFor('the commit in the recreated topic', async () => {
    const records = (await readTopic()).filter((r) => r.group === 'after-delete' && r.type === 'offset');
    return records.length > 0 && records;
  }, { timeoutMs: 30_000, intervalMs: 1000 });
  assert.equal(mine.map((r) => [r.type, r.topic, r.partition, r.offset]), [['offset', TOPIC, 1, 3]]);
});

test('DeleteRecords on __consumer_offsets is refused, as in Kafka', async () => {
  if (!hasKafkaPython) return;
  const leader = partitionOf(await coordinatorMetadata(cluster), '__consumer_offsets', 0).leader;
  const conn = await connectTo(cluster, leader);
  try {
    const res = await conn.request(DeleteRecordsApi, 2, { topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, offset: -1 }] }], timeoutMs: 5000 });
    assert.is(res.topics[0]!.partitions[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  } finally {
    conn.close();
  }
});

test('a plain producer cannot write to __consumer_offsets', async () => {
  if (!hasKafkaPython) return;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
  await producer.connect();
  try {
    const err = await producer.send({ topic: '__consumer_offsets', messages: [{ partition: 0, key: 'k', value: 'forged' }] }).then(() => null, (e: Error & { type?: string }) => e);
    assert.ok(err, 'the send is refused');
    assert.match(`${err.type ?? ''} ${err.message}`, /INVALID_TOPIC_EXCEPTION|internal topic/);
  } finally {
    await producer.disconnect();
  }
});

test.run();
