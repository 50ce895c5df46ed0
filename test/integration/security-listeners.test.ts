/**
 * The other listener protocols, one broker each: SASL_PLAINTEXT (kafkajs PLAIN and SCRAM-SHA-256,
 * kcat; a user who is not a super user may not manage credentials; the credential APIs' errors),
 * SSL with mutual TLS (`yak up --security tls --ssl-client-auth required`: kafkajs and kcat with the
 * CA and the admin's client certificate; without one, refused; replication between brokers presents
 * the brokers' certificates), and KIP-368 re-authentication
 * (connections.max.reauth.ms): a session that expired serves nothing until the client logs in again.
 */
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { UserAdmin } from '../../src/client/user-admin.js';
import { Connection } from '../../src/net/connection.js';
import { saslAuthenticate } from '../../src/net/sasl-client.js';
import { AlterUserScramCredentialsApi, MetadataApi, SaslAuthenticateApi, SaslHandshakeApi } from '../../src/protocol/apis/index.js';
import { ScramClientExchange } from '../../src/security/scram.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('SASL_PLAINTEXT, SSL and re-authentication');
let sasl: TestCluster;
let ssl: TestCluster;
let reauth: TestCluster;

test.before(async () => {
  [sasl, ssl, reauth] = await Promise.all([
    startCluster({ brokers: 1, security: { protocol: 'SASL_PLAINTEXT' } }),
    startCluster({ brokers: 2, security: { protocol: 'SSL', requireClientCert: true } }),
    startCluster({ brokers: 1, security: { protocol: 'SASL_PLAINTEXT' }, brokerArgs: ['--connections-max-reauth-ms', '1500'] }),
  ]);
});
test.after(async () => {
  await Promise.all([sasl?.destroy(), ssl?.destroy(), reauth?.destroy()]);
});

const password = (c: TestCluster) => fs.readFileSync(c.file.security!.passwordFile!, 'utf8').trim();
const address = (c: TestCluster) => {
  const [host, port] = c.bootstrap.split(':');
  return { host: host!, port: Number(port) };
};

