/**
 * Topic administration as the librdkafka suite exercises it, against a real 3-broker cluster on two
 * racks: manual replica assignments from kafkajs, librdkafka (confluent-kafka) and `yak topic`,
 * accepted and refused; racks in Metadata and rack-aware placement; internal topics never
 * auto-created; auto-creation turned off by flag and at runtime; dynamic broker configs (retention)
 * applied without a restart.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { Admin } from '../../src/client/admin.js';
import { AclAdmin } from '../../src/client/acl-admin.js';
import { AlterConfigsApi } from '../../src/protocol/apis/alter-configs.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { DeleteTopicsApi } from '../../src/protocol/apis/delete-topics.js';
import { DescribeClusterApi } from '../../src/protocol/apis/describe-cluster.js';
import { DescribeLogDirsApi } from '../../src/protocol/apis/describe-log-dirs.js';
import { ConfigType, DescribeConfigsApi } from '../../src/protocol/apis/describe-configs.js';
import { ConfigOperation, IncrementalAlterConfigsApi } from '../../src/protocol/apis/incremental-alter-configs.js';
import { ListPartitionReassignmentsApi } from '../../src/protocol/apis/list-partition-reassignments.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientFor, waitFor } from '../helpers/failover.js';
import { connectBroker, metadata, runProcess } from '../helpers/wire.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const RACK_OF: Record<number, string> = { 1: 'rack-a', 2: 'rack-b', 3: 'rack-a' };

const test = suite('topic administration: manual assignments, racks, auto-creation');
let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3, racks: ['rack-a', 'rack-b'], brokerArgs: ['--log-retention-check-interval-ms', '100'] });
});
test.after(async () => {
  await cluster?.destroy();
});

const kafka = () => new Kafka({ clientId: 'yak-admin-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } });

async function replicasOf(topic: string): Promise<number[][]> {
  const conn = await connectBroker(cluster, 1);
  try {
    const t = (await metadata(conn, [topic])).topics[0]!;
    assert.is(t.errorCode, ErrorCode.NONE, `topic ${topic}`);
    return [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => p.replicaNodes);
  } finally {
    conn.close();
  }
}

test('Metadata reports each broker\'s rack, and a new topic\'s partitions each span both racks', async () => {
  const conn = await connectBroker(cluster, 2);
  try {
    // A broker learns of the others from the coordinator, each a moment after it registered.
    const md = await waitFor('broker 2 knows all three brokers', async () => {
      const m = await metadata(conn, null);
      return m.brokers.length === 3 ? m : null;
    });
    assert.equal(md.brokers.map((b) => [b.nodeId, b.rack]).sort(), [[1, 'rack-a'], [2, 'rack-b'], [3, 'rack-a']]);
  } finally {
    conn.close();
  }
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 6, replicationFactor: 2 }] });
  } finally {
    await admin.disconnect();
  }
  for (const replicas of await replicasOf('spread')) assert.equal(new Set(replicas.map((r) => RACK_OF[r])).size, 2, `replicas ${replicas}`);
  const status = await runYak(['status', '--data-dir', cluster.dataDir]);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /BROKER\s+STATE\s+PID\s+ADDRESS\s+RACK/);
  assert.match(status.stdout, /broker-2\s+alive\s+\d+\s+127\.0\.0\.1:\d+\s+rack-b/);
});

test('kafkajs createTopics with a replicaAssignment: placed as asked; an unknown broker or a duplicate is INVALID_REPLICA_ASSIGNMENT', async () => {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'kjs-assigned', replicaAssignment: [{ partition: 0, replicas: [3, 2] }, { partition: 1, replicas: [1, 3] }] }] });
    assert.equal(await replicasOf('kjs-assigned'), [[3, 2], [1, 3]]);
    for (const replicas of [[1, 9], [2, 2]]) {
      const err = await admin.createTopics({ topics: [{ topic: 'kjs-refused', replicaAssignment: [{ partition: 0, replicas }] }] }).then(() => null, (e: unknown) => e as { errors?: { type?: string; message?: string }[] });
      assert.ok(err, `replicas ${replicas} refused`);
      assert.is(err.errors?.[0]?.type, 'INVALID_REPLICA_ASSIGNMENT', JSON.stringify(err.errors));
    }
    await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-assigned', count: 3, assignments: [[2, 1]] }] });
    assert.equal(await replicasOf('kjs-assigned'), [[3, 2], [1, 3], [2, 1]]);
    assert.equal(await admin.listTopics().then((ts) => ts.includes('kjs-refused')), false);
  } finally {
    await admin.disconnect();
  }
});

test('librdkafka (confluent-kafka) create_topics and create_partitions with replica_assignment', async () => {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (!probe || probe.code !== 0) {
    console.log('  skipped: librdkafka admin test needs Debian package python3-confluent-kafka');
    return;
  }
  const res = await runProcess('/usr/bin/python3', [path.join(FIXTURES, 'confluent-admin-probe.py'), cluster.bootstrap, 'rdk'], { timeoutMs: 90_000 });
  assert.is(res.code, 0, res.stderr);
  const calls = Object.fromEntries(res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { call: string; error: { name: string; message: string } | null }).map((c) => [c.call, c.error]));
  assert.is(calls['create-assigned'], null);
  assert.is(calls['create-unknown-broker']?.name, 'INVALID_REPLICA_ASSIGNMENT');
  assert.match(calls['create-unknown-broker']?.message ?? '', /broker 42/);
  assert.is(calls['grow-assigned'], null);
  assert.is(calls['grow-duplicate']?.name, 'INVALID_REPLICA_ASSIGNMENT');
  assert.equal(await replicasOf('rdk-assigned'), [[2, 3], [3, 1], [1, 2]]);
});

test('yak topic create --replica-assignment places the partitions; a bad one exits non-zero with the reason', async () => {
  const ok = await runYak(['topic', 'create', 'cli-assigned', '--replica-assignment', '1:2,2:3,3:1', '--bootstrap', cluster.bootstrap]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /3 partition\(s\), replication factor 2/);
  assert.equal(await replicasOf('cli-assigned'), [[1, 2], [2, 3], [3, 1]]);
  const bad = await runYak(['topic', 'create', 'cli-bad', '--replica-assignment', '1:2,3', '--bootstrap', cluster.bootstrap]);
  assert.is.not(bad.code, 0);
  assert.match(bad.stderr, /same number/);
  assert.not.match(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('Metadata asking for __consumer_offsets or __transaction_state with auto-creation allowed creates no ordinary topic', async () => {
  const conn = await connectBroker(cluster, 1);
  try {
    const md = await conn.request(MetadataApi, 4, { topics: [{ name: '__consumer_offsets' }, { name: '__transaction_state' }, { name: 'auto-made' }], allowAutoTopicCreation: true });
    const byName = new Map(md.topics.map((t) => [t.name, t]));
    assert.is(byName.get('auto-made')?.errorCode, ErrorCode.NONE, 'an ordinary topic is still auto-created');
    for (const t of (await metadata(conn, null)).topics) assert.ok(!(t.name ?? '').startsWith('__') || t.isInternal, `${t.name} is an ordinary topic`);
  } finally {
    conn.close();
  }
});

/** AlterConfigs v0 on a BROKER resource ("" = every broker): the error code of each resource. */
async function alterBroker(name: string, configs: Record<string, string>): Promise<number[]> {
  const conn = await connectBroker(cluster, 1);
  try {
    const res = await conn.request(AlterConfigsApi, 0, { resources: [{ resourceType: 4, resourceName: name, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }], validateOnly: false });
    return res.responses.map((r) => r.errorCode);
  } finally {
    conn.close();
  }
}

