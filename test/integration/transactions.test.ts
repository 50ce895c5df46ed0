/**
 * Transactions end to end against `yak up --brokers 3`, driven by real clients: librdkafka
 * (confluent-kafka) and kafkajs commit and abort across 3 partitions, checked read_committed and
 * read_uncommitted; a second instance with the same transactional id fences the first; a
 * consume-transform-produce step whose group offsets commit in the transaction; a transaction left
 * open past its timeout, aborted by the coordinator; a kill -9 of the coordinator in the middle of a
 * transaction (librdkafka and kafkajs), which then commits, and of a partition leader (kafkajs).
 * Requests go through recording proxies, and the versions of the transaction APIs each client
 * negotiated are printed at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiKey } from '../../src/protocol/api.js';
import { apiByKey } from '../../src/protocol/apis/index.js';
import { DescribeTransactionsApi } from '../../src/protocol/apis/describe-transactions.js';
import { InitProducerIdApi } from '../../src/protocol/apis/init-producer-id.js';
import { ErrorCode } from '../../src/common/errors.js';
import { ListTransactionsApi } from '../../src/protocol/apis/list-transactions.js';
import type { Connection } from '../../src/net/connection.js';
import { runYak, startCluster, tempDir, type TestCluster } from '../helpers/cluster.js';
import { coordinatorMetadata, createTopic, destroyAndCheck, partitionOf, waitFor } from '../helpers/failover.js';
import { startRecordingProxies, type RecordingProxies } from '../helpers/recording-proxy.js';
import { connectBroker, runProcess } from '../helpers/wire.js';

const test = suite('transactions: librdkafka and kafkajs against the transaction coordinator');
const SCRIPT = fileURLToPath(new URL('./fixtures/librdkafka-transactions.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const TXN_APIS: number[] = [ApiKey.FindCoordinator, ApiKey.InitProducerId, ApiKey.AddPartitionsToTxn, ApiKey.AddOffsetsToTxn, ApiKey.EndTxn, ApiKey.TxnOffsetCommit];

let cluster: TestCluster | undefined;
let proxies: RecordingProxies | undefined;
let conn: Connection | undefined;
let librdkafka = false;
/** The client whose requests the proxies see now, and the transaction API versions each sent. */
let current = '';
const negotiated = new Map<string, Map<number, Set<number>>>();

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  proxies = await startRecordingProxies(cluster, (frame) => {
    const apiKey = frame.readInt16BE(4);
    if (!current || !TXN_APIS.includes(apiKey)) return;
    const byApi = negotiated.get(current) ?? new Map<number, Set<number>>();
    negotiated.set(current, byApi);
    byApi.set(apiKey, (byApi.get(apiKey) ?? new Set()).add(frame.readInt16BE(6)));
  });
  for (const t of ['rd-ca', 'rd-fence', 'rd-off', 'rd-off-out', 'rd-late', 'rd-pause', 'js-ca', 'js-fence', 'js-off', 'js-off-out', 'js-late', 'js-kill']) await createTopic(cluster.bootstrap, t, 3, 3);
  conn = await connectBroker(cluster, 1);
  librdkafka = (await runProcess(PYTHON, ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null))?.code === 0;
  if (!librdkafka) console.log('  (librdkafka cells skipped: the Debian package python3-confluent-kafka is missing)');
});

test.after(async () => {
  for (const [client, byApi] of negotiated) {
    const versions = [...byApi].sort(([a], [b]) => a - b).map(([k, v]) => `${apiByKey(k)?.name ?? k} v${[...v].sort().join('/')}`);
    console.log(`  ${client} negotiated: ${versions.join(', ')}`);
  }
  conn?.close();
  proxies?.close();
  await destroyAndCheck(cluster);
});

interface RdResult {
  readCommitted: string[];
  readUncommitted: string[];
  zombieCommit?: { name: string; fatal: boolean } | null;
  lateCommit?: { name: string; fatal: boolean; abortable: boolean } | null;
  committed?: Record<string, number>;
}

