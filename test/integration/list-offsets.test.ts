/**
 * ListOffsets at its newest versions against a real broker: -3 finds the record with the largest
 * timestamp (KIP-734), every answer carries the leader epoch of its offset, and a stale current leader
 * epoch is fenced.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { ListOffsetsApi } from '../../src/protocol/apis/list-offsets.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectBroker } from '../helpers/wire.js';

const test = suite('list offsets');
let cluster: TestCluster;
let conn: Connection;
const TOPIC = 'list-offsets';
const T0 = Date.now() - 60_000;

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  conn = await connectBroker(cluster, 1);
  const created = await conn.request(CreateTopicsApi, 3, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
  // Offsets 0-2 at T0+10, T0+30 (the largest), T0+20; then offset 3 at T0+5.
  for (const timestamps of [[10, 30, 20], [5]]) {
    const records = encodeRecordBatch(timestamps.map((t) => ({ key: null, value: Buffer.from(String(t)), timestamp: T0 + t })));
    const res = await conn.request(ProduceApi, 7, { acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
    assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  }
});

test.after(async () => {
  conn?.close();
  await cluster?.destroy();
});

async function listOffsets(version: number, timestamp: number, currentLeaderEpoch = -1) {
  const res = await conn.request(ListOffsetsApi, version, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp }] }] });
  return res.topics[0]!.partitions[0]!;
}

test('-3 is the record with the largest timestamp; latest, earliest and by-time answers carry the leader epoch', async () => {
  const md = await conn.request(MetadataApi, 4, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false });
  assert.is(md.topics[0]!.partitions[0]!.errorCode, 0);
  const max = await listOffsets(ListOffsetsApi.maxVersion, -3);
  assert.is(max.errorCode, ErrorCode.NONE);
  assert.is(max.offset, 1);
  assert.is(max.timestamp, T0 + 30);
  const epoch = max.leaderEpoch!;
  assert.ok(epoch >= 0, `leader epoch ${epoch}`);
  const latest = await listOffsets(4, -1);
  assert.equal([latest.offset, latest.leaderEpoch], [4, epoch]);
  const earliest = await listOffsets(4, -2);
  assert.equal([earliest.offset, earliest.leaderEpoch], [0, epoch]);
  const byTime = await listOffsets(4, T0 + 25);
  assert.equal([byTime.offset, byTime.timestamp, byTime.leaderEpoch], [1, T0 + 30, epoch]);
  assert.is((await listOffsets(4, -1, epoch + 1)).errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH, 'an epoch this leader does not know yet');
});

test.run();
