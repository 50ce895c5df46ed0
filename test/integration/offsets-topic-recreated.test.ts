/**
 * The coordinator's `__consumer_offsets` writer (client/offsets-topic-producer.ts) when an admin
 * deletes the topic and it is created again: once its producer has learnt the topic is gone, a
 * write must not throw (the throw went out of the OffsetCommit that wrote the records, and the
 * client got COORDINATOR_NOT_AVAILABLE; found by `npm run fuzz -- --seed 20261201`): its records
 * wait, and reach the new topic once it exists, in order. The writer runs in this process, against
 * a real 1-broker cluster, so the test can wait for exactly that moment.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Admin } from '../../src/client/admin.js';
import { GroupAdmin } from '../../src/client/group-admin.js';
import type { KafkaClient } from '../../src/client/kafka-client.js';
import { OffsetsTopicProducer } from '../../src/client/offsets-topic-producer.js';
import { CONSUMER_OFFSETS_TOPIC } from '../../src/common/topic-name.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientFor, connectTo, createTopic, waitFor } from '../helpers/failover.js';
import { fetchAll } from '../helpers/wire.js';

const test = suite('__consumer_offsets writer: the topic deleted and created again');
let cluster: TestCluster;
let client: KafkaClient;
let writer: OffsetsTopicProducer | undefined;
const warnings: string[] = [];

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  client = clientFor(cluster.bootstrap, 'offsets-recreated-test');
  await createTopic(cluster.bootstrap, 'seen', 1, 1);
});

test.after(async () => {
  await writer?.close();
  client?.close();
  await cluster?.destroy();
});

/** A group commit through the cluster: its coordinator writes __consumer_offsets (creating it if missing). */
const commitSomething = (groupId: string) => new GroupAdmin(client).commitOffsets(groupId, 'seen', new Map([[0, 0]]));

/** The values of this test's records (keys `writer-test`) in partition 0 of the topic, in order. */
async function ours(): Promise<string[]> {
  const conn = await connectTo(cluster, 1);
  try {
    return (await fetchAll(conn, CONSUMER_OFFSETS_TOPIC, 0)).filter((r) => r.key?.toString() === 'writer-test').map((r) => r.value!.toString());
  } finally {
    conn.close();
  }
}

const record = (value: string) => ({ partition: 0, key: Buffer.from('writer-test'), value: Buffer.from(value) });

test('a write after the producer learnt the topic is gone does not throw; its records reach the new topic, in order', async () => {
  await commitSomething('creates-the-topic');
  const broker = cluster.file.brokers[0]!;
  writer = new OffsetsTopicProducer({ ensureTopic: () => null, brokers: () => [{ host: broker.host, port: broker.port }] }, { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) });
  writer.write([record('before')]);
  await waitFor('the first record', async () => (await ours()).length === 1, { timeoutMs: 20_000 });

  await new Admin(client).deleteTopic(CONSUMER_OFFSETS_TOPIC);
  // Sent to the deleted topic: refused, retried; each retry refreshes the producer's metadata.
  writer.write([record('while-deleted')]);
  const writersClient = () => (writer as unknown as { client: KafkaClient }).client;
  await waitFor('the writer\'s producer to learn the topic is gone', () => (writersClient().partitions(CONSUMER_OFFSETS_TOPIC)?.length ?? 0) === 0, { timeoutMs: 20_000 });

  assert.not.throws(() => writer!.write([record('after-learnt'), record('after-learnt-2')]), 'the commit that writes this must not fail');

  await commitSomething('recreates-the-topic');
  const values = await waitFor('every record in the new topic', async () => {
    const v = await ours().catch(() => []);
    return v.length >= 3 && v;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  assert.equal(values, ['while-deleted', 'after-learnt', 'after-learnt-2']);
});

test.run();