async function librdkafkaRun(scenario: string, topic: string, group?: string): Promise<RdResult> {
  current = 'librdkafka';
  const res = await runProcess(PYTHON, [SCRIPT, proxies!.bootstrap.join(','), scenario, topic, ...(group ? [group] : [])], { timeoutMs: 90_000 });
  current = '';
  assert.is(res.code, 0, `librdkafka ${scenario} failed: ${res.stderr.slice(-2000)}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as RdResult;
}

const kafka = (clientId: string) => new Kafka({ clientId, brokers: proxies!.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });

function txnProducer(id: string, transactionTimeout = 30_000): Producer {
  return kafka(`js-${id}`).producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
}

/** Every value in `topic` (partitions 0-2) read from the start, read_committed or not, once the reader has seen `expected` of them. */
let readers = 0;
async function readAll(topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka('js-reader').consumer({ groupId: `reader-${topic}-${++readers}`, readUncommitted, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(`${expected} records read from ${topic}`, () => seen.length >= expected, { timeoutMs: 30_000 });
    // A little longer: anything beyond what is expected would show up now.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort();
}

const describe = async (id: string) => (await conn!.request(DescribeTransactionsApi, 0, { transactionalIds: [id] })).transactionStates[0]!;

test("transaction.timeout.ms beyond the coordinator's transaction.max.timeout.ms (900000) is INVALID_TRANSACTION_TIMEOUT; the limit is a flag", async () => {
  const ask = (transactionTimeoutMs: number) => conn!.request(InitProducerIdApi, 4, { transactionalId: 'too-long', transactionTimeoutMs, producerId: -1, producerEpoch: -1 });
  assert.is((await ask(900_001)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.is((await ask(900_000)).errorCode, ErrorCode.NONE);
  const dir = tempDir();
  const bad = await runYak(['zookeeper', '--data-dir', dir, '--port', '0', '--transaction-max-timeout-ms', '0']);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, '--transaction-max-timeout-ms must be a positive whole number');
  assert.not.match(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('librdkafka: a committed and an aborted transaction over 3 partitions; read_committed sees only the committed', async () => {
  if (!librdkafka) return;
  const r = await librdkafkaRun('commit-abort', 'rd-ca');
  assert.equal(r.readCommitted, ['c0', 'c1', 'c2', 'c3']);
  assert.equal(r.readUncommitted, ['a0', 'a1', 'a2', 'c0', 'c1', 'c2', 'c3'], 'read_uncommitted sees the aborted records too');
  const d = await describe('rd-commit-abort');
  assert.is(d.transactionState, 'CompleteCommit');
});

test('librdkafka: a second instance with the same transactional.id fences the first, whose records are never visible', async () => {
  if (!librdkafka) return;
  const r = await librdkafkaRun('fence', 'rd-fence');
  assert.ok(r.zombieCommit?.fatal, `the zombie's commit fails fatally: ${JSON.stringify(r.zombieCommit)}`);
  assert.match(r.zombieCommit!.name, /FENCED|INVALID_PRODUCER_EPOCH/);
  assert.equal(r.readCommitted, ['new0']);
});

test('librdkafka: send_offsets_to_transaction commits the group offsets with the output', async () => {
  if (!librdkafka) return;
  const input = kafka('js-seed').producer();
  await input.connect();
  await input.send({ topic: 'rd-off', messages: [0, 1, 2, 3, 4, 5].map((i) => ({ value: `in${i}`, partition: i % 3 })) });
  await input.disconnect();
  const r = await librdkafkaRun('offsets', 'rd-off', 'rd-etl');
  assert.equal(r.readCommitted, ['IN0', 'IN1', 'IN2', 'IN3', 'IN4', 'IN5']);
  assert.equal(r.committed, { '0': 2, '1': 2, '2': 2 }, 'the group committed past what it transformed');
});

test('librdkafka: a transaction left open past transaction.timeout.ms is aborted by the coordinator', async () => {
  if (!librdkafka) return;
  const r = await librdkafkaRun('timeout', 'rd-late');
  assert.ok(r.lateCommit, 'the late commit fails');
  assert.equal(r.readCommitted, []);
  assert.equal(r.readUncommitted.length, 3);
  assert.is((await describe('rd-timeout')).transactionState, 'CompleteAbort');
});

