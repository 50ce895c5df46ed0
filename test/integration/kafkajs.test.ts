import { CompressionTypes, Kafka, logLevel, Partitioners, type Admin, type Producer, type RecordMetadata } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionForKey } from '../../src/client/partitioner.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectBroker, fetchAll, leaders } from '../helpers/wire.js';

const test = suite('kafkajs 2.2 against a 3-broker cluster');
let cluster: TestCluster;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

const TOPIC = 'kjs-orders';
const PARTITIONS = 3;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  kafka = new Kafka({
    clientId: 'yak-kafkajs-test',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    connectionTimeout: 3000,
    requestTimeout: 10_000,
  });
  admin = kafka.admin();
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await admin.connect();
  await producer.connect();
});

test.after(async () => {
  await producer?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await cluster?.destroy();
});

interface Row {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  timestamp: number;
}

async function yakConsumeAll(topic: string, expected: number): Promise<Row[]> {
  const res = await runYak([
    'consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--from-beginning', '--json',
    '--max-messages', String(expected), '--idle-timeout-ms', '3000',
  ]);
  assert.is(res.code, 0, res.stderr);
  const lines = res.stdout.trim().split('\n').filter(Boolean);
  return lines.map((l) => JSON.parse(l) as Row);
}

/** What kafkajs's DefaultPartitioner picks for a key (the test asserts YaK's murmur2 agrees). */
const kafkajsPartition = (() => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
  return (key: string): number => partitioner({ topic: TOPIC, partitionMetadata, message: { key, value: '' } });
})();

/** Everything kafkajs sent, in send order, for the read-back comparison. */
const sent: { key: string; value: string; headers: Record<string, string> }[] = [];

function keyed(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const m = { key: `user-${i % 10}`, value: `${prefix}-${i}`, headers: { source: 'kafkajs', seq: `${prefix}-${i}` } };
    sent.push(m);
    return m;
  });
}

/** Per partition: how many records each previous send put there (so the next base offsets are known). */
const counts = new Map<number, number>();
function expectOffsets(meta: RecordMetadata[], messages: { key: string }[]): void {
  const perPartition = new Map<number, number>();
  for (const m of messages) perPartition.set(kafkajsPartition(m.key), (perPartition.get(kafkajsPartition(m.key)) ?? 0) + 1);
  assert.equal(meta.map((m) => m.partition).sort(), [...perPartition.keys()].sort(), 'one result per partition written');
  for (const m of meta) {
    assert.is(m.topicName, TOPIC);
    assert.is(m.errorCode, 0);
    // Base offsets continue exactly where the previous send to that partition ended.
    assert.is(Number(m.baseOffset), counts.get(m.partition) ?? 0, `base offset of partition ${m.partition}`);
  }
  for (const [p, n] of perPartition) counts.set(p, (counts.get(p) ?? 0) + n);
}

test('admin.createTopics creates a 3-partition topic whose partitions all have live leaders', async () => {
  const created = await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  assert.is(created, true);
  const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  assert.is(md.topics.length, 1);
  const t = md.topics[0]!;
  assert.is(t.name, TOPIC);
  assert.equal(t.partitions.map((p) => p.partitionId).sort(), [0, 1, 2]);
  const brokerIds = cluster.file.brokers.map((b) => b.id);
  for (const p of t.partitions) {
    assert.is(p.partitionErrorCode, 0);
    assert.ok(brokerIds.includes(p.leader), `partition ${p.partitionId} leader ${p.leader} is a cluster broker`);
    assert.ok(p.replicas.includes(p.leader));
    assert.ok(p.isr.includes(p.leader));
  }
  // Three partitions on three brokers: one leader each.
  assert.equal(t.partitions.map((p) => p.leader).sort(), [...brokerIds].sort());
});

test('admin.createTopics for an existing topic resolves false and leaves it unchanged', async () => {
  const again = await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 7 }] });
  assert.is(again, false);
  const md = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  assert.is(md.topics[0]!.partitions.length, PARTITIONS);
});