test('dynamic broker configs: log.retention.bytes for every broker applies without a restart; per-broker values win; DescribeConfigs says where each value comes from', async () => {
  const admin = kafka().admin();
  const producer = kafka().producer();
  await Promise.all([admin.connect(), producer.connect()]);
  const client = clientFor(cluster.bootstrap, 'yak-admin-test');
  try {
    await admin.createTopics({ topics: [{ topic: 'dyn-retention', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'dyn-retention', acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ value: `record-${i * 10 + j}-${'x'.repeat(100)}` })) });
    const yakAdmin = new Admin(client);
    assert.is((await yakAdmin.listOffsets('dyn-retention', 'earliest')).get(0), 0, 'nothing deleted under the default retention');

    // kafkajs cannot name the cluster default (""): straight over the wire.
    assert.equal(await alterBroker('', { 'log.retention.bytes': '2000' }), [ErrorCode.NONE]);
    const start = await waitFor('retention under the new cluster default', async () => {
      const earliest = (await yakAdmin.listOffsets('dyn-retention', 'earliest')).get(0)!;
      return earliest > 0 ? earliest : null;
    }, { timeoutMs: 20_000 });
    assert.ok(start <= 190, `the last batch stays (log start ${start})`);

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '2', configEntries: [{ name: 'log.retention.bytes', value: '-1' }] }] });
    const described = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: 4, name: '2', configNames: ['log.retention.bytes', 'log.retention.ms'] }, { type: 4, name: '1', configNames: ['log.retention.bytes'] }] });
    const entry = (broker: string, name: string) => described.resources.find((r) => r.resourceName === broker)!.configEntries.find((e) => e.configName === name)!;
    const onTwo = entry('2', 'log.retention.bytes') as unknown as { configValue: string; configSource: number; configSynonyms: { configName: string; configValue: string; configSource: number }[] };
    assert.is(onTwo.configValue, '-1');
    assert.is(onTwo.configSource, 2, 'DYNAMIC_BROKER_CONFIG');
    assert.equal(onTwo.configSynonyms.map((s) => [s.configValue, s.configSource]), [['-1', 2], ['2000', 3], ['-1', 5]], 'broker, cluster default, default');
    assert.is((entry('1', 'log.retention.bytes') as unknown as { configSource: number }).configSource, 3, 'DYNAMIC_DEFAULT_BROKER_CONFIG on broker 1');
    assert.is((entry('2', 'log.retention.ms') as unknown as { configSource: number }).configSource, 5, 'DEFAULT_CONFIG');
    const rack = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: '2', configNames: ['broker.rack'] }] });
    assert.is(rack.resources[0]!.configEntries[0]?.configValue, 'rack-b');

    assert.equal(await alterBroker('', { 'log.retention.bytes': 'lots' }), [ErrorCode.INVALID_CONFIG]);
    assert.equal(await alterBroker('', { 'num.partitions': '1' }), [ErrorCode.INVALID_CONFIG], 'a static config');
    assert.equal(await alterBroker('7', { 'log.retention.ms': '1' }), [ErrorCode.INVALID_REQUEST], 'no broker 7');
  } finally {
    // Back to the started-with values, so the suite's other topics keep their retention.
    await alterBroker('', {});
    await alterBroker('2', {});
    client.close();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

test('auto.create.topics.enable turned off and on again at runtime (IncrementalAlterConfigs on every broker)', async () => {
  const conn = await connectBroker(cluster, 3);
  const setAutoCreate = (op: number, value: string | null) =>
    conn.request(IncrementalAlterConfigsApi, 0, { resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'auto.create.topics.enable', configOperation: op, value }] }], validateOnly: false });
  const ask = async (name: string) => (await conn.request(MetadataApi, 4, { topics: [{ name }], allowAutoTopicCreation: true })).topics[0]!.errorCode;
  try {
    assert.equal((await setAutoCreate(ConfigOperation.Set, 'false')).responses.map((r) => r.errorCode), [ErrorCode.NONE]);
    assert.is(await ask('not-now'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.is(await ask('not-now'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'and still not created');
    assert.equal((await setAutoCreate(ConfigOperation.Delete, null)).responses.map((r) => r.errorCode), [ErrorCode.NONE]);
    assert.is(await ask('not-now'), ErrorCode.NONE, 'back to the flag (true): created');
  } finally {
    conn.close();
  }
});

test('CreateTopics v7 answers the topic id, -1 as the broker defaults (KIP-464) and the configs; DeleteTopics v6 deletes by that id; DescribeConfigs v4 documents', async () => {
  const conn = await connectBroker(cluster, 2);
  try {
    const created = await conn.request(CreateTopicsApi, 7, { topics: [{ name: 'by-id', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '60000' }] }], timeoutMs: 10_000, validateOnly: false });
    const t = created.topics[0]!;
    assert.is(t.errorCode, ErrorCode.NONE, t.errorMessage ?? '');
    const md = await metadata(conn, ['by-id']);
    assert.equal([t.numPartitions, t.replicationFactor], [3, 3], 'the broker default partitions (3) and min(3, brokers)');
    assert.is(md.topics[0]!.partitions.length, 3);
    assert.match(t.topicId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal(t.configs?.find((c) => c.name === 'retention.ms'), { name: 'retention.ms', value: '60000', readOnly: false, configSource: 1, isSensitive: false });

    const described = await conn.request(DescribeConfigsApi, 4, { resources: [{ resourceType: 2, resourceName: 'by-id', configurationKeys: ['retention.ms'] }], includeSynonyms: true, includeDocumentation: true });
    const c = described.results[0]!.configs[0]!;
    assert.equal([c.value, c.configType, c.synonyms?.map((s) => s.name)], ['60000', ConfigType.Long, ['retention.ms', 'log.retention.ms']]);
    assert.match(c.documentation ?? '', /retention deletes/);

    const unknownId = '0f1e2d3c-4b5a-4978-8877-665544332211';
    const deleted = await conn.request(DeleteTopicsApi, 6, { topics: [{ name: null, topicId: t.topicId! }, { name: null, topicId: unknownId }], topicNames: [], timeoutMs: 10_000 });
    assert.equal(deleted.responses.map((r) => [r.name, r.topicId, r.errorCode]), [['by-id', t.topicId, ErrorCode.NONE], [null, unknownId, ErrorCode.UNKNOWN_TOPIC_ID]]);
    assert.is((await metadata(conn, ['by-id'])).topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  } finally {
    conn.close();
  }
});

test('DescribeCluster v1 lists the brokers with their racks; yak topic elect-leaders answers per partition and fails on an unknown one', async () => {
  const conn = await connectBroker(cluster, 3);
  try {
    const described = await conn.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    assert.is(described.errorCode, ErrorCode.NONE);
    assert.equal(described.brokers.map((b) => [b.brokerId, b.rack]).sort(), [[1, 'rack-a'], [2, 'rack-b'], [3, 'rack-a']]);
    assert.ok([1, 2, 3].includes(described.controllerId));
    assert.is((await conn.request(DescribeClusterApi, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })).errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE);
  } finally {
    conn.close();
  }
  const ok = await runYak(['topic', 'elect-leaders', 'cli-assigned', '--bootstrap', cluster.bootstrap]);
  assert.is(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').map((l) => l.replace(/: ELECTION_NOT_NEEDED.*/, ': not needed')), ['cli-assigned-0: not needed', 'cli-assigned-1: not needed', 'cli-assigned-2: not needed']);
  const unclean = await runYak(['topic', 'elect-leaders', 'cli-assigned', '-p', '1', '--type', 'unclean', '--bootstrap', cluster.bootstrap]);
  assert.is(unclean.code, 0, unclean.stderr);
  assert.match(unclean.stdout, /cli-assigned-1: ELECTION_NOT_NEEDED: partition 1 has a leader/);
  const unknown = await runYak(['topic', 'elect-leaders', 'cli-assigned', '-p', '9', '--bootstrap', cluster.bootstrap]);
  assert.is(unknown.code, 1);
  assert.match(unknown.stdout, /cli-assigned-9: UNKNOWN_TOPIC_OR_PARTITION/);
  assert.match(unknown.stderr, /1 election\(s\) failed/);
});

test('DescribeLogDirs v4: the broker\'s data dir with the size of each replica it holds, from log.db, and the disk\'s bytes', async () => {
  const conn = await connectBroker(cluster, 1);
  try {
    const res = await conn.request(DescribeLogDirsApi, 4, { topics: null });
    assert.is(res.results.length, 1);
    const dir = res.results[0]!;
    assert.is(dir.logDir, path.join(cluster.dataDir, 'broker-1'));
    assert.ok((dir.totalBytes ?? -1) > 0 && (dir.usableBytes ?? -1) > 0 && dir.usableBytes! <= dir.totalBytes!, `${dir.totalBytes} / ${dir.usableBytes}`);
    const retained = dir.topics.find((t) => t.name === 'dyn-retention')!;
    assert.equal(retained.partitions.map((p) => p.partitionIndex), [0], 'dyn-retention has one partition, on every broker');
    assert.ok(retained.partitions[0]!.partitionSize > 0, 'the last batch is kept');
    const one = await conn.request(DescribeLogDirsApi, 1, { topics: [{ topic: 'kjs-assigned', partitions: [0, 1, 2] }] });
    // kjs-assigned: partitions [3, 2], [1, 3], [2, 1]: broker 1 holds 1 and 2.
    assert.equal(one.results[0]!.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [['kjs-assigned', [1, 2]]]);
  } finally {
    conn.close();
  }
});

test('yak topic move: the new replicas catch up from the leader, the old ones leave (their logs deleted), and every acknowledged record is still there', async () => {
  const created = await runYak(['topic', 'create', 'moving', '--replica-assignment', '1:2', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
  const producer = kafka().producer();
  await producer.connect();
  try {
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'moving', acks: -1, messages: Array.from({ length: 20 }, (_, j) => ({ value: `m-${i * 20 + j}` })) });
  } finally {
    await producer.disconnect();
  }
  const moved = await runYak(['topic', 'move', 'moving', '--to', '3,2', '--bootstrap', cluster.bootstrap]);
  assert.is(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /partition\(s\) 0 now on brokers 3, 2/);
  assert.equal(await replicasOf('moving'), [[3, 2]]);
  const conn = await connectBroker(cluster, 1);
  try {
    await waitFor('broker 1 dropped its replica', async () => !(await conn.request(DescribeLogDirsApi, 4, { topics: null })).results[0]!.topics.some((t) => t.name === 'moving'));
    const listed = await conn.request(ListPartitionReassignmentsApi, 0, { timeoutMs: 1000, topics: null });
    assert.equal(listed.topics, [], 'no move left');
  } finally {
    conn.close();
  }
  const read = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', 'moving', '--from-beginning', '--max-messages', '200', '--idle-timeout-ms', '3000']);
  assert.is(read.code, 0, read.stderr);
  assert.equal(read.stdout.trim().split('\n'), Array.from({ length: 200 }, (_, i) => `m-${i}`));
  const bad = await runYak(['topic', 'move', 'moving', '--to', '3,9', '--bootstrap', cluster.bootstrap]);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /INVALID_REPLICA_ASSIGNMENT: .*broker 9/);
});

