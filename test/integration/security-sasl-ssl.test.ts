/**
 * `yak up --security sasl-tls` (SASL_SSL) with 3 brokers, as teams point their apps at it: kafkajs
 * (SCRAM-SHA-512, ssl with the CA), librdkafka via python3-confluent-kafka (SASL_SSL, SCRAM-SHA-512),
 * kcat (SCRAM-SHA-256) and the yak CLI with no flags (the admin and CA from the data dir). Replication
 * runs over it too (acks=all on RF 3). Refused, with the right error and nothing served: a wrong
 * password, an unknown user, a connection that has not authenticated, a plaintext client on the TLS port.
 * Transactions work on it (the coordinator's markers reach the brokers over TLS, proving the cluster
 * secret as their login), and yak health and yak status reach it as the admin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { connectToCluster } from '../../src/net/cluster-auth.js';
import { Connection } from '../../src/net/connection.js';
import { ApiVersionsApi, MetadataApi } from '../../src/protocol/apis/index.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('SASL_SSL cluster (yak up --security sasl-tls)');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
let cluster: TestCluster;
let ca: string;
let adminPassword: string;

test.before(async () => {
  cluster = await startCluster({ brokers: 3, security: { protocol: 'SASL_SSL' } });
  const security = cluster.file.security!;
  ca = fs.readFileSync(security.caFile!, 'utf8');
  adminPassword = fs.readFileSync(security.passwordFile!, 'utf8').trim();
});
test.after(async () => {
  await cluster?.destroy();
});

function kafkajs(username: string, password: string, mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain' = 'scram-sha-512') {
  return new Kafka({ clientId: 'sec-test', brokers: cluster.bootstrap.split(','), ssl: { ca: [ca] }, sasl: { mechanism, username, password } as never, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
}

const dataDir = () => ['--data-dir', cluster.dataDir];

test('cluster.json and yak status --json name the protocol, the CA and the admin password file, never a secret', async () => {
  const status = await runYak(['status', '--json', ...dataDir()]);
  assert.is(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { security: { protocol: string; caFile: string; user: string; passwordFile: string } };
  assert.is(s.security.protocol, 'SASL_SSL');
  assert.ok(fs.readFileSync(s.security.caFile, 'utf8').includes('BEGIN CERTIFICATE'));
  assert.is(s.security.user, 'admin');
  assert.is(fs.statSync(s.security.passwordFile).mode & 0o777, 0o600);
  const clusterJson = fs.readFileSync(path.join(cluster.dataDir, 'cluster.json'), 'utf8');
  assert.not.ok(clusterJson.includes(adminPassword), 'cluster.json holds no password');
  assert.not.ok(cluster.log.some((l) => l.includes(adminPassword)), 'no log line holds the password');
});

test("the coordinator's port has TLS too: a member with the secret but without TLS is refused", async () => {
  assert.ok(cluster.log.some((l) => /coordinator listening on .* \(TLS\)/.test(l)));
  const { host, port } = cluster.file.coordinator;
  const plain = await connectToCluster(host, port, cluster.supervisor.clusterSecret, { connectTimeoutMs: 2000 }).then(
    (c) => (c.close(), null),
    (err: unknown) => err,
  );
  assert.instance(plain, KafkaError);
  const secured = await connectToCluster(host, port, cluster.supervisor.clusterSecret, { security: { tls: { ca } } });
  secured.close();
});

test('the yak CLI in the data dir needs no flags: topic, produce (acks=all over replication), consume', async () => {
  const created = await runYak(['topic', 'create', 'orders', '--partitions', '3', '--replication-factor', '3', ...dataDir()]);
  assert.is(created.code, 0, created.stderr);
  const produced = await runYak(['produce', '--topic', 'orders', ...dataDir()], { input: 'one\ntwo\nthree\n' });
  assert.is(produced.code, 0, produced.stderr);
  const consumed = await runYak(['consume', '--topic', 'orders', '--from-beginning', '--max-messages', '3', ...dataDir()], { timeoutMs: 20_000 });
  assert.is(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout.trim().split('\n').sort(), ['one', 'three', 'two']);
});

test('yak user create and yak acl add, then kafkajs logs in with SCRAM-SHA-512 and PLAIN, produces and consumes in a group', async () => {
  const created = await runYak(['user', 'create', 'alice', '--password-stdin', ...dataDir()], { input: 'alice-secret-1\n' });
  assert.is(created.code, 0, created.stderr);
  const listed = await runYak(['user', 'list', '--json', ...dataDir()]);
  assert.equal((JSON.parse(listed.stdout) as { user: string }[]).map((u) => u.user), ['admin', 'alice']);
  // With security on, a user without ACLs may do nothing (allow.everyone.if.no.acl.found is false).
  const granted = await runYak(['acl', 'add', '--allow-principal', 'User:alice', '--operation', 'all', '--topic', 'alice-topic', '--group', 'alice-group', ...dataDir()]);
  assert.is(granted.code, 0, granted.stderr);

  const kafka = kafkajs('alice', 'alice-secret-1');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'alice-topic', acks: -1, messages: [{ value: 'a1' }, { value: 'a2' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'alice-group' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'alice-topic', fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  const deadline = Date.now() + 20_000;
  while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  assert.equal(seen.sort(), ['a1', 'a2']);

  const plain = kafkajs('alice', 'alice-secret-1', 'plain').admin();
  await plain.connect();
  assert.ok((await plain.listTopics()).includes('alice-topic'));
  await plain.disconnect();
});

test('a wrong password and an unknown user are refused alike: SASL_AUTHENTICATION_FAILED, connection closed', async () => {
  const messages: string[] = [];
  for (const [user, password] of [['admin', 'not-the-password'], ['nobody', 'whatever-password']]) {
    const admin = kafkajs(user!, password!).admin();
    try {
      await admin.connect();
      assert.unreachable(`${user} logged in`);
    } catch (err) {
      assert.is((err as Error).name, 'KafkaJSSASLAuthenticationError', (err as Error).message);
      messages.push((err as Error).message.replace(/ at [^ ]+$/, ''));
    }
  }
  assert.is(messages[0], messages[1], 'the answer does not tell which users exist');
  const logged = () => cluster.log.some((l) => l.includes('WARN') && l.includes('SASL authentication as "nobody" failed'));
  const deadline = Date.now() + 5000;
  while (!logged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(logged(), 'one WARN line per refusal, naming the user');
  assert.not.ok(cluster.log.some((l) => l.includes('not-the-password')), 'never the password');
});

test('a connection that has not authenticated gets ApiVersions and nothing else', async () => {
  const [host, port] = cluster.bootstrap.split(',')[0]!.split(':');
  const conn = await Connection.connect(host!, Number(port), { security: { tls: { ca } } });
  const versions = await conn.request(ApiVersionsApi, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
  assert.is(versions.errorCode, ErrorCode.NONE);
  assert.ok(versions.apiKeys.some((k) => k.apiKey === 36 && k.maxVersion === 2), 'SaslAuthenticate v0-2 advertised');
  const refused = await conn.request(MetadataApi, 4, { topics: null, allowAutoTopicCreation: false }, { timeoutMs: 5000 }).then(
    () => null,
    (err: unknown) => err,
  );
  assert.instance(refused, KafkaError);
  assert.is((refused as KafkaError).code, ErrorCode.NETWORK_EXCEPTION, 'closed without an answer');
  assert.ok(cluster.log.some((l) => l.includes('ILLEGAL_SASL_STATE: sent before authenticating')));
});

test('a plaintext client on the TLS port is refused at the handshake', async () => {
  const [host, port] = cluster.bootstrap.split(',')[0]!.split(':');
  const conn = await Connection.connect(host!, Number(port));
  const res = await conn.request(ApiVersionsApi, 0, {}, { timeoutMs: 5000 }).then(
    () => null,
    (err: unknown) => err,
  );
  assert.instance(res, KafkaError);
  const deadline = Date.now() + 5000;
  while (!cluster.log.some((l) => l.includes('TLS handshake failed')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(cluster.log.some((l) => l.includes('TLS handshake failed')));
});

test('kcat (librdkafka) with -X security.protocol=SASL_SSL and SCRAM-SHA-256 lists and reads', async () => {
  const passwordFile = cluster.file.security!.passwordFile!;
  const args = ['-b', cluster.bootstrap, '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', 'sasl.username=admin', '-X', `sasl.password=${fs.readFileSync(passwordFile, 'utf8').trim()}`, '-X', `ssl.ca.location=${cluster.file.security!.caFile}`];
  const consumed = await runProcess('/usr/bin/kcat', [...args, '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q'], { timeoutMs: 20_000 });
  assert.is(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout.trim().split('\n').sort(), ['one', 'three', 'two']);
  const wrong = await runProcess('/usr/bin/kcat', [...args.slice(0, 6), '-X', 'sasl.username=admin', '-X', 'sasl.password=wrong-password', '-X', `ssl.ca.location=${cluster.file.security!.caFile}`, '-L', '-m', '3'], { timeoutMs: 20_000 });
  assert.is.not(wrong.code, 0);
  assert.match(wrong.stderr, /SASL authentication error/);
});

test('librdkafka (python3-confluent-kafka) with SASL_SSL and SCRAM-SHA-512: idempotent produce, group consume, commit', async () => {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (!probe || probe.code !== 0) return console.log('  skipped: needs Debian package python3-confluent-kafka');
  const security = cluster.file.security!;
  const res = await runProcess('/usr/bin/python3', [path.join(FIXTURES, 'librdkafka-sasl-ssl.py'), cluster.bootstrap, 'rdkafka-topic', security.caFile!, 'admin', security.passwordFile!, 'rdkafka-group'], { timeoutMs: 60_000 });
  assert.is(res.code, 0, res.stderr.slice(-2000));
  const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { acked: number; consumed: number; errors: string[]; committed: number };
  assert.equal(out.errors, []);
  assert.is(out.acked, 50);
  assert.is(out.consumed, 50);
  assert.ok(out.committed > 0);
  // The coordinator mirrors the commit into __consumer_offsets, logging in to the brokers as the cluster's own principal.
  const admin = kafkajs('admin', adminPassword).admin();
  await admin.connect();
  const deadline = Date.now() + 20_000;
  let written = 0;
  while (written === 0 && Date.now() < deadline) {
    written = (await admin.fetchTopicOffsets('__consumer_offsets')).reduce((n, p) => n + Number(p.high), 0);
    if (written === 0) await new Promise((r) => setTimeout(r, 200));
  }
  await admin.disconnect();
  assert.ok(written > 0, '__consumer_offsets has the group records');
});

test('kafkajs transactions: a commit and an abort over 3 partitions, read back read_committed (markers reach the brokers over TLS)', async () => {
  const created = await runYak(['topic', 'create', 'txn-orders', '--partitions', '3', '--replication-factor', '3', ...dataDir()]);
  assert.is(created.code, 0, created.stderr);
  const kafka = kafkajs('admin', adminPassword);
  const producer = kafka.producer({ transactionalId: 'sec-txn', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const values = (prefix: string) => [0, 1, 2].map((partition) => ({ value: `${prefix}${partition}`, partition }));
    let txn = await producer.transaction();
    await txn.send({ topic: 'txn-orders', messages: values('c') });
    await txn.commit();
    txn = await producer.transaction();
    await txn.send({ topic: 'txn-orders', messages: values('a') });
    await txn.abort();
  } finally {
    await producer.disconnect();
  }
  // read_committed stops at the last stable offset: only once every leader wrote its marker does it see the commit.
  const consumer = kafka.consumer({ groupId: 'sec-txn-reader', readUncommitted: false, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'txn-orders', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    const deadline = Date.now() + 30_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // anything beyond the committed three would show up now
  } finally {
    await consumer.disconnect();
  }
  assert.equal(seen.sort(), ['c0', 'c1', 'c2']);
  assert.not.ok(cluster.log.some((l) => l.includes('refused request (API key 1090 ')), 'the coordinator was not turned away before proving the cluster secret');
});

test('yak health and yak status in the data dir reach the secured cluster with no flags', async () => {
  const health = await runYak(['health', ...dataDir()]);
  assert.is(health.code, 0, health.stderr);
  assert.match(health.stdout, /^healthy: 3 broker\(s\) alive/);
  const status = await runYak(['status', ...dataDir()]);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /security: SASL_SSL, CA .*, admin user admin/);
});

test('yak user delete: new logins fail at once', async () => {
  const deleted = await runYak(['user', 'delete', 'alice', ...dataDir()]);
  assert.is(deleted.code, 0, deleted.stderr);
  const admin = kafkajs('alice', 'alice-secret-1').admin();
  const err = await admin.connect().then(() => null, (e: unknown) => e as Error);
  assert.is(err?.name, 'KafkaJSSASLAuthenticationError');
});

test.run();
