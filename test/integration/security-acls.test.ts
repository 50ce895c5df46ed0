/**
 * ACLs on a SASL_PLAINTEXT cluster (one broker): `yak acl add|list|remove`; kafkajs's admin
 * createAcls/describeAcls/deleteAcls; alice may produce to `orders` and not read `payroll` (which
 * her Metadata does not show); a consumer group needs READ on the group to join and commit; a prefixed ACL; a
 * DENY overriding an ALLOW; a librdkafka consumer refused with TOPIC_AUTHORIZATION_FAILED.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import KafkaJS from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { ErrorCode } from '../../src/common/errors.js';
import { OffsetCommitApi } from '../../src/protocol/apis/index.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { runProcess } from '../helpers/wire.js';

// kafkajs is CommonJS: its ACL enums are not detected as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } = KafkaJS;
const test = suite('ACLs (SASL_PLAINTEXT)');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
let cluster: TestCluster;
let adminPassword: string;

const USERS = { alice: 'alice-password', bob: 'bob-password', ops: 'ops-password' } as const;

test.before(async () => {
  cluster = await startCluster({ brokers: 1, security: { protocol: 'SASL_PLAINTEXT', superUsers: ['User:ops'] } });
  adminPassword = fs.readFileSync(cluster.file.security!.passwordFile!, 'utf8').trim();
  for (const [user, password] of Object.entries(USERS)) {
    const created = await runYak(['user', 'create', user, ...dataDir()], { input: `${password}\n` });
    assert.is(created.code, 0, created.stderr);
  }
  for (const topic of ['orders', 'payroll', 'pay-slips', 'salaries']) {
    const made = await runYak(['topic', 'create', topic, '--partitions', '1', ...dataDir()]);
    assert.is(made.code, 0, made.stderr);
  }
  // Records to read, produced by the admin (a super user).
  const producer = kafkajs('admin', adminPassword).producer();
  await producer.connect();
  for (const topic of ['orders', 'payroll', 'pay-slips', 'salaries']) await producer.send({ topic, messages: [{ value: `${topic}-1` }] });
  await producer.disconnect();
});
test.after(async () => {
  await cluster?.destroy();
});

const dataDir = () => ['--data-dir', cluster.dataDir];

function kafkajs(username: string, password: string) {
  return new Kafka({ clientId: 'acl-test', brokers: [cluster.bootstrap], sasl: { mechanism: 'scram-sha-512', username, password }, logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 } });
}

/**
 * The Kafka error name of a kafkajs error: its `type`, or for the topic authorization error it
 * raises from a Metadata answer (a plain KafkaJSError), the name its message stands for.
 */
function kafkaErrorName(err: { type?: string; message?: string }): string {
  if (err.type) return err.type;
  return /Not authorized to access topics/.test(err.message ?? '') ? 'TOPIC_AUTHORIZATION_FAILED' : (err.message ?? String(err));
}

/** The Kafka error name a promise fails with, or null if it succeeds. */
async function errorType(p: Promise<unknown>): Promise<string | null> {
  return p.then(
    () => null,
    (err: { type?: string; message?: string }) => kafkaErrorName(err),
  );
}