test('admin.listTopics lists the topic; the brokers kafkajs discovers are the cluster', async () => {
  const topics = await admin.listTopics();
  assert.ok(topics.includes(TOPIC), `listTopics: ${topics.join(',')}`);
  const described = await admin.describeCluster();
  assert.equal(described.brokers.map((b) => b.nodeId).sort(), cluster.file.brokers.map((b) => b.id).sort());
  for (const b of described.brokers) {
    const f = cluster.file.brokers.find((x) => x.id === b.nodeId)!;
    assert.is(b.port, f.port);
  }
  assert.ok(described.brokers.some((b) => b.nodeId === described.controller), 'controller is a live broker');
});

test('kafkajs DefaultPartitioner and YaK agree on where each key goes', () => {
  for (let i = 0; i < 200; i++) {
    const key = `k${i}-${'x'.repeat(i % 7)}`;
    assert.is(partitionForKey(Buffer.from(key), PARTITIONS), kafkajsPartition(key), key);
  }
});

test('producer.send with acks -1 and acks 1: keyed records land on the chosen partition at sequential offsets', async () => {
  const first = keyed('all', 30);
  expectOffsets(await producer.send({ topic: TOPIC, acks: -1, messages: first }), first);
  const second = keyed('one', 30);
  expectOffsets(await producer.send({ topic: TOPIC, acks: 1, messages: second }), second);
  // One record per send: each gets the next offset of its partition.
  for (let i = 0; i < 5; i++) {
    const single = [{ key: 'solo', value: `single-${i}`, headers: { source: 'kafkajs', seq: `single-${i}` } }];
    sent.push(single[0]!);
    expectOffsets(await producer.send({ topic: TOPIC, acks: 1, messages: single }), single);
  }
});

test('producer.send with acks 0 gets no metadata back, and the records still arrive', async () => {
  const before = sent.length;
  const third = keyed('zero', 30);
  const res = await producer.send({ topic: TOPIC, acks: 0, messages: third });
  assert.equal(res, [], 'acks=0: the broker sends no response');
  for (const m of third) counts.set(kafkajsPartition(m.key), (counts.get(kafkajsPartition(m.key)) ?? 0) + 1);
  // yak consume waits until it has them all (or idles out 3 s after the last one).
  const rows = await yakConsumeAll(TOPIC, sent.length);
  assert.is(rows.length, sent.length);
  const zero = rows.filter((r) => r.value.startsWith('zero-'));
  assert.equal(zero.map((r) => r.value).sort(), sent.slice(before).map((m) => m.value).sort());
});

test('yak consume reads back every kafkajs record: key, value, partition, offsets 0..n-1 in send order', async () => {
  const rows = await yakConsumeAll(TOPIC, sent.length);
  assert.is(rows.length, sent.length);
  for (const r of rows) {
    assert.is(r.partition, kafkajsPartition(r.key!), `key ${r.key}`);
    assert.type(r.timestamp, 'number');
    assert.ok(Math.abs(r.timestamp - Date.now()) < 120_000, 'timestamp is the producer create time');
  }
  for (let p = 0; p < PARTITIONS; p++) {
    const got = rows.filter((r) => r.partition === p);
    const want = sent.filter((m) => kafkajsPartition(m.key) === p);
    assert.equal(got.map((r) => r.offset), want.map((_, i) => i), `offsets of partition ${p}`);
    assert.equal(got.map((r) => [r.key, r.value]), want.map((m) => [m.key, m.value]), `records of partition ${p} in send order`);
    assert.is(counts.get(p) ?? 0, want.length);
  }
});