test('SASL_PLAINTEXT: kafkajs with PLAIN and with SCRAM-SHA-256 produces and reads back', async () => {
  for (const mechanism of ['plain', 'scram-sha-256'] as const) {
    const kafka = new Kafka({ brokers: [sasl.bootstrap], sasl: { mechanism, username: 'admin', password: password(sasl) } as never, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: `plain-${mechanism}`, messages: [{ value: mechanism }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(`plain-${mechanism}`);
    await admin.disconnect();
    assert.is(offsets.reduce((n, p) => n + Number(p.high), 0), 1, mechanism);
  }
  const kcat = await runProcess('/usr/bin/kcat', ['-b', sasl.bootstrap, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=admin', '-X', `sasl.password=${password(sasl)}`, '-C', '-t', 'plain-plain', '-o', 'beginning', '-e', '-q'], { timeoutMs: 20_000 });
  assert.is(kcat.code, 0, kcat.stderr);
  assert.is(kcat.stdout.trim(), 'plain');
});

test('SASL_PLAINTEXT: only super users may list or change credentials (CLUSTER_AUTHORIZATION_FAILED)', async () => {
  const created = await runYak(['user', 'create', 'bob', '--mechanism', 'SCRAM-SHA-512', '--data-dir', sasl.dataDir], { input: 'bob-password\n' });
  assert.is(created.code, 0, created.stderr);
  const bob = new KafkaClient({ bootstrap: [address(sasl)], security: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'bob', password: 'bob-password' } } });
  try {
    const err = await new UserAdmin(bob).describe().then(() => null, (e: unknown) => e as KafkaError);
    assert.is(err?.code, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const res = await bob.send(undefined, AlterUserScramCredentialsApi, 0, { deletions: [{ name: 'admin', mechanism: 2 }], upsertions: [] });
    assert.equal(res.results.map((r) => [r.user, r.errorCode]), [['admin', ErrorCode.CLUSTER_AUTHORIZATION_FAILED]]);
  } finally {
    bob.close();
  }
  const listed = await runYak(['user', 'list', '--data-dir', sasl.dataDir, '--user', 'bob', '--password-file', '/dev/null']);
  assert.is(listed.code, 1, 'an empty password file logs in as nobody');
  // Whoever holds the cluster secret logs in as the cluster's own principal, a super user (the first user of a cluster run by hand).
  const bootstrapFlags = ['--bootstrap', sasl.bootstrap, '--security-protocol', 'SASL_PLAINTEXT', '--secret-file', `${sasl.dataDir}/cluster.secret`];
  const carol = await runYak(['user', 'create', 'carol', ...bootstrapFlags], { input: 'carol-password\n' });
  assert.is(carol.code, 0, carol.stderr);
});

test('SASL_PLAINTEXT: a recorded SCRAM exchange played back on a new connection is refused, and that connection closed', async () => {
  const { host, port } = address(sasl);
  const exchange = async (conn: Connection, client: ScramClientExchange, recordedFinal?: Buffer) => {
    await conn.request(SaslHandshakeApi, 1, { mechanism: 'SCRAM-SHA-512' });
    const first = await conn.request(SaslAuthenticateApi, 1, { authBytes: client.first() });
    const final = recordedFinal ?? (await client.final(first.authBytes));
    return { final, answer: await conn.request(SaslAuthenticateApi, 1, { authBytes: final }) };
  };
  // The same client nonce both times: only the server's fresh nonce tells the exchanges apart.
  const client = () => new ScramClientExchange('SCRAM-SHA-512', 'admin', password(sasl), 'fixed-client-nonce');
  const recorded = await exchange(await Connection.connect(host, port), client());
  assert.is(recorded.answer.errorCode, ErrorCode.NONE);
  const victim = await Connection.connect(host, port);
  const replay = await exchange(victim, client(), recorded.final);
  assert.is(replay.answer.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  const after = await victim.request(MetadataApi, 4, { topics: [], allowAutoTopicCreation: false }, { timeoutMs: 5000 }).then(() => null, (e: unknown) => e as KafkaError);
  assert.is(after?.code, ErrorCode.NETWORK_EXCEPTION, 'closed after the refusal');
});

test("SASL_PLAINTEXT: AlterUserScramCredentials answers Kafka's errors, per user", async () => {
  const admin = new KafkaClient({ bootstrap: [address(sasl)], security: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'admin', password: password(sasl) } } });
  try {
    const salt = Buffer.alloc(16, 1);
    const saltedPassword = Buffer.alloc(64, 2);
    const res = await admin.send(undefined, AlterUserScramCredentialsApi, 0, {
      deletions: [{ name: 'ghost', mechanism: 1 }],
      upsertions: [
        { name: 'few', mechanism: 2, iterations: 10, salt, saltedPassword },
        { name: 'twice', mechanism: 2, iterations: 4096, salt, saltedPassword },
        { name: 'twice', mechanism: 2, iterations: 4096, salt, saltedPassword },
        { name: 'odd', mechanism: 7, iterations: 4096, salt, saltedPassword },
        { name: '__yak_cluster', mechanism: 2, iterations: 4096, salt, saltedPassword },
      ],
    });
    const byUser = Object.fromEntries(res.results.map((r) => [r.user, r.errorCode]));
    assert.equal(byUser, {
      ghost: ErrorCode.RESOURCE_NOT_FOUND,
      few: ErrorCode.UNACCEPTABLE_CREDENTIAL,
      twice: ErrorCode.DUPLICATE_RESOURCE,
      odd: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      __yak_cluster: ErrorCode.UNACCEPTABLE_CREDENTIAL,
    });
    assert.equal((await new UserAdmin(admin).describe()).map((u) => u.user), ['admin', 'bob', 'carol'], 'nothing was stored');
  } finally {
    admin.close();
  }
});

test('SSL with mutual TLS: kafkajs and kcat with the CA and a client certificate, acks=all across brokers; the yak CLI without flags', async () => {
  const { caFile, certFile, keyFile } = ssl.file.security!;
  const read = (f: string) => fs.readFileSync(f, 'utf8');
  const kafka = new Kafka({ brokers: ssl.bootstrap.split(','), ssl: { ca: [read(caFile!)], cert: read(certFile!), key: read(keyFile!) }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'tls-topic', numPartitions: 1, replicationFactor: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'tls-topic', acks: -1, messages: [{ value: 'over tls' }] });
  await producer.disconnect();
  const tlsArgs = ['-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${caFile}`];
  const kcat = await runProcess('/usr/bin/kcat', ['-b', ssl.bootstrap, ...tlsArgs, '-X', `ssl.certificate.location=${certFile}`, '-X', `ssl.key.location=${keyFile}`, '-C', '-t', 'tls-topic', '-o', 'beginning', '-e', '-q'], { timeoutMs: 20_000 });
  assert.is(kcat.code, 0, kcat.stderr);
  assert.is(kcat.stdout.trim(), 'over tls');
  const listed = await runYak(['topic', 'list', '--data-dir', ssl.dataDir]);
  assert.is(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /tls-topic/);
  const noCert = await runProcess('/usr/bin/kcat', ['-b', ssl.bootstrap, ...tlsArgs, '-L', '-m', '3'], { timeoutMs: 20_000 });
  assert.is.not(noCert.code, 0, 'a client without a certificate does not connect');
  const untrusted = await runProcess('/usr/bin/kcat', ['-b', ssl.bootstrap, '-X', 'security.protocol=SSL', '-L', '-m', '3'], { timeoutMs: 20_000 });
  assert.is.not(untrusted.code, 0, 'a client that does not trust the CA does not connect');
});

test('KIP-368: SaslAuthenticate sets the session lifetime; past it a request closes the connection; re-authenticating keeps it', async () => {
  const sasl = { mechanism: 'SCRAM-SHA-512' as const, username: 'admin', password: password(reauth) };
  const { host, port } = address(reauth);
  const metadata = (c: Connection) => c.request(MetadataApi, 4, { topics: [], allowAutoTopicCreation: false }, { timeoutMs: 5000 });
  // Authenticated by hand: no automatic re-authentication on this one.
  const lapsed = await Connection.connect(host, port);
  assert.is(await saslAuthenticate(lapsed, sasl, 5000), 1500);
  await metadata(lapsed);
  await new Promise((r) => setTimeout(r, 1700));
  const err = await metadata(lapsed).then(() => null, (e: unknown) => e as KafkaError);
  assert.is(err?.code, ErrorCode.NETWORK_EXCEPTION, 'closed: its session expired');
  // yak's Connection re-authenticates on its own before the session ends.
  const kept = await Connection.connect(host, port, { security: { sasl } });
  await new Promise((r) => setTimeout(r, 3500));
  await metadata(kept);
  kept.close();
});

test.run();