async function yakAcl(args: string[]): Promise<string> {
  const res = await runYak(['acl', ...args, ...dataDir()]);
  assert.is(res.code, 0, `yak acl ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

/** Consumes `topic` in `group` as `user` until a record arrives (its value) or the consumer fails (the Kafka error name). */
async function consumeOnce(user: keyof typeof USERS, topic: string, groupId: string): Promise<string> {
  const consumer = kafkajs(user, USERS[user]).consumer({ groupId, retry: { retries: 0 }, maxWaitTimeInMs: 100 });
  let outcome: string | null = null;
  consumer.on(consumer.events.CRASH, (e) => void (outcome ??= kafkaErrorName(e.payload.error)));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async ({ message }) => void (outcome ??= message.value!.toString()) });
    const deadline = Date.now() + 20_000;
    while (outcome === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } catch (err) {
    outcome ??= kafkaErrorName(err as Error);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return outcome ?? 'nothing within 20 s';
}

test('yak acl add, list (table and --json, by resource and --resource-pattern-type match) and remove', async () => {
  assert.match(await yakAcl(['add', '--allow-principal', 'User:carol', '--operation', 'read', '--operation', 'describe', '--topic', 'logs-', '--resource-pattern-type', 'prefixed']), /added 2 ACLs/);
  const table = await yakAcl(['list', '--topic', 'logs-', '--resource-pattern-type', 'prefixed']);
  assert.match(table, /TOPIC\s+logs-\s+PREFIXED\s+User:carol\s+\*\s+READ\s+ALLOW/);
  // match: every ACL that applies to the name logs-app, the prefixed ones included.
  const matching = JSON.parse(await yakAcl(['list', '--topic', 'logs-app', '--resource-pattern-type', 'match', '--json'])) as { operation: string }[];
  assert.equal(matching.map((a) => a.operation).sort(), ['DESCRIBE', 'READ']);
  assert.match(await yakAcl(['remove', '--topic', 'logs-', '--resource-pattern-type', 'prefixed', '--operation', 'read']), /removed 1 ACL\b/);
  assert.match(await yakAcl(['remove', '--topic', 'logs-', '--resource-pattern-type', 'prefixed']), /removed 1 ACL\b/);
  assert.match(await yakAcl(['list', '--principal', 'User:carol']), /no ACLs/);
  const bad = await runYak(['acl', 'add', '--allow-principal', 'carol', '--operation', 'read', '--topic', 't', ...dataDir()]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /not a principal/);
});

test('kafkajs admin: createAcls, describeAcls, deleteAcls (as a super user of yak up --super-users); a user without ALTER on the cluster may not', async () => {
  const admin = kafkajs('ops', USERS.ops).admin();
  await admin.connect();
  try {
    const acl = { resourceType: AclResourceTypes.TOPIC, resourceName: 'audit', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:dave', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW };
    await admin.createAcls({ acl: [acl] });
    const described = await admin.describeAcls({ resourceType: AclResourceTypes.TOPIC, resourceName: 'audit', resourcePatternType: ResourcePatternTypes.LITERAL, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
    assert.equal(described.resources.map((r) => [r.resourceName, r.acls.map((a) => [a.principal, a.operation, a.permissionType])]), [['audit', [['User:dave', AclOperationTypes.WRITE, AclPermissionTypes.ALLOW]]]]);
    const deleted = await admin.deleteAcls({ filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'audit', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:dave', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }] });
    assert.is(deleted.filterResponses[0]?.matchingAcls.length, 1);
  } finally {
    await admin.disconnect();
  }
  const bob = kafkajs('bob', USERS.bob).admin();
  await bob.connect();
  try {
    const refused = await errorType(bob.createAcls({ acl: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:bob', host: '*', operation: AclOperationTypes.ALL, permissionType: AclPermissionTypes.ALLOW }] }));
    assert.is(refused, 'CLUSTER_AUTHORIZATION_FAILED');
  } finally {
    await bob.disconnect();
  }
});

test('alice may produce to orders and not read payroll, which her Metadata does not show; a group needs READ on it', async () => {
  await yakAcl(['add', '--allow-principal', 'User:alice', '--operation', 'write', '--operation', 'read', '--topic', 'orders']);
  const producer = kafkajs('alice', USERS.alice).producer();
  await producer.connect();
  try {
    await producer.send({ topic: 'orders', acks: -1, messages: [{ value: 'from-alice' }] });
    assert.is(await errorType(producer.send({ topic: 'payroll', messages: [{ value: 'x' }] })), 'TOPIC_AUTHORIZATION_FAILED');
    // No CREATE: Metadata does not auto-create a topic for her.
    assert.is(await errorType(producer.send({ topic: 'alice-new', messages: [{ value: 'x' }] })), 'TOPIC_AUTHORIZATION_FAILED');
  } finally {
    await producer.disconnect();
  }
  const admin = kafkajs('alice', USERS.alice).admin();
  await admin.connect();
  try {
    assert.equal((await admin.listTopics()).sort(), ['orders']);
  } finally {
    await admin.disconnect();
  }
  // READ on the topic, DESCRIBE on the group (FindCoordinator's check) but no READ on it: joining is refused.
  await yakAcl(['add', '--allow-principal', 'User:alice', '--operation', 'describe', '--group', 'alice-orders']);
  assert.is(await consumeOnce('alice', 'orders', 'alice-orders'), 'GROUP_AUTHORIZATION_FAILED');
  await yakAcl(['add', '--allow-principal', 'User:alice', '--operation', 'read', '--group', 'alice-', '--resource-pattern-type', 'prefixed']);
  assert.is(await consumeOnce('alice', 'orders', 'alice-orders'), 'orders-1');
  assert.is(await consumeOnce('alice', 'payroll', 'alice-payroll'), 'TOPIC_AUTHORIZATION_FAILED');
});

test('OffsetCommit needs READ on the group (GROUP_AUTHORIZATION_FAILED) and on each topic (TOPIC_AUTHORIZATION_FAILED for its partitions only)', async () => {
  await yakAcl(['add', '--allow-principal', 'User:alice', '--operation', 'read', '--group', 'commits']);
  const alice = new KafkaClient({ bootstrap: [{ host: cluster.bootstrap.split(':')[0]!, port: Number(cluster.bootstrap.split(':')[1]) }], clientId: 'acl-commit', security: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: USERS.alice } } });
  try {
    const commit = (groupId: string, topics: string[]) =>
      alice.send(undefined, OffsetCommitApi, 8, { groupId, generationId: -1, memberId: '', topics: topics.map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] })) });
    const noGroup = await commit('not-hers', ['orders']);
    assert.equal(noGroup.topics.map((t) => [t.name, t.partitions[0]!.errorCode]), [['orders', ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    const mixed = await commit('commits', ['orders', 'payroll']);
    assert.equal(mixed.topics.map((t) => [t.name, t.partitions[0]!.errorCode]).sort(), [['orders', ErrorCode.NONE], ['payroll', ErrorCode.TOPIC_AUTHORIZATION_FAILED]]);
  } finally {
    alice.close();
  }
});

test('a prefixed ALLOW for everyone, and a DENY for bob that overrides it', async () => {
  await yakAcl(['add', '--allow-principal', 'User:*', '--operation', 'read', '--topic', 'pay', '--group', 'readers', '--resource-pattern-type', 'prefixed']);
  assert.is(await consumeOnce('alice', 'pay-slips', 'readers-a'), 'pay-slips-1');
  await yakAcl(['add', '--deny-principal', 'User:bob', '--operation', 'read', '--topic', 'pay-slips']);
  assert.is(await consumeOnce('bob', 'pay-slips', 'readers-b'), 'TOPIC_AUTHORIZATION_FAILED');
  assert.is(await consumeOnce('bob', 'payroll', 'readers-b'), 'payroll-1');
});

test('librdkafka: a consumer that may describe the topic and use the group, but not read the topic, gets TOPIC_AUTHORIZATION_FAILED', async () => {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (!probe || probe.code !== 0) return console.log('  skipped: needs Debian package python3-confluent-kafka');
  await yakAcl(['add', '--allow-principal', 'User:alice', '--operation', 'describe', '--topic', 'salaries']);
  await yakAcl(['add', '--allow-principal', 'User:alice', '--operation', 'read', '--group', 'rdkafka-group']);
  const res = await runProcess('/usr/bin/python3', [path.join(FIXTURES, 'librdkafka-acls.py'), cluster.bootstrap, 'alice', USERS.alice, 'salaries', 'rdkafka-group'], { timeoutMs: 45_000 });
  assert.is(res.code, 0, res.stderr.slice(-2000));
  const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { consumer_error: string | null };
  assert.is(out.consumer_error, 'TOPIC_AUTHORIZATION_FAILED');
});

test.run();
