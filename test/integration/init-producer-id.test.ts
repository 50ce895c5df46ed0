/**
 * InitProducerId v3+ against a real broker: without a transactional id every request gets a new id at
 * epoch 0, whatever id and epoch it names (as in Kafka); a producer that bumps its own epoch (KIP-360)
 * is taken from sequence 0 again by every partition, which then fences the old epoch.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { DescribeProducersApi } from '../../src/protocol/apis/describe-producers.js';
import { InitProducerIdApi } from '../../src/protocol/apis/init-producer-id.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectBroker } from '../helpers/wire.js';

const test = suite('init producer id');
let cluster: TestCluster;
let conn: Connection;
const TOPIC = 'producer-epochs';

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  conn = await connectBroker(cluster, 1);
  const created = await conn.request(CreateTopicsApi, 3, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
});

test.after(async () => {
  conn?.close();
  await cluster?.destroy();
});

async function produce(producerId: number, producerEpoch: number, baseSequence: number): Promise<number> {
  const records = encodeRecordBatch([{ key: null, value: Buffer.from(`${producerEpoch}/${baseSequence}`), timestamp: Date.now() }], { producerId, producerEpoch, baseSequence });
  const res = await conn.request(ProduceApi, 11, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!.errorCode;
}

test('a request naming an id and epoch gets a new id; a producer bumping its own epoch restarts its sequence and fences the old epoch', async () => {
  const first = await conn.request(InitProducerIdApi, 5, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
  assert.is(first.errorCode, ErrorCode.NONE);
  assert.is(first.producerEpoch, 0);
  const id = first.producerId;
  assert.is(await produce(id, 0, 0), ErrorCode.NONE);
  assert.is(await produce(id, 0, 1), ErrorCode.NONE);

  const named = await conn.request(InitProducerIdApi, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: id, producerEpoch: 0 });
  assert.is(named.errorCode, ErrorCode.NONE);
  assert.ok(named.producerId !== id && named.producerEpoch === 0, 'a new id at epoch 0');
  assert.is(await produce(id, 1, 0), ErrorCode.NONE, 'the bumped epoch starts at sequence 0');
  assert.is(await produce(id, 0, 2), ErrorCode.INVALID_PRODUCER_EPOCH, 'the old epoch is fenced');

  const half = await conn.request(InitProducerIdApi, 3, { transactionalId: null, transactionTimeoutMs: 60000, producerId: id, producerEpoch: -1 });
  assert.is(half.errorCode, ErrorCode.INVALID_REQUEST);
  const old = await conn.request(InitProducerIdApi, 2, { transactionalId: null, transactionTimeoutMs: 60000, producerId: id, producerEpoch: 5 });
  assert.is(old.producerEpoch, 0, 'v2 carries no id: a new producer');
});

test('two new producers naming id 0 epoch 0 (as @platformatic/kafka 1.x does) get different ids, so neither loses records to the other', async () => {
  const ask = () => conn.request(InitProducerIdApi, 5, { transactionalId: null, transactionTimeoutMs: 60000, producerId: 0, producerEpoch: 0 });
  const [a, b] = [await ask(), await ask()];
  assert.is(a.errorCode, ErrorCode.NONE);
  assert.is(b.errorCode, ErrorCode.NONE);
  assert.is.not(a.producerId, b.producerId);
  assert.is(await produce(a.producerId, a.producerEpoch, 0), ErrorCode.NONE);
  assert.is(await produce(b.producerId, b.producerEpoch, 0), ErrorCode.NONE, 'the second producer\'s first batch is stored, not taken for a duplicate');
});

test('DescribeProducers v0 lists the partition leader\'s idempotent producers with their epoch and last sequence; an unknown partition gets its error', async () => {
  const { producerId } = await conn.request(InitProducerIdApi, 5, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
  const before = Date.now();
  for (let seq = 0; seq < 3; seq++) assert.is(await produce(producerId, 0, seq), ErrorCode.NONE);
  const res = await conn.request(DescribeProducersApi, 0, { topics: [{ name: TOPIC, partitionIndexes: [0, 9] }, { name: 'no-such-topic', partitionIndexes: [0] }] });
  const [p0, p9] = res.topics[0]!.partitions;
  assert.is(p0!.errorCode, ErrorCode.NONE);
  const mine = p0!.activeProducers.find((a) => a.producerId === producerId);
  assert.ok(mine, 'the producer is listed');
  assert.equal({ ...mine, lastTimestamp: 0 }, { producerId, producerEpoch: 0, lastSequence: 2, lastTimestamp: 0, coordinatorEpoch: -1, currentTxnStartOffset: -1 });
  assert.ok(mine!.lastTimestamp >= before - 1000 && mine!.lastTimestamp <= Date.now() + 1000, `last timestamp ${mine!.lastTimestamp}`);
  assert.equal(p9, { partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] });
  assert.is(res.topics[1]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});

test.run();