test('kafkajs: commit and abort over 3 partitions', async () => {
  current = 'kafkajs';
  const p = txnProducer('js-commit-abort');
  await p.connect();
  try {
    const values = (prefix: string) => [0, 1, 2].map((partition) => ({ value: `${prefix}${partition}`, partition }));
    let t = await p.transaction();
    await t.send({ topic: 'js-ca', messages: values('c') });
    await t.commit();
    t = await p.transaction();
    await t.send({ topic: 'js-ca', messages: values('a') });
    await t.abort();
  } finally {
    await p.disconnect();
    current = '';
  }
  assert.equal(await readAll('js-ca', false, 3), ['c0', 'c1', 'c2']);
  assert.equal(await readAll('js-ca', true, 6), ['a0', 'a1', 'a2', 'c0', 'c1', 'c2']);
});

test('kafkajs: a second producer with the same transactional id fences the first', async () => {
  current = 'kafkajs';
  const zombie = txnProducer('js-fence');
  const successor = txnProducer('js-fence');
  await zombie.connect();
  await successor.connect();
  try {
    const t = await zombie.transaction();
    await t.send({ topic: 'js-fence', messages: [{ value: 'zombie', partition: 0 }] });
    // The successor's InitProducerId aborts the zombie's transaction (kafkajs retries CONCURRENT_TRANSACTIONS).
    const t2 = await successor.transaction();
    await t2.send({ topic: 'js-fence', messages: [{ value: 'successor', partition: 1 }] });
    await t2.commit();
    const err = await t.commit().catch((e: Error) => e);
    assert.instance(err, Error, 'the zombie cannot commit');
    assert.match(`${(err as Error).name} ${(err as Error).message}`, /fenced|epoch/i);
  } finally {
    await zombie.disconnect();
    await successor.disconnect();
    current = '';
  }
  assert.equal(await readAll('js-fence', false, 1), ['successor']);
});

test('kafkajs: sendOffsets commits a group offset in the transaction; an aborted one leaves it', async () => {
  current = 'kafkajs';
  const p = txnProducer('js-offsets');
  const admin = kafka('js-admin').admin();
  await p.connect();
  await admin.connect();
  try {
    let t = await p.transaction();
    await t.send({ topic: 'js-off-out', messages: [{ value: 'OUT', partition: 0 }] });
    await t.sendOffsets({ consumerGroupId: 'js-etl', topics: [{ topic: 'js-off', partitions: [{ partition: 0, offset: '7' }] }] });
    await t.commit();
    t = await p.transaction();
    await t.sendOffsets({ consumerGroupId: 'js-etl', topics: [{ topic: 'js-off', partitions: [{ partition: 0, offset: '9' }] }] });
    await t.abort();
    const [offsets] = await admin.fetchOffsets({ groupId: 'js-etl', topics: ['js-off'] });
    assert.is(offsets!.partitions.find((x) => x.partition === 0)!.offset, '7');
  } finally {
    await p.disconnect();
    await admin.disconnect();
    current = '';
  }
});

test('kafkajs: a transaction past its timeout is aborted by the coordinator; ListTransactions and DescribeTransactions show it', async () => {
  current = 'kafkajs';
  const p = txnProducer('js-late', 1500);
  await p.connect();
  try {
    const t = await p.transaction();
    await t.send({ topic: 'js-late', messages: [{ value: 'late', partition: 2 }] });
    assert.is((await describe('js-late')).transactionState, 'Ongoing');
    await waitFor('the coordinator aborted the timed-out transaction', async () => (await describe('js-late')).transactionState === 'CompleteAbort', { timeoutMs: 15_000 });
    const err = await t.commit().catch((e: Error) => e);
    assert.instance(err, Error, 'the late commit fails');
  } finally {
    await p.disconnect();
    current = '';
  }
  assert.equal(await readAll('js-late', true, 1), ['late'], 'the record is there, read_uncommitted');
  const listed = [];
  for (const id of [1, 2, 3]) {
    const c = await connectBroker(cluster!, id);
    listed.push(...(await c.request(ListTransactionsApi, 1, { stateFilters: ['CompleteAbort'], producerIdFilters: [], durationFilter: -1 })).transactionStates.map((s) => s.transactionalId));
    c.close();
  }
  assert.ok(listed.includes('js-late'), `ListTransactions names it once across the brokers: ${listed}`);
  assert.is(listed.filter((x) => x === 'js-late').length, 1);
});

