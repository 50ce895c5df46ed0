/**
 * Follower fetching (KIP-392) on `yak up --racks a,b,c --replica-selector rack-aware`: a consumer in
 * rack b fetching from the leader (rack a) is told to read from broker-2 (rack b) and gets no records
 * there; the follower serves consumers (Fetch v11+) up to its high watermark, never past what the
 * leader committed; librdkafka with client.rack=b consumes everything from the follower.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { DescribeProducersApi } from '../../src/protocol/apis/describe-producers.js';
import { FetchApi, type FetchPartitionResponse } from '../../src/protocol/apis/fetch.js';
import { decodeRecordBatches } from '../../src/protocol/record-batch.js';
import { Consumer } from '../../src/client/consumer.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientFor, connectTo, produceRaw, waitFor } from '../helpers/failover.js';
import { runProcess } from '../helpers/wire.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const test = suite('follower fetching');
const TOPIC = 'rack-reads';
const COUNT = 30;
let cluster: TestCluster;
const conns = new Map<number, Connection>();

test.before(async () => {
  cluster = await startCluster({ brokers: 3, racks: ['a', 'b', 'c'], brokerArgs: ['--replica-selector', 'rack-aware'] });
  for (const id of [1, 2, 3]) conns.set(id, await connectTo(cluster, id));
  // Led by broker-1 (rack a), followed by broker-2 (rack b) and broker-3 (rack c).
  const created = await conns.get(1)!.request(CreateTopicsApi, 4, {
    topics: [{ name: TOPIC, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }], configs: [] }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  assert.is(created.topics[0]!.errorCode, ErrorCode.NONE);
  await waitFor('broker-1 leads the partition', async () => (await produceRaw(conns.get(1)!, TOPIC, 0, ['r0'], -1)).errorCode === ErrorCode.NONE, { timeoutMs: 15_000 });
  for (let i = 1; i < COUNT; i += 5) assert.is((await produceRaw(conns.get(1)!, TOPIC, 0, [1, 2, 3, 4, 5].map((j) => `r${i + j - 1}`).slice(0, COUNT - i), -1)).errorCode, ErrorCode.NONE);
});

test.after(async () => {
  for (const c of conns.values()) c.close();
  await cluster?.destroy();
});

/** One consumer Fetch (replica id -1) of partition 0 at `offset`, with the consumer's rack. */
async function fetchFrom(id: number, offset: number, rackId: string, version = 11): Promise<FetchPartitionResponse> {
  const res = await conns.get(id)!.request(FetchApi, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId,
  });
  return res.responses[0]!.partitions[0]!;
}

const values = (p: FetchPartitionResponse) => decodeRecordBatches(p.records ?? Buffer.alloc(0)).flatMap((b) => b.records.map((r) => r.value!.toString()));

test('the leader sends a consumer in rack b to broker-2 (no records); in its own rack, or without a rack, it answers itself', async () => {
  const toB = await waitFor('broker-2 in sync and named', async () => {
    const p = await fetchFrom(1, 0, 'b');
    return p.preferredReadReplica === 2 ? p : null;
  }, { timeoutMs: 15_000 });
  assert.is(toB.errorCode, ErrorCode.NONE);
  assert.is(toB.records?.length ?? 0, 0, 'no records with a preferred read replica');
  assert.is(toB.highWatermark, COUNT);
  assert.is((await fetchFrom(1, 0, 'c')).preferredReadReplica, 3);
  for (const rack of ['a', '', 'nowhere']) {
    const here = await fetchFrom(1, 0, rack);
    assert.is(here.preferredReadReplica, -1, `rack "${rack}"`);
    assert.is(values(here).length, COUNT);
  }
});

test('broker-2 serves the consumer up to its high watermark; past the leader\'s log end is OFFSET_OUT_OF_RANGE; Fetch v10 still needs the leader', async () => {
  const served = await waitFor('broker-2 high watermark reaches the leader\'s', async () => {
    const p = await fetchFrom(2, 0, 'b');
    return p.highWatermark === COUNT ? p : null;
  }, { timeoutMs: 15_000 });
  assert.is(served.errorCode, ErrorCode.NONE);
  assert.is(served.preferredReadReplica, -1);
  assert.equal(values(served), Array.from({ length: COUNT }, (_, i) => `r${i}`));
  assert.is((await fetchFrom(2, COUNT + 100, 'b')).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.is((await fetchFrom(2, 0, 'b', 10)).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'before v11 consumers read from the leader only');
  const producers = await conns.get(2)!.request(DescribeProducersApi, 0, { topics: [{ name: TOPIC, partitionIndexes: [0] }] });
  assert.is(producers.topics[0]!.partitions[0]!.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'DescribeProducers is answered by the leader only');
});

test('librdkafka with client.rack=b reads every record, from broker-2', async () => {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (!probe || probe.code !== 0) {
    console.log('  skipped: librdkafka follower-fetch test needs Debian package python3-confluent-kafka');
    return;
  }
  const res = await runProcess('/usr/bin/python3', [path.join(FIXTURES, 'librdkafka-follower-fetch.py'), cluster.bootstrap, TOPIC, 'b', String(COUNT)], { timeoutMs: 90_000 });
  assert.is(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { values: string[]; recordsByBroker: Record<string, number>; preferred: string[] };
  assert.equal(out.values, Array.from({ length: COUNT }, (_, i) => `r${i}`));
  assert.equal(out.recordsByBroker, { '2': COUNT }, 'every record from broker-2, none from the leader');
  assert.ok(out.preferred.some((l) => /preferred replica/.test(l)), out.preferred.join('\n'));
});

test("YaK's consumer with clientRack c reads every record from broker-3; yak consume --client-rack prints them", async () => {
  const client = clientFor(cluster.bootstrap, 'rack-c-consumer');
  const fetchedFrom: number[] = [];
  const send = client.sendToLeader.bind(client);
  // Which broker each fetch goes to (the consumer fetches through sendToLeader only).
  client.sendToLeader = (nodeId, ...rest) => {
    fetchedFrom.push(nodeId);
    return send(nodeId, ...rest);
  };
  const consumer = new Consumer(client, { topic: TOPIC, start: 'earliest', clientRack: 'c', maxWaitMs: 100 });
  try {
    await consumer.start();
    const got: string[] = [];
    await waitFor('every record', async () => {
      for (const r of await consumer.poll(500)) got.push(r.value!.toString());
      return got.length >= COUNT;
    }, { timeoutMs: 20_000 });
    assert.equal(got, Array.from({ length: COUNT }, (_, i) => `r${i}`));
    assert.is(fetchedFrom[0], 1, 'first to the leader');
    assert.ok(fetchedFrom.slice(1).length > 0 && fetchedFrom.slice(1).every((id) => id === 3), `then only broker-3: ${fetchedFrom.join(',')}`);
  } finally {
    consumer.close();
    client.close();
  }
  const printed = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--from-beginning', '--client-rack', 'b', '--max-messages', String(COUNT), '--idle-timeout-ms', '5000']);
  assert.is(printed.code, 0, printed.stderr);
  assert.is(printed.stdout.trim().split('\n').length, COUNT);
});

test.run();
