/**
 * Flexible versions against a live 3-broker cluster. FindCoordinator v4 (several keys). Metadata at
 * the versions Kafka 3.9 serves: leader epochs (v7),
 * offline replicas (v5), topic ids (v10) and topics asked for by id (v12), authorized operations
 * (v8-10), `__consumer_offsets` never auto-created as an ordinary topic; YaK's own client negotiating
 * the flexible v12; @platformatic/kafka 1.x (flexible versions only) reading the metadata.
 */
import { Admin as PlatformaticAdmin } from '@platformatic/kafka';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientVersions } from '../../src/client/kafka-client.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { FindCoordinatorApi } from '../../src/protocol/apis/find-coordinator.js';
import { AUTHORIZED_OPERATIONS_OMITTED, MetadataApi, type MetadataRequest } from '../../src/protocol/apis/metadata.js';
import { ZERO_UUID } from '../../src/protocol/schema.js';
import type { TestCluster } from '../helpers/cluster.js';
import { clientFor, clusterWithTopic, connectTo, coordinatorMetadata, destroyAndCheck, partitionOf, waitFor } from '../helpers/failover.js';

const test = suite('flexible versions against a 3-broker cluster: FindCoordinator v4, Metadata v0-12, clients that speak them');
const TOPIC = 'md-versions';
let cluster: TestCluster;
let conn: Connection;

test.before(async () => {
  cluster = await clusterWithTopic(2000, TOPIC, 3, 3);
  conn = await connectTo(cluster, 1);
  await conn.negotiateVersions();
});

test.after(async () => {
  conn?.close();
  await destroyAndCheck(cluster);
});

const ask = (version: number, req: Partial<MetadataRequest> = {}) =>
  conn.request(MetadataApi, version, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false, ...req });

test('v7+ carries the leader epoch the coordinator tracks; v10+ the topic id it keeps; both stable across versions', async () => {
  const truth = (await coordinatorMetadata(cluster)).topics.find((t) => t.name === TOPIC)!;
  for (const v of [7, 9, 10, 12]) {
    const t = (await ask(v)).topics[0]!;
    assert.is(t.errorCode, ErrorCode.NONE);
    for (const p of t.partitions) assert.is(p.leaderEpoch, truth.partitions[p.partitionIndex]!.leaderEpoch, `v${v} partition ${p.partitionIndex}`);
    assert.is(t.topicId, v >= 10 ? truth.id : ZERO_UUID, `v${v} topic id`);
  }
  assert.is((await ask(5)).topics[0]!.partitions[0]!.leaderEpoch, -1, 'v5 has no leader epoch');
});