test('gzip batches from kafkajs are stored as sent and read back by yak consume', async () => {
  const topic = 'kafkajs-gzip';
  assert.ok(await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true }));
  const messages = Array.from({ length: 50 }, (_, i) => ({ key: `g${i % 5}`, value: `gzip-${i}-${'x'.repeat(i)}` }));
  await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages });
  const rows = await yakConsumeAll(topic, messages.length);
  assert.equal(rows.map((r) => r.value).sort(), messages.map((m) => m.value).sort());
  for (const r of rows) assert.is(r.partition, partitionForKey(Buffer.from(r.key!), PARTITIONS), `key ${r.key}`);
});

test('record headers sent by kafkajs are stored and fetched back unchanged', async () => {
  const conn = await connectBroker(cluster, 1);
  try {
    const lead = await leaders(conn, TOPIC);
    for (let p = 0; p < PARTITIONS; p++) {
      const leaderConn = await connectBroker(cluster, lead.get(p)!);
      try {
        const records = await fetchAll(leaderConn, TOPIC, p);
        const want = sent.filter((m) => kafkajsPartition(m.key) === p);
        assert.is(records.length, want.length);
        records.forEach((r, i) => {
          assert.is(r.offset, i);
          assert.is(r.key?.toString(), want[i]!.key);
          assert.equal(
            r.headers.map((h) => [h.key, h.value?.toString()]),
            Object.entries(want[i]!.headers),
          );
        });
      } finally {
        leaderConn.close();
      }
    }
  } finally {
    conn.close();
  }
});

test('records produced by yak produce are visible to kafkajs admin.fetchTopicOffsets', async () => {
  const topic = 'kjs-from-yak';
  const lines = Array.from({ length: 90 }, (_, i) => `key-${i % 9}:v${i}`);
  const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '--key-separator', ':'], { input: lines.join('\n') + '\n' });
  assert.is(produced.code, 0, produced.stderr);
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.is(offsets.length, 3, 'auto-created with the default 3 partitions');
  for (const o of offsets) {
    const want = lines.filter((l) => kafkajsPartition(l.split(':')[0]!) === o.partition).length;
    assert.is(Number(o.high), want, `high watermark of partition ${o.partition}`);
    assert.is(Number(o.low), 0);
  }
});

test('a message above message.max.bytes fails fast with MESSAGE_TOO_LARGE (not retried); nothing is stored and the producer carries on', async () => {
  const topic = 'kjs-big';
  assert.is(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true);
  const started = Date.now();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key: 'big', value: Buffer.alloc(1.5 * 1024 * 1024, 0x61) }] });
    assert.unreachable('a 1.5 MiB message must be refused');
  } catch (err) {
    const e = err as { name: string; type?: string; retriable?: boolean };
    assert.is(e.name, 'KafkaJSProtocolError');
    assert.is(e.type, 'MESSAGE_TOO_LARGE');
    assert.is(e.retriable, false);
  }
  assert.ok(Date.now() - started < 5000, 'no retry loop');
  // Larger than the broker's frame limit (message.max.bytes + 1 MiB): the broker drops the connection
  // instead of answering (Kafka answers MESSAGE_TOO_LARGE up to socket.request.max.bytes, 100 MiB).
  let failed = false;
  await producer.send({ topic, acks: -1, messages: [{ value: Buffer.alloc(2.5 * 1024 * 1024, 0x62) }] }).catch(() => (failed = true));
  assert.ok(failed, 'a 2.5 MiB message is refused one way or another');
  const [ok] = await producer.send({ topic, acks: -1, messages: [{ key: 'small', value: 'fits' }] });
  assert.is(ok!.errorCode, 0);
  assert.is(Number(ok!.baseOffset), 0, 'nothing of the refused messages was stored');
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.is(Number(offsets[0]!.high), 1);
});

test('admin.deleteTopics removes the topic: gone from listTopics, its records unreadable', async () => {
  await admin.deleteTopics({ topics: [TOPIC] });
  const topics = await admin.listTopics();
  assert.not.ok(topics.includes(TOPIC), `still listed: ${topics.join(',')}`);
  assert.ok(topics.includes('kjs-from-yak'), 'other topics are untouched');
  const res = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--from-beginning', '--idle-timeout-ms', '500']);
  assert.is.not(res.code, 0);
  assert.match(res.stderr, 'does not exist');
});