test('librdkafka: kill -9 of the coordinator mid-transaction; the transaction goes on and commits once it is back', async () => {
  if (!librdkafka) return;
  current = 'librdkafka';
  const child = spawn(PYTHON, [SCRIPT, proxies!.bootstrap.join(','), 'pause', 'rd-pause'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await waitFor('librdkafka sent the first half', () => stdout.includes('sent'), { timeoutMs: 30_000 });
    assert.match((await cluster!.supervisor.handleControl('kill', 'zookeeper')).message, 'killed zookeeper');
    assert.match((await cluster!.supervisor.handleControl('restart', 'zookeeper')).message, 'restarted zookeeper');
    child.stdin.end('go\n');
    assert.is(await exited, 0, `librdkafka failed: ${stderr.slice(-2000)}`);
  } finally {
    child.kill('SIGKILL');
    current = '';
  }
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as RdResult;
  assert.equal(r.readCommitted, ['after0', 'after1', 'after2', 'before0', 'before1', 'before2']);
});

test('kill -9 of the coordinator mid-transaction: the transaction goes on and commits once it is back', async () => {
  current = 'kafkajs';
  const p = txnProducer('js-kill');
  await p.connect();
  try {
    const t = await p.transaction();
    await t.send({ topic: 'js-kill', messages: [0, 1, 2].map((partition) => ({ value: `before${partition}`, partition })) });
    assert.match((await cluster!.supervisor.handleControl('kill', 'zookeeper')).message, 'killed zookeeper');
    await new Promise((r) => setTimeout(r, 300));
    assert.match((await cluster!.supervisor.handleControl('restart', 'zookeeper')).message, 'restarted zookeeper');
    await t.send({ topic: 'js-kill', messages: [{ value: 'after', partition: 0 }] });
    await t.commit();
  } finally {
    await p.disconnect();
    current = '';
  }
  assert.equal(await readAll('js-kill', false, 4), ['after', 'before0', 'before1', 'before2']);
});

test('kill -9 of a partition leader mid-transaction: the producer goes on at the new leader, the markers follow it, nothing is lost', async () => {
  current = 'kafkajs';
  const p = txnProducer('js-leader-kill');
  await p.connect();
  try {
    const t = await p.transaction();
    await t.send({ topic: 'js-kill', messages: [0, 1, 2].map((partition) => ({ value: `lk-before${partition}`, partition })) });
    const leader = partitionOf(await coordinatorMetadata(cluster!), 'js-kill', 0).leader;
    assert.match((await cluster!.supervisor.handleControl('kill', `broker-${leader}`)).message, `killed broker-${leader}`);
    await waitFor('a new leader for js-kill-0', async () => partitionOf(await coordinatorMetadata(cluster!), 'js-kill', 0).leader !== leader, { timeoutMs: 15_000 });
    // One send per partition: kafkajs 2.2 drops the messages of a partition whose leader moved to a
    // broker that already answered for another partition of the same send (its retry skips that broker).
    for (const partition of [0, 1, 2]) await t.send({ topic: 'js-kill', messages: [{ value: `lk-after${partition}`, partition }] });
    await t.commit();
  } finally {
    await p.disconnect();
    current = '';
  }
  const values = await readAll('js-kill', false, 10);
  assert.equal(values.filter((v) => v.startsWith('lk-')), ['lk-after0', 'lk-after1', 'lk-after2', 'lk-before0', 'lk-before1', 'lk-before2']);
  assert.is((await describe('js-leader-kill')).transactionState, 'CompleteCommit');
});

test.run();
