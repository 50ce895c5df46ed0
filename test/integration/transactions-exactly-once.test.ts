/**
 * Issue 10's "done when": a librdkafka and a kafkajs transactional consume-transform-produce program
 * against `yak up --brokers 3`, each reading an input topic in a group (read_committed), writing the
 * transformed records to an output topic with the group's offsets sent in the same transaction, while
 * the leader of an output partition is killed (kill -9, as `yak kill`) and restarted mid-run. Then a
 * read_committed reader sees every input record exactly once in the output: none lost with the
 * killed leader, none twice after a transaction aborted and the consumer rewound.
 */
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Consumer } from '../../src/client/consumer.js';
import type { KafkaClient } from '../../src/client/kafka-client.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientFor, coordinatorMetadata, createTopic, destroyAndCheck, partitionOf, waitFor } from '../helpers/failover.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('exactly-once consume-transform-produce through a killed leader (librdkafka, kafkajs)');
const SCRIPT = fileURLToPath(new URL('./fixtures/librdkafka-exactly-once.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
/** Input records per program: enough transactions (10 records each) that the kill lands mid-run. */
const COUNT = 600;

let cluster: TestCluster | undefined;
const clients: KafkaClient[] = [];
let librdkafka = false;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  for (const t of ['rd-in', 'rd-out', 'js-in', 'js-out']) await createTopic(cluster.bootstrap, t, 3, 3);
  librdkafka = (await runProcess(PYTHON, ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null))?.code === 0;
  if (!librdkafka) console.log('  (the librdkafka program is skipped: the Debian package python3-confluent-kafka is missing)');
});

test.after(async () => {
  for (const c of clients) c.close();
  await destroyAndCheck(cluster);
});

const kafka = (clientId: string) => new Kafka({ clientId, brokers: cluster!.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });

/** Writes `${prefix}-0` .. `${prefix}-(COUNT-1)` to `topic`, round-robin over its 3 partitions (acks=all). */
async function seed(topic: string, prefix: string): Promise<string[]> {
  const values = Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`);
  const p = kafka('seed').producer();
  await p.connect();
  await p.send({ topic, acks: -1, messages: values.map((value, i) => ({ value, partition: i % 3 })) });
  await p.disconnect();
  return values;
}

/** Kills (SIGKILL) the leader of `topic`-0, waits for another broker to lead it, restarts the killed one. */
async function killLeaderOf(topic: string): Promise<number> {
  const leader = partitionOf(await coordinatorMetadata(cluster!), topic, 0).leader;
  assert.match((await cluster!.supervisor.handleControl('kill', `broker-${leader}`)).message, `killed broker-${leader}`);
  await waitFor(`a new leader for ${topic}-0`, async () => partitionOf(await coordinatorMetadata(cluster!), topic, 0).leader !== leader, { timeoutMs: 20_000 });
  assert.match((await cluster!.supervisor.handleControl('restart', `broker-${leader}`)).message, `restarted broker-${leader}`);
  return leader;
}

/** Every value of `topic` as a read_committed reader sees it, once `expected` arrived and a second more brought nothing new. */
async function committedValues(topic: string, expected: number): Promise<string[]> {
  const c = clientFor(cluster!.bootstrap, `check-${topic}`);
  clients.push(c);
  const consumer = new Consumer(c, { topic, start: 'earliest', isolation: 'read_committed', maxWaitMs: 100 });
  await consumer.start();
  const seen: string[] = [];
  try {
    await waitFor(`${expected} committed records in ${topic}`, async () => {
      seen.push(...(await consumer.poll(300)).map((r) => r.value!.toString()));
      return seen.length >= expected;
    }, { timeoutMs: 60_000 });
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) seen.push(...(await consumer.poll(200)).map((r) => r.value!.toString()));
  } finally {
    consumer.close();
  }
  return seen.sort();
}

const upper = (values: string[]) => values.map((v) => v.toUpperCase()).sort();

test('librdkafka: every input record once in the output, through kill -9 of an output leader', async () => {
  if (!librdkafka) return;
  const inputs = await seed('rd-in', 'rd');
  const child = spawn(PYTHON, [SCRIPT, cluster!.bootstrap, 'rd-in', 'rd-out', 'rd-eos', String(COUNT)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const progress = () => Math.max(0, ...[...stdout.matchAll(/progress (\d+)/g)].map((m) => Number(m[1])));
  try {
    await waitFor('a third of the input carried over', () => progress() >= COUNT / 3, { timeoutMs: 60_000 });
    await killLeaderOf('rd-out');
    assert.ok(progress() < COUNT, `the program was still running when the leader died (${progress()} of ${COUNT} done)`);
    assert.is(await exited, 0, `the librdkafka program failed: ${stdout.slice(-1000)} ${stderr.slice(-2000)}`);
  } finally {
    child.kill('SIGKILL');
  }
  const stats = JSON.parse(stdout.trim().split('\n').pop()!) as { committed: number; aborted: number; errors: string[] };
  console.log(`  librdkafka: ${stats.committed} transactions committed, ${stats.aborted} aborted${stats.errors.length ? ` (${[...new Set(stats.errors)].join(', ')})` : ''}`);
  assert.equal(await committedValues('rd-out', COUNT), upper(inputs));
});

test('kafkajs: every input record once in the output, through kill -9 of an output leader', async () => {
  const inputs = await seed('js-in', 'js');
  const k = kafka('js-eos');
  const consumer = k.consumer({ groupId: 'js-eos', readUncommitted: false, maxWaitTimeInMs: 100, sessionTimeout: 15_000 });
  const newProducer = () => k.producer({ transactionalId: 'js-eos', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 20_000 });
  let producer = newProducer();
  const admin = k.admin();
  /** Per input partition, the offset below which every record is carried over: the group's committed offset. */
  const carried = new Map<number, number>();
  const carriedCount = () => [...carried.values()].reduce((a, b) => a + b, 0);
  const stats = { committed: 0, aborted: 0, errors: new Set<string>() };
  await producer.connect();
  await consumer.connect();
  await admin.connect();
  try {
    await consumer.subscribe({ topic: 'js-in', fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // A transaction per 10 records. One that fails is aborted and the program goes on from the
      // group's committed offset, as a Kafka EOS program must: a commit whose answer was lost (the
      // killed broker was this transactional id's home) may have gone through, and kafkajs's own
      // position (the last resolved offset) would then produce its records again.
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length && isRunning() && !isStale(); i += 10) {
          const chunk = batch.messages.slice(i, i + 10);
          const txn = await producer.transaction();
          const next = String(Number(chunk[chunk.length - 1]!.offset) + 1);
          try {
            await txn.send({ topic: 'js-out', messages: chunk.map((m) => ({ value: m.value!.toString().toUpperCase(), partition: batch.partition })) });
            await txn.sendOffsets({ consumerGroupId: 'js-eos', topics: [{ topic: 'js-in', partitions: [{ partition: batch.partition, offset: next }] }] });
            await txn.commit();
          } catch (err) {
            stats.errors.add((err as Error).name);
            stats.aborted++;
            // An abort that fails (INVALID_TXN_STATE after a commit that went through, or retries used
            // up) leaves kafkajs's producer in its transaction for good: as Kafka's docs say, close it
            // and start another with the same transactional id, which fences the old one and waits for
            // its transaction to end.
            await txn.abort().catch(async (abortErr: Error) => {
              stats.errors.add(`abort: ${abortErr.name}`);
              await producer.disconnect().catch(() => undefined);
              producer = newProducer();
              await producer.connect();
            });
            const [offsets] = await admin.fetchOffsets({ groupId: 'js-eos', topics: ['js-in'] });
            const committed = Math.max(0, Number(offsets!.partitions.find((p) => p.partition === batch.partition)!.offset));
            carried.set(batch.partition, committed);
            consumer.seek({ topic: 'js-in', partition: batch.partition, offset: String(committed) });
            return;
          }
          stats.committed++;
          for (const m of chunk) resolveOffset(m.offset);
          carried.set(batch.partition, Number(next));
          await heartbeat();
        }
      },
    });
    await waitFor('a third of the input carried over', () => carriedCount() >= COUNT / 3, { timeoutMs: 60_000 });
    await killLeaderOf('js-out');
    assert.ok(carriedCount() < COUNT, `the program was still running when the leader died (${carriedCount()} of ${COUNT} done)`);
    // The probe's error is what a timeout reports: how far the program got and what failed.
    await waitFor('all the input carried over', () => {
      if (carriedCount() >= COUNT) return true;
      throw new Error(`${carriedCount()} of ${COUNT} done, ${stats.committed} committed, ${stats.aborted} aborted (${[...stats.errors].join(', ')})`);
    }, { timeoutMs: 90_000 });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
  console.log(`  kafkajs: ${stats.committed} transactions committed, ${stats.aborted} aborted${stats.errors.size ? ` (${[...stats.errors].join(', ')})` : ''}`);
  assert.equal(await committedValues('js-out', COUNT), upper(inputs));
});

test.run();
