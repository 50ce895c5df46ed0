/**
 * Timestamps as a Kafka leader validates them, on a real 3-broker cluster (retention checked every
 * 100 ms): a batch whose header says max timestamp -1 (as Sarama 1.22 writes it) is stored with the
 * max its records carry, so retention keeps it, every replica holds the same rewritten bytes with a
 * valid CRC, kcat (checking CRCs) reads its timestamps and kafkajs finds it by time;
 * message.timestamp.type=LogAppendTime stamps the broker's clock; message.timestamp.difference.max.ms
 * refuses a record outside it with INVALID_TIMESTAMP and stores nothing. The brokers run with
 * --log-message-timestamp-type LogAppendTime, so a topic that sets no type tests that default, and
 * the CreateTime topics say so.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { ProduceApi, type ProducePartitionResponse } from '../../src/protocol/apis/produce.js';
import { CompressionCodec } from '../../src/protocol/compression.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { encodeRecordBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { withHeaderMaxTimestamp } from '../helpers/batches.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectTo, coordinatorMetadata, createTopic, destroyAndCheck, partitionOf, sleep, waitFor } from '../helpers/failover.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('timestamps: derived max timestamp, LogAppendTime, difference.max.ms');
let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3, brokerArgs: ['--log-retention-check-interval-ms', '100', '--log-message-timestamp-type', 'LogAppendTime'] });
});
test.after(() => destroyAndCheck(cluster));

interface StoredBatch {
  baseOffset: number;
  maxTimestampColumn: number;
  bytes: Buffer;
}

/** One replica's batches and log start, read from its SQLite file while the broker runs. */
function stored(brokerId: number, topic: string): { logStartOffset: number; batches: StoredBatch[] } {
  const db = new Database(path.join(cluster.dataDir, `broker-${brokerId}`, 'log.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT base_offset, max_timestamp, bytes FROM batches WHERE topic = ? AND partition = 0 ORDER BY base_offset').all(topic) as { base_offset: number; max_timestamp: number; bytes: Buffer }[];
    const state = db.prepare('SELECT log_start_offset FROM partitions WHERE topic = ? AND partition = 0').get(topic) as { log_start_offset: number } | undefined;
    return { logStartOffset: state?.log_start_offset ?? 0, batches: rows.map((r) => ({ baseOffset: r.base_offset, maxTimestampColumn: r.max_timestamp, bytes: r.bytes })) };
  } finally {
    db.close();
  }
}

/** A connection to the leader of `topic`-0. */
async function leaderConnection(topic: string): Promise<Connection> {
  const leader = await waitFor(`a leader for ${topic}-0`, async () => {
    const l = partitionOf(await coordinatorMetadata(cluster), topic, 0).leader;
    return l >= 0 ? l : null;
  });
  return connectTo(cluster, leader);
}

async function produce(conn: Connection, topic: string, records: Buffer): Promise<ProducePartitionResponse> {
  const res = await conn.request(ProduceApi, 7, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0]!.partitionResponses[0]!;
}

/** kcat reading partition 0 from the beginning, verifying every batch's CRC: `offset timestamp value` per record. */
async function kcatTimestamps(topic: string): Promise<[number, number, string][]> {
  const res = await runProcess('/usr/bin/kcat', ['-b', cluster.bootstrap, '-X', 'check.crcs=true', '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %T %s\\n'], { timeoutMs: 20_000 });
  assert.is(res.code, 0, `kcat -C failed: ${res.stderr}`);
  assert.not.match(res.stderr, /CRC|corrupt/i, 'kcat found no bad CRC');
  return res.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [o, t, v] = l.split(' ');
      return [Number(o), Number(t), v!];
    });
}

const rec = (value: string, timestamp: number) => ({ key: null, value: Buffer.from(value), timestamp });
const crcHolds = (b: Buffer) => crc32c(b, 21) === b.readUInt32BE(17);

