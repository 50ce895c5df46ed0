/**
 * A small request cannot make a broker build a huge response (found by the wire fuzzer, which grew
 * brokers by 250 MB with requests listing one partition thousands of times): a Fetch carries at most
 * fetch.max.bytes whatever maxBytes it asks, and a topic, partition, config resource or group named
 * several times in one request is answered once, as in Kafka.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchMaxBytes } from '../../src/common/limits.js';
import { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { DescribeConfigsApi } from '../../src/protocol/apis/describe-configs.js';
import { DescribeGroupsApi } from '../../src/protocol/apis/describe-groups.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectBroker } from '../helpers/wire.js';

const test = suite('response bounds');
let cluster: TestCluster;
let conn: Connection;
const TOPIC = 'fetch-bounds';
const BATCH_BYTES = 512 * 1024;
const BATCHES = 8; // 4 MiB in the partition

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  conn = await connectBroker(cluster, 1);
  const created = await conn.request(CreateTopicsApi, 3, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
  for (let i = 0; i < BATCHES; i++) {
    const batch = encodeRecordBatch([{ key: null, value: Buffer.alloc(BATCH_BYTES, i), timestamp: Date.now() }]);
    const res = await conn.request(ProduceApi, 7, { acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] });
    assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  }
});

test.after(async () => {
  conn?.close();
  await cluster?.destroy();
});

function fetch(copies: number, maxBytes: number, partitionMaxBytes: number) {
  return conn.request(FetchApi, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: Array.from({ length: copies }, () => ({ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes })) }],
    forgottenTopicsData: [],
    rackId: '',
  });
}

const recordBytes = (res: Awaited<ReturnType<typeof fetch>>) => res.responses.flatMap((t) => t.partitions).reduce((n, p) => n + (p.records?.length ?? 0), 0);

test(`one partition listed 40 times with maxBytes and partitionMaxBytes 2^31-1 is answered once, within fetch.max.bytes (${fetchMaxBytes} bytes)`, async () => {
  const res = await fetch(40, 0x7fffffff, 0x7fffffff);
  const bytes = recordBytes(res);
  assert.ok(bytes <= fetchMaxBytes, `${bytes} record bytes in one response`);
  assert.is(res.responses.length, 1);
  assert.is(res.responses[0]!.partitions.length, 1, 'one answer for the partition');
  assert.ok(bytes >= BATCHES * BATCH_BYTES && bytes < 2 * BATCHES * BATCH_BYTES, `${bytes} bytes: the whole partition, once`);
});

test('Metadata naming a topic 5000 times describes it once; DescribeConfigs and DescribeGroups answer each resource and group once', async () => {
  const md = await conn.request(MetadataApi, 4, { topics: Array.from({ length: 5000 }, () => ({ name: TOPIC })), allowAutoTopicCreation: false });
  assert.equal(md.topics.map((t) => t.name), [TOPIC]);
  const configs = await conn.request(DescribeConfigsApi, 2, { resources: Array.from({ length: 1000 }, () => ({ resourceType: 2, resourceName: TOPIC, configurationKeys: null })), includeSynonyms: false });
  assert.is(configs.results.length, 1);
  const groups = await conn.request(DescribeGroupsApi, 2, { groups: ['g1', 'g2', 'g1', 'g1', 'g2'] });
  assert.equal(groups.groups.map((g) => g.groupId), ['g1', 'g2']);
});

test('the first partition with data is capped by the request maxBytes too, and still gets one whole batch when maxBytes is smaller', async () => {
  const small = await fetch(1, 1000, 0x7fffffff);
  assert.is(small.responses[0]!.partitions[0]!.records!.length > BATCH_BYTES, true, 'one batch, though larger than maxBytes (KIP-74)');
  assert.ok(recordBytes(small) < 2 * BATCH_BYTES, `${recordBytes(small)} bytes: one batch, not the partition`);
});

test('after the first partition with data, a partition gets only the whole batches within its own partitionMaxBytes (KIP-74)', async () => {
  const topic = 'fetch-bounds-two';
  const created = await conn.request(CreateTopicsApi, 3, { topics: [{ name: topic, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
  for (const index of [0, 1]) {
    const batch = encodeRecordBatch([{ key: null, value: Buffer.alloc(4096, index), timestamp: Date.now() }]);
    const res = await conn.request(ProduceApi, 7, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index, records: batch }] }] });
    assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  }
  const res = await conn.request(FetchApi, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [0, 1].map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1000 })) }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const [first, second] = res.responses[0]!.partitions;
  assert.ok(first!.records!.length > 4096, 'the first partition: its first batch, though larger than partitionMaxBytes');
  assert.is(second!.records!.length, 0, 'the second partition: its batch does not fit its 1000 bytes');
  assert.is(second!.highWatermark, 1);
});

test('a fetch that read some bytes, waited for minBytes and was woken by another partition stays within its maxBytes', async () => {
  const topic = 'fetch-bounds-woken';
  const created = await conn.request(CreateTopicsApi, 3, { topics: [{ name: topic, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
  const produce = (c: Connection, index: number) =>
    c.request(ProduceApi, 7, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index, records: encodeRecordBatch([{ key: null, value: Buffer.alloc(4096, index), timestamp: Date.now() }]) }] }] });
  assert.is((await produce(conn, 0)).responses[0]!.partitionResponses[0]!.errorCode, 0);
  const maxBytes = 6000;
  // 4 KiB of partition 0 is less than minBytes: the fetch waits, and partition 1's batch wakes it.
  const fetching = conn.request(FetchApi, 11, {
    replicaId: -1,
    maxWaitMs: 5000,
    minBytes: 1024 * 1024,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [0, 1].map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1024 * 1024 })) }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const other = await connectBroker(cluster, 1);
  try {
    await new Promise((r) => setTimeout(r, 200));
    assert.is((await produce(other, 1)).responses[0]!.partitionResponses[0]!.errorCode, 0);
  } finally {
    other.close();
  }
  const [first, second] = (await fetching).responses[0]!.partitions;
  assert.ok(first!.records!.length > 4096, "partition 0's batch");
  assert.is(second!.records!.length, 0, "partition 1's batch does not fit what is left of maxBytes");
  assert.ok(recordBytes(await fetching) <= maxBytes, `${recordBytes(await fetching)} bytes, more than maxBytes ${maxBytes}`);
});

test.run();