test('consumer group: two kafkajs consumers share a topic and commit; one leaves, the other takes all; a new member resumes from the commits', async () => {
  const topic = 'kjs-group';
  const groupId = 'kjs-readers';
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  // A producer of its own: the shared one still targets the topic an earlier test deleted.
  const groupProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await groupProducer.connect();
  const send = (prefix: string, n: number) =>
    groupProducer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `${prefix}${i}` })) });

  /** Received values, and each consumer's latest assignment; `until` resolves when a condition on them holds. */
  const received: string[] = [];
  const assigned = new Map<string, number[]>();
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  const changed = () => {
    for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1)[0]!.resolve();
  };
  const until = (check: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify({ received: received.length, assigned: [...assigned] })}`)), 20_000);
      waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
      changed();
    });

  async function member(name: string) {
    const c = kafka.consumer({ groupId, sessionTimeout: 3000, rebalanceTimeout: 5000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    c.on(c.events.GROUP_JOIN, (e) => {
      assigned.set(name, e.payload.memberAssignment[topic] ?? []);
      changed();
    });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        received.push(message.value!.toString());
        changed();
      },
    });
    return c;
  }

  await send('a', 40);
  const c1 = await member('c1');
  const c2 = await member('c2');
  try {
    await until(() => assigned.get('c1')?.length === 2 && assigned.get('c2')?.length === 2, 'a 2/2 split');
    assert.equal([...assigned.get('c1')!, ...assigned.get('c2')!].sort(), [0, 1, 2, 3]);
    await until(() => received.length >= 40, 'the first 40 records');

    await c1.disconnect(); // commits, then LeaveGroup
    await until(() => assigned.get('c2')?.length === 4, 'c2 taking all four partitions');
    await send('b', 20);
    await until(() => received.filter((v) => v.startsWith('b')).length === 20, 'the next 20 records');
  } finally {
    await c1.disconnect();
    await c2.disconnect();
  }
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  assert.is(committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0), 60, 'every record consumed is committed');

  await send('c', 10);
  const c3 = await member('c3');
  try {
    await until(() => received.filter((v) => v.startsWith('c')).length === 10, 'the 10 records sent while no one consumed');
  } finally {
    await c3.disconnect();
    await groupProducer.disconnect();
  }
  assert.is(received.length, 70, 'no record delivered twice: each member started from the last commit');
  assert.is(new Set(received).size, 70);
});

test('admin.createPartitions grows a topic that then takes records on its new partitions; admin.describeConfigs shows the topic and broker configs', async () => {
  const topic = 'kjs-grow';
  await admin.createTopics({ topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'min.insync.replicas', value: '1' }] }], waitForLeaders: true });
  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.equal(offsets.map((o) => o.partition).sort(), [0, 1, 2, 3]);
  const shrink = await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }).catch((e: Error) => e);
  assert.instance(shrink, Error, 'fewer partitions than now is refused');
  assert.match((shrink as Error).message, /partitions/i);

  const grownProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await grownProducer.connect();
  try {
    const meta = await grownProducer.send({ topic, messages: [{ value: 'on-3', partition: 3 }] });
    assert.equal([meta[0]!.partition, meta[0]!.baseOffset], [3, '0']);
  } finally {
    await grownProducer.disconnect();
  }

  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
  const entries = new Map(described.resources[0]!.configEntries.map((e) => [e.configName, e]));
  assert.is(entries.get('min.insync.replicas')?.configValue, '1');
  assert.is(entries.get('min.insync.replicas')?.isDefault, false);
  assert.is(entries.get('cleanup.policy')?.configValue, 'delete');
  assert.is(entries.get('cleanup.policy')?.isDefault, true);
  const missing = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'no-such-topic' }] }).catch((e: Error) => e);
  assert.instance(missing, Error, 'an unknown topic is an error');
});

test.run();
