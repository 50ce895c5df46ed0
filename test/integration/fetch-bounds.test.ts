/**
 * A Fetch's response is bounded by the broker (Kafka's `fetch.max.bytes`), whatever maxBytes and
 * partitionMaxBytes the client asks for and however often it lists a partition: found by the wire
 * fuzzer, which grew brokers by 250 MB with Fetch requests listing one partition a thousand times.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchMaxBytes } from '../../src/common/limits.js';
import { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectBroker } from '../helpers/wire.js';

const test = suite('fetch bounds');
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

test(`one partition listed 40 times with maxBytes and partitionMaxBytes 2^31-1 gets at most fetch.max.bytes (${fetchMaxBytes} bytes) of records`, async () => {
  const res = await fetch(40, 0x7fffffff, 0x7fffffff);
  const bytes = recordBytes(res);
  assert.ok(bytes <= fetchMaxBytes, `${bytes} record bytes in one response`);
  assert.ok(bytes >= BATCHES * BATCH_BYTES, 'the whole partition, at least once');
});

test('the first partition with data is capped by the request maxBytes too, and still gets one whole batch when maxBytes is smaller', async () => {
  const small = await fetch(1, 1000, 0x7fffffff);
  assert.is(small.responses[0]!.partitions[0]!.records!.length > BATCH_BYTES, true, 'one batch, though larger than maxBytes (KIP-74)');
  assert.ok(recordBytes(small) < 2 * BATCH_BYTES, `${recordBytes(small)} bytes: one batch, not the partition`);
});

test.run();