test('a batch with header max timestamp -1 survives retention.ms on every replica, stored with its records max and a valid CRC; kcat and kafkajs read its timestamps', async () => {
  const topic = 'sarama-style';
  // Old enough that retention.ms would delete it if the header's -1 were believed, recent enough to keep.
  await createTopic(cluster.bootstrap, topic, 1, 3, { 'message.timestamp.type': 'CreateTime', 'retention.ms': '600000' });
  const t = Date.now() - 60_000;
  const conn = await leaderConnection(topic);
  try {
    for (const [i, compression] of [CompressionCodec.none, CompressionCodec.gzip].entries()) {
      const batch = withHeaderMaxTimestamp(encodeRecordBatch([rec(`b${i}-r0`, t + 10 * i), rec(`b${i}-r1`, t + 10 * i + 5)], { compression }), -1);
      const r = await produce(conn, topic, batch);
      assert.is(r.errorCode, ErrorCode.NONE, `batch ${i} acknowledged`);
      assert.is(Number(r.baseOffset), 2 * i);
      assert.is(Number(r.logAppendTimeMs), -1, 'CreateTime: no log append time');
    }
  } finally {
    conn.close();
  }

  const ids = cluster.file.brokers.map((b) => b.id);
  await waitFor('every replica holds both batches', () => ids.every((id) => stored(id, topic).batches.length === 2));
  await sleep(1500); // fifteen retention checks
  const logs = ids.map((id) => stored(id, topic));
  for (const [i, log] of logs.entries()) {
    const who = `broker-${ids[i]}`;
    assert.is(log.logStartOffset, 0, `${who}: retention deleted nothing`);
    assert.equal(log.batches.map((b) => b.baseOffset), [0, 2], `${who}: both batches kept`);
    for (const [j, b] of log.batches.entries()) {
      const h = readBatchHeader(b.bytes);
      assert.is(h.maxTimestamp, t + 10 * j + 5, `${who} batch ${j}: the header says the records' max`);
      assert.is(b.maxTimestampColumn, h.maxTimestamp, `${who} batch ${j}: the max_timestamp column agrees`);
      assert.ok(crcHolds(b.bytes), `${who} batch ${j}: CRC recomputed`);
      assert.ok(b.bytes.equals(logs[0]!.batches[j]!.bytes), `${who} batch ${j}: the same bytes as broker-${ids[0]}`);
    }
  }

  assert.equal(await kcatTimestamps(topic), [
    [0, t, 'b0-r0'],
    [1, t + 5, 'b0-r1'],
    [2, t + 10, 'b1-r0'],
    [3, t + 15, 'b1-r1'],
  ]);

  // ListOffsets by time finds the batch by its derived max timestamp (kafkajs's admin asks the leader).
  const admin = new Kafka({ clientId: 'timestamps-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [atT5] = await admin.fetchTopicOffsetsByTimestamp(topic, t + 5);
    const [atT11] = await admin.fetchTopicOffsetsByTimestamp(topic, t + 11);
    assert.equal([atT5!.offset, atT11!.offset], ['1', '3']);
  } finally {
    await admin.disconnect();
  }
});

test('LogAppendTime (the brokers\' log.message.timestamp.type): the leader stamps its clock on the batch, whatever the producer said; retention judges by it', async () => {
  const topic = 'log-append-time';
  await createTopic(cluster.bootstrap, topic, 1, 3, { 'retention.ms': '600000' });
  const conn = await leaderConnection(topic);
  const before = Date.now();
  let r: ProducePartitionResponse;
  try {
    r = await produce(conn, topic, encodeRecordBatch([rec('from-1970-a', 1000), rec('from-1970-b', 2000)]));
  } finally {
    conn.close();
  }
  const after = Date.now();
  assert.is(r.errorCode, ErrorCode.NONE);
  const appendTime = Number(r.logAppendTimeMs);
  assert.ok(appendTime >= before && appendTime <= after, `the response's log append time ${appendTime} is the broker's clock`);

  const ids = cluster.file.brokers.map((b) => b.id);
  await waitFor('every replica holds the batch', () => ids.every((id) => stored(id, topic).batches.length === 1));
  await sleep(500);
  for (const id of ids) {
    const [b] = stored(id, topic).batches;
    assert.ok(b, `broker-${id}: retention kept the batch its producer dated 1970`);
    const h = readBatchHeader(b!.bytes);
    assert.is(h.attributes & 0x08, 0x08, `broker-${id}: LogAppendTime bit`);
    assert.equal([h.maxTimestamp, b!.maxTimestampColumn], [appendTime, appendTime], `broker-${id}: max timestamp is the append time`);
    assert.ok(crcHolds(b!.bytes), `broker-${id}: CRC recomputed`);
  }
  assert.equal(await kcatTimestamps(topic), [
    [0, appendTime, 'from-1970-a'],
    [1, appendTime, 'from-1970-b'],
  ]);
  const described = await runYak(['topic', 'describe', topic, '--json', '--bootstrap', cluster.bootstrap]);
  assert.is(JSON.parse(described.stdout).configs['message.timestamp.type'], 'LogAppendTime', 'DescribeConfigs shows the broker default');
});

test('message.timestamp.difference.max.ms: a record outside it is refused with INVALID_TIMESTAMP and nothing is stored; kafkajs sees the error', async () => {
  const topic = 'difference-max';
  await createTopic(cluster.bootstrap, topic, 1, 3, { 'message.timestamp.type': 'CreateTime', 'message.timestamp.difference.max.ms': '60000' });
  const conn = await leaderConnection(topic);
  try {
    const now = Date.now();
    const old = await produce(conn, topic, encodeRecordBatch([rec('fine', now), rec('an-hour-old', now - 3_600_000)]));
    assert.is(old.errorCode, ErrorCode.INVALID_TIMESTAMP, 'a record an hour old');
    const future = await produce(conn, topic, encodeRecordBatch([rec('an-hour-ahead', now + 3_600_000)]));
    assert.is(future.errorCode, ErrorCode.INVALID_TIMESTAMP, 'a record an hour ahead');
    const ok = await produce(conn, topic, encodeRecordBatch([rec('now', Date.now())]));
    assert.equal([ok.errorCode, Number(ok.baseOffset)], [ErrorCode.NONE, 0], 'a current record is stored, first in the log');
  } finally {
    conn.close();
  }

  const producer = new Kafka({ clientId: 'timestamps-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer();
  await producer.connect();
  try {
    const err = await producer.send({ topic, messages: [{ value: 'stale', timestamp: String(Date.now() - 3_600_000), partition: 0 }] }).then(
      () => null,
      (e: Error & { type?: string; retriable?: boolean }) => e,
    );
    assert.equal([err?.type, err?.retriable], ['INVALID_TIMESTAMP', false], `kafkajs: ${err?.message}`);
  } finally {
    await producer.disconnect();
  }
  assert.equal((await kcatTimestamps(topic)).map(([o, , v]) => [o, v]), [[0, 'now']], 'only the current record was stored');
});

test.run();