test('v12 finds a topic by id (null name); an unknown id is UNKNOWN_TOPIC_ID with a null name; an unknown name has the zero id', async () => {
  const id = (await ask(12)).topics[0]!.topicId!;
  const byId = await ask(12, { topics: [{ topicId: id, name: null }, { topicId: '11111111-2222-3333-4444-555555555555', name: null }, { name: 'md-nope' }] });
  assert.is(byId.topics[0]!.name, TOPIC);
  assert.is(byId.topics[0]!.partitions.length, 3);
  assert.is(byId.topics[1]!.errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
  assert.is(byId.topics[1]!.name, null);
  assert.is(byId.topics[2]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.is(byId.topics[2]!.topicId, ZERO_UUID);
});

test('v8-10 authorized operations: every topic and cluster operation when asked (no ACLs), the "omitted" value when not', async () => {
  const asked = await ask(10, { includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true });
  assert.is(asked.topics[0]!.topicAuthorizedOperations, 3576);
  assert.is(asked.clusterAuthorizedOperations, 8096);
  const not = await ask(8);
  assert.is(not.topics[0]!.topicAuthorizedOperations, AUTHORIZED_OPERATIONS_OMITTED);
  assert.is(not.clusterAuthorizedOperations, AUTHORIZED_OPERATIONS_OMITTED);
});

test('__consumer_offsets is never auto-created as an ordinary topic, and is marked internal', async () => {
  const md = await conn.request(MetadataApi, 12, { topics: [{ name: '__consumer_offsets' }], allowAutoTopicCreation: true });
  assert.is(md.topics[0]!.isInternal, true);
  if (md.topics[0]!.errorCode !== ErrorCode.NONE) {
    assert.is(md.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.not.ok((await coordinatorMetadata(cluster)).topics.some((t) => t.name === '__consumer_offsets'), 'not created');
  }
});

test("YaK's client negotiates Metadata v12 (flexible) and reads the cluster through it", async () => {
  assert.is(conn.versionFor(MetadataApi, ClientVersions.Metadata), MetadataApi.maxVersion, 'both sides know v12');
  assert.is(conn.versionFor(MetadataApi, 7), 7, 'a client that knows less asks at its own highest');
  const client = clientFor(cluster.bootstrap);
  try {
    const md = await client.refreshMetadata([TOPIC]);
    assert.is(md.topics[0]!.name, TOPIC);
    assert.is(md.topics[0]!.partitions.length, 3);
  } finally {
    client.close();
  }
});

test('@platformatic/kafka 1.x (flexible versions only) reads brokers, partitions, leaders and the topic id', async () => {
  const admin = new PlatformaticAdmin({ clientId: 'yak-platformatic-test', bootstrapBrokers: cluster.bootstrap.split(','), retries: 3 });
  try {
    const md = await admin.metadata({ topics: [TOPIC] });
    assert.equal([...md.brokers.keys()].sort(), [1, 2, 3]);
    const t = md.topics.get(TOPIC)!;
    const truth = (await coordinatorMetadata(cluster)).topics.find((x) => x.name === TOPIC)!;
    assert.is(t.partitionsCount, 3);
    assert.equal(t.partitions.map((p) => p.leader), truth.partitions.map((p) => p.leader));
    assert.equal(t.partitions.map((p) => p.leaderEpoch), truth.partitions.map((p) => p.leaderEpoch));
    assert.is(t.id.replace(/-/g, ''), truth.id.replace(/-/g, ''));
  } finally {
    await admin.close();
  }
});

test('FindCoordinator v4 answers each key as v2 answers it alone, group and transaction keys alike', async () => {
  const keys = ['fc-a', 'fc-b', 'fc-c', 'fc-d'];
  const res = await conn.request(FindCoordinatorApi, 4, { keyType: 0, coordinatorKeys: keys });
  assert.equal(res.coordinators!.map((c) => c.key), keys);
  for (const c of res.coordinators!) {
    const alone = await conn.request(FindCoordinatorApi, 2, { key: c.key, keyType: 0 });
    assert.equal([c.errorCode, c.nodeId, c.host, c.port], [ErrorCode.NONE, alone.nodeId, alone.host, alone.port], c.key);
  }
  const tx = await conn.request(FindCoordinatorApi, 4, { keyType: 1, coordinatorKeys: keys });
  assert.equal(tx.coordinators!.map((c) => [c.errorCode, c.nodeId]), res.coordinators!.map((c) => [ErrorCode.NONE, c.nodeId]), 'a transactional id is homed as a group id');
});

test('v5+ lists the replicas on a dead broker as offline', async () => {
  const victim = partitionOf(await coordinatorMetadata(cluster), TOPIC, 0).replicas.find((id) => id !== 1)!;
  await cluster.supervisor.handleControl('kill', `broker-${victim}`);
  const offline = await waitFor(`broker ${victim}'s replicas reported offline`, async () => {
    const md = await ask(5);
    const p = md.topics[0]!.partitions[0]!;
    return p.offlineReplicas?.includes(victim) ? p : null;
  }, { timeoutMs: 20_000 });
  assert.ok(offline.replicaNodes.includes(victim), 'still a replica');
  assert.equal((await ask(4)).topics[0]!.partitions[0]!.offlineReplicas, [], 'v4 has no offline replicas');
});

test.run();
