/**
 * A compacted topic written in transactions (as Kafka Streams writes its changelogs with
 * exactly-once), on a 3-broker cluster with the cleaner every 100 ms: kafkajs commits and aborts
 * rounds of updates to the same keys, one producer, alternately. Every replica's cleaner removes the
 * aborted transactions' batches and the records their keys' later committed ones shadow, drops the
 * aborted index rows with them and then the markers (after delete.retention.ms), keeping only the
 * last round's marker; a kafkajs read_committed reader sees the latest committed value of every key
 * all along (a dropped marker whose row stayed would hide the producer's next, committed, round).
 * `yak topic describe` shows the last stable offset while a transaction holds it back.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTR_CONTROL, readBatchHeader } from '../../src/protocol/record-batch.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { createTopic, destroyAndCheck, waitFor } from '../helpers/failover.js';

const test = suite('compaction of a transactional topic: read_committed readers, markers and the aborted index');
let cluster: TestCluster;
const TOPIC = 'txn-changelog';
const KEYS = 10;
const ROUNDS = 11; // rounds 0..10: even ones committed, odd ones aborted

test.before(async () => {
  cluster = await startCluster({ brokers: 3, brokerArgs: ['--log-cleaner-backoff-ms', '100'] });
  await createTopic(cluster.bootstrap, TOPIC, 1, 3, { 'cleanup.policy': 'compact', 'segment.bytes': '100', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '1000' });
});
test.after(() => destroyAndCheck(cluster));

const kafka = () => new Kafka({ clientId: 'txn-compaction', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });

/** One replica's stored batches of the topic (control or not) and its aborted index rows, read from its log.db. */
function replica(brokerId: number): { batches: { control: boolean }[]; abortedRows: number } {
  const db = new Database(path.join(cluster.dataDir, `broker-${brokerId}`, 'log.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT bytes FROM batches WHERE topic = ? ORDER BY base_offset').all(TOPIC) as { bytes: Buffer }[];
    const abortedRows = (db.prepare('SELECT COUNT(*) AS n FROM aborted_txns WHERE topic = ?').get(TOPIC) as { n: number }).n;
    return { batches: rows.map((r) => ({ control: (readBatchHeader(r.bytes).attributes & ATTR_CONTROL) !== 0 })), abortedRows };
  } finally {
    db.close();
  }
}

/** Every record ("key=value") a kafkajs consumer at this isolation reads from the start, once `expected` came and half a second more. */
let readers = 0;
async function read(readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka().consumer({ groupId: `reader-${++readers}`, readUncommitted, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.key}=${message.value}`) });
    await waitFor(`${expected} records read`, () => seen.length >= expected, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

test('committed rounds compacted, aborted ones removed with their index rows, markers dropped after delete.retention.ms; read_committed sees the latest committed value of each key', async () => {
  const producer = kafka().producer({ transactionalId: 'changelog', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const t = await producer.transaction();
      await t.send({ topic: TOPIC, messages: Array.from({ length: KEYS }, (_, k) => ({ key: `k${k}`, value: `r${round}`, partition: 0 })) });
      await (round % 2 === 0 ? t.commit() : t.abort());
    }
    // Closes the last round's segment: everything before it can be cleaned.
    const plain = kafka().producer();
    await plain.connect();
    await plain.send({ topic: TOPIC, acks: -1, messages: [{ key: 'end', value: 'end', partition: 0 }] });
    await plain.disconnect();

    const want = [...Array.from({ length: KEYS }, (_, k) => `k${k}=r10`), 'end=end'].sort();

    // Each replica: the aborted rounds' and the shadowed records gone, the rows with them, then every marker but the last round's.
    for (const id of [1, 2, 3]) {
      await waitFor(`broker-${id} compacted the topic and dropped the markers`, () => {
        const r = replica(id);
        const data = r.batches.filter((b) => !b.control).length;
        return r.abortedRows === 0 && r.batches.filter((b) => b.control).length === 1 && data === 2 ? r : null;
      }, { timeoutMs: 30_000 });
    }
    assert.ok(cluster.log.some((l) => /cleaned txn-changelog-0 .*tombstones or markers past delete.retention.ms/.test(l)), 'a pass removed the markers once their horizon passed');
    assert.equal((await read(false, KEYS + 1)).sort(), want, 'read_committed after cleaning: exactly the latest committed value of each key');
    assert.equal((await read(true, KEYS + 1)).sort(), want, 'read_uncommitted too: no aborted record is left');

    // An open transaction holds the last stable offset back: yak topic describe shows it.
    const open = await producer.transaction();
    await open.send({ topic: TOPIC, messages: [{ key: 'k0', value: 'open', partition: 0 }] });
    const described = await runYak(['topic', 'describe', TOPIC, '--json', '--data-dir', cluster.dataDir]);
    assert.is(described.code, 0, described.stderr);
    const p = (JSON.parse(described.stdout) as { partitions: { highWatermark: number; lastStableOffset: number }[] }).partitions[0]!;
    assert.is(p.lastStableOffset, p.highWatermark - 1, `the open transaction's record is past the last stable offset: ${described.stdout}`);
    const text = await runYak(['topic', 'describe', TOPIC, '--data-dir', cluster.dataDir]);
    assert.match(text.stdout, new RegExp(`HIGH-WATERMARK\\s+LAST-STABLE\\s+RECORDS[^\\n]*\\n0\\s+\\d\\s+[\\d,]+\\s+[\\d,]+\\s+\\d+\\s+${p.highWatermark}\\s+${p.lastStableOffset}\\s`));
    await open.commit();
    await waitFor('the last stable offset back at the high watermark', async () => {
      const d = JSON.parse((await runYak(['topic', 'describe', TOPIC, '--json', '--data-dir', cluster.dataDir])).stdout) as { partitions: { highWatermark: number; lastStableOffset: number }[] };
      return d.partitions[0]!.lastStableOffset === d.partitions[0]!.highWatermark;
    });
    assert.not.match((await runYak(['topic', 'describe', TOPIC, '--data-dir', cluster.dataDir])).stdout, 'LAST-STABLE', 'no column when nothing is held back');
  } finally {
    await producer.disconnect();
  }
});

test.run();
