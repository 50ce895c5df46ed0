/**
 * KIP-951 against a real cluster: a Produce (v10+) or Fetch (v12+) sent to a broker that does not lead
 * the partition is answered NOT_LEADER_OR_FOLLOWER with the current leader and its epoch, and (Produce
 * v10+, Fetch v16+) that leader's address, so the client need not refresh metadata first. Fetch v13+
 * names topics by id: an id no topic has is UNKNOWN_TOPIC_ID. Fetch's leader epochs at the leader:
 * a current_leader_epoch it does not know is UNKNOWN_LEADER_EPOCH, an older one FENCED_LEADER_EPOCH, and (v12+) a last_fetched_epoch and
 * fetch offset past its log get a diverging epoch instead of records (KIP-595).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Admin } from '../../src/client/admin.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { FetchApi, type FetchRequest } from '../../src/protocol/apis/fetch.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientFor, waitFor } from '../helpers/failover.js';
import { connectBroker, leaders } from '../helpers/wire.js';

const test = suite('leader hints');
let cluster: TestCluster;
let conns: Connection[] = [];
const TOPIC = 'leader-hints';

test.before(async () => {
  cluster = await startCluster({ brokers: 2 });
  conns = [await connectBroker(cluster, 1), await connectBroker(cluster, 2)];
  const created = await conns[0]!.request(CreateTopicsApi, 3, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
  // The creating broker answers once it knows the topic; the other learns it from the coordinator a
  // moment later (as in Kafka), and the tests below ask both.
  for (const conn of conns) await waitFor(`broker knows ${TOPIC}`, async () => ((await leaders(conn, TOPIC).catch(() => null))?.get(0) ?? -1) >= 0);
});

test.after(async () => {
  for (const c of conns) c.close();
  await cluster?.destroy();
});

const fetchRequest = (topics: FetchRequest['topics']): FetchRequest => ({ replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics, forgottenTopicsData: [], rackId: '' });

test('Produce v11 and Fetch v12 to a broker that does not lead the partition name the leader, its epoch and (Produce) its address', async () => {
  const leader = (await leaders(conns[0]!, TOPIC)).get(0)!;
  const other = leader === 1 ? 2 : 1;
  const address = cluster.file.brokers.find((b) => b.id === leader)!;
  const wrong = conns[other - 1]!;

  const records = encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: Date.now() }]);
  const produced = await wrong.request(ProduceApi, 11, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
  const p = produced.responses[0]!.partitionResponses[0]!;
  assert.is(p.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.is(p.currentLeader!.leaderId, leader);
  assert.ok(p.currentLeader!.leaderEpoch >= 0, `leader epoch ${p.currentLeader!.leaderEpoch}`);
  assert.equal(produced.nodeEndpoints, [{ nodeId: leader, host: address.host, port: address.port, rack: null }]);

  const fetched = await wrong.request(FetchApi, 12, fetchRequest([{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }]));
  const f = fetched.responses[0]!.partitions[0]!;
  assert.is(f.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal(f.currentLeader, p.currentLeader);

  // The leader itself answers without a hint.
  const ok = await conns[leader - 1]!.request(ProduceApi, 11, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
  assert.is(ok.responses[0]!.partitionResponses[0]!.errorCode, 0);
  assert.equal(ok.responses[0]!.partitionResponses[0]!.currentLeader, { leaderId: -1, leaderEpoch: -1 });
  assert.equal(ok.nodeEndpoints, []);
});

test('Fetch v16 by topic id (from Metadata v12): the leader answers records under the id; another broker names the leader, its epoch (as Metadata has it) and its address', async () => {
  const md = await conns[0]!.request(MetadataApi, 12, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const topicId = md.topics[0]!.topicId!;
  const { leaderId: leader, leaderEpoch } = md.topics[0]!.partitions[0]!;
  const partitions = [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }];
  const fromLeader = await conns[leader - 1]!.request(FetchApi, 16, fetchRequest([{ topic: '', topicId, partitions }]));
  assert.is(fromLeader.responses[0]!.topicId, topicId);
  assert.is(fromLeader.responses[0]!.partitions[0]!.errorCode, 0);
  assert.ok(fromLeader.responses[0]!.partitions[0]!.records!.length > 0, 'the record produced above');
  const other = leader === 1 ? 2 : 1;
  const fromOther = await conns[other - 1]!.request(FetchApi, 16, fetchRequest([{ topic: '', topicId, partitions }]));
  const p = fromOther.responses[0]!.partitions[0]!;
  assert.is(p.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal(p.currentLeader, { leaderId: leader, leaderEpoch });
  const address = cluster.file.brokers.find((b) => b.id === leader)!;
  assert.equal(fromOther.nodeEndpoints, [{ nodeId: leader, host: address.host, port: address.port, rack: null }]);
});

test('Fetch v16 naming a topic id no topic has: UNKNOWN_TOPIC_ID, answered under that id', async () => {
  const id = '7e57a11d-0000-4000-8000-000000000000';
  const res = await conns[0]!.request(FetchApi, 16, fetchRequest([{ topic: '', topicId: id, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }]));
  assert.is(res.responses[0]!.topicId, id);
  assert.is(res.responses[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
});

test('Fetch v12 at the leader: a current leader epoch ahead of its own is UNKNOWN_LEADER_EPOCH, behind it FENCED_LEADER_EPOCH; a fetcher whose last epoch or offset is not on its log gets a diverging epoch and no records', async () => {
  const md = await conns[0]!.request(MetadataApi, 12, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const { leaderId: leader } = md.topics[0]!.partitions[0]!;
  const leaderEpoch = md.topics[0]!.partitions[0]!.leaderEpoch ?? -1;
  assert.ok(leaderEpoch >= 0);
  const conn = conns[leader - 1]!;
  const fetchAt = async (p: { currentLeaderEpoch?: number; fetchOffset: number; lastFetchedEpoch?: number }, version = 12) =>
    (await conn.request(FetchApi, version, fetchRequest([{ topic: TOPIC, partitions: [{ partition: 0, partitionMaxBytes: 1 << 20, ...p }] }]))).responses[0]!.partitions[0]!;
  const end = (await fetchAt({ fetchOffset: 0 })).highWatermark;
  assert.ok(end > 0, 'the records produced above');

  assert.is((await fetchAt({ currentLeaderEpoch: leaderEpoch + 1, fetchOffset: 0 })).errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH);
  const agreeing = await fetchAt({ currentLeaderEpoch: leaderEpoch, fetchOffset: end, lastFetchedEpoch: leaderEpoch });
  assert.is(agreeing.errorCode, 0);
  assert.equal(agreeing.divergingEpoch, { epoch: -1, endOffset: -1 }, 'at the log end, in its epoch: no divergence');

  const longer = await fetchAt({ currentLeaderEpoch: leaderEpoch, fetchOffset: end + 5, lastFetchedEpoch: leaderEpoch });
  assert.is(longer.errorCode, 0);
  assert.equal(longer.divergingEpoch, { epoch: leaderEpoch, endOffset: end }, 'a tail past the log end, in the same epoch');
  assert.is(longer.records!.length, 0);
  const newer = await fetchAt({ fetchOffset: end, lastFetchedEpoch: leaderEpoch + 3 });
  assert.equal(newer.divergingEpoch, { epoch: leaderEpoch, endOffset: end }, 'an epoch the leader never had: where its largest older one ends');
  assert.is((await fetchAt({ fetchOffset: end + 5, lastFetchedEpoch: leaderEpoch }, 11)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, 'v11 has no last fetched epoch: out of range');

  // A reassignment to the same replica bumps the leader epoch, leadership staying: the old epoch is now fenced.
  const client = clientFor(cluster.bootstrap, 'leader-hints-test');
  try {
    await new Admin(client).movePartitions(TOPIC, [0], [leader]);
  } finally {
    client.close();
  }
  await waitFor('the leader at the next epoch', async () => (await fetchAt({ currentLeaderEpoch: leaderEpoch + 1, fetchOffset: 0 })).errorCode === 0, { timeoutMs: 10_000 });
  assert.is((await fetchAt({ currentLeaderEpoch: leaderEpoch, fetchOffset: 0 })).errorCode, ErrorCode.FENCED_LEADER_EPOCH);
});

test.run();