test('a PLAINTEXT cluster has no authorizer: the ACL APIs answer SECURITY_DISABLED, and yak acl says why', async () => {
  const client = clientFor(cluster.bootstrap, 'acl-plaintext');
  try {
    const any = { resourceType: 1, resourceName: null, patternType: 1, principal: null, host: null, operation: 1, permissionType: 1 };
    const err = await new AclAdmin(client).describe(any).then(() => null, (e: unknown) => e as { code?: number });
    assert.is(err?.code, ErrorCode.SECURITY_DISABLED);
  } finally {
    client.close();
  }
  const listed = await runYak(['acl', 'list', '--data-dir', cluster.dataDir]);
  assert.is.not(listed.code, 0);
  assert.match(listed.stderr, /SECURITY_DISABLED.*authenticates/);
});

test.run();

const off = suite('auto.create.topics.enable=false');
let small: TestCluster;
off.before(async () => {
  small = await startCluster({ brokers: 1, brokerArgs: ['--no-auto-create-topics-enable'] });
});
off.after(async () => {
  await small?.destroy();
});

off('Metadata for an unknown topic is UNKNOWN_TOPIC_OR_PARTITION and creates nothing; CreateTopics still works', async () => {
  const conn = await connectBroker(small, 1);
  try {
    const md = await conn.request(MetadataApi, 4, { topics: [{ name: 'never-made' }], allowAutoTopicCreation: true });
    assert.is(md.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal((await metadata(conn, null)).topics.map((t) => t.name), []);
  } finally {
    conn.close();
  }
  const created = await runYak(['topic', 'create', 'made-on-purpose', '--bootstrap', small.bootstrap]);
  assert.is(created.code, 0, created.stderr);
});

off('yak produce to an unknown topic fails with the reason instead of creating it', async () => {
  const res = await runYak(['produce', '--topic', 'not-auto', '--bootstrap', small.bootstrap], { input: 'one\n', timeoutMs: 60_000 });
  assert.is.not(res.code, 0);
  assert.match(res.stderr, /UNKNOWN_TOPIC_OR_PARTITION|does not exist/);
  assert.not.match(res.stderr, /\n\s+at /, 'no stack trace');
  const conn = await connectBroker(small, 1);
  try {
    assert.not.ok((await metadata(conn, null)).topics.some((t) => t.name === 'not-auto'));
  } finally {
    conn.close();
  }
});

off.run();
