/**
 * The broker side of transactions (KIP-98) against `yak up --brokers 3`, written by hand as the
 * transaction coordinator would: transactional Produce from three producers, COMMIT and ABORT
 * markers with WriteTxnMarkers on a connection that proved the cluster secret (refused on one that
 * did not), an open transaction holding the last stable offset. Read back read_committed by
 * librdkafka and kafkajs (aborted records dropped, nothing past the LSO), ListOffsets by isolation,
 * and through a kill -9 of the leader: the new leader has the same LSO and aborted list, and the
 * open transaction commits there.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterSecretPath, ClusterSecret } from '../../src/common/cluster-secret.js';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import { connectToCluster } from '../../src/net/cluster-auth.js';
import type { Connection } from '../../src/net/connection.js';
import { DescribeProducersApi } from '../../src/protocol/apis/describe-producers.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { InitProducerIdApi } from '../../src/protocol/apis/init-producer-id.js';
import { ListOffsetsApi } from '../../src/protocol/apis/list-offsets.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { WriteTxnMarkersApi } from '../../src/protocol/apis/write-txn-markers.js';
import { encodeControlBatch } from '../../src/protocol/control-batch.js';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { TopicTail, type TailLine } from '../../src/tui/tail.js';
import { clientFor, coordinatorMetadata, createTopic, destroyAndCheck, partitionOf, waitFor } from '../helpers/failover.js';
import { brokerById, connectBroker, runProcess } from '../helpers/wire.js';

const test = suite('transactions in the log: markers, LSO, read_committed, failover');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TOPIC = 'txn-log';
let cluster: TestCluster | undefined;
const conns: Connection[] = [];

test.after(async () => {
  for (const c of conns) c.close();
  await destroyAndCheck(cluster);
});

interface Producer {
  id: number;
  epoch: number;
  txnId: string;
  /** Next sequence per partition. */
  seq: Map<number, number>;
}

async function leaderConn(partition: number): Promise<Connection> {
  const md = await coordinatorMetadata(cluster!);
  const conn = await connectBroker(cluster!, partitionOf(md, TOPIC, partition).leader);
  conns.push(conn);
  return conn;
}

async function memberConn(brokerId: number): Promise<Connection> {
  const b = brokerById(cluster!, brokerId);
  const conn = await connectToCluster(b.host, b.port, ClusterSecret.fromFile(clusterSecretPath(cluster!.dataDir)), { clientId: 'txn-coordinator-stand-in', requestTimeoutMs: 10_000 });
  conns.push(conn);
  return conn;
}

async function produce(conn: Connection, partition: number, values: string[], p: Producer | null, epoch = p?.epoch ?? -1): Promise<number> {
  const seq = p ? (p.seq.get(partition) ?? 0) : -1;
  const records = encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })), {
    producerId: p?.id ?? -1,
    producerEpoch: epoch,
    baseSequence: seq,
    transactional: p !== null,
  });
  const res = await conn.request(ProduceApi, 9, { transactionalId: p?.txnId ?? null, acks: -1, timeoutMs: 10_000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] });
  const r = res.responses[0]!.partitionResponses[0]!;
  if (r.errorCode === ErrorCode.NONE && p) p.seq.set(partition, seq + values.length);
  return r.errorCode;
}

async function writeMarker(conn: Connection, p: Producer, partition: number, commit: boolean, epoch = p.epoch): Promise<number> {
  const res = await conn.request(WriteTxnMarkersApi, 1, { markers: [{ producerId: p.id, producerEpoch: epoch, transactionResult: commit, coordinatorEpoch: 0, topics: [{ name: TOPIC, partitionIndexes: [partition] }] }] });
  return res.markers[0]!.topics[0]!.partitions[0]!.errorCode;
}

async function fetchPartition(conn: Connection, partition: number, isolationLevel: number) {
  const res = await conn.request(FetchApi, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = res.responses[0]!.partitions[0]!;
  assert.is(p.errorCode, ErrorCode.NONE, errorName(p.errorCode));
  const batches = decodeRecordBatches(p.records ?? Buffer.alloc(0));
  return { highWatermark: Number(p.highWatermark), lastStableOffset: Number(p.lastStableOffset), aborted: (p.abortedTransactions ?? []).map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })), batches };
}

async function latest(conn: Connection, partition: number, isolationLevel: number): Promise<number> {
  const res = await conn.request(ListOffsetsApi, 5, { replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  return Number(res.topics[0]!.partitions[0]!.offset);
}

const A: Producer = { id: -1, epoch: 0, txnId: 'txn-a', seq: new Map() };
const B: Producer = { id: -1, epoch: 0, txnId: 'txn-b', seq: new Map() };
const C: Producer = { id: -1, epoch: 0, txnId: 'txn-c', seq: new Map() };
/** What read_committed readers must see, per partition, while C's transaction is open. */
const COMMITTED = { '0': ['p0-plain', 'a0-1', 'a0-2'], '1': ['b1-1', 'p1-after'] };

test('transactional produce and markers: COMMIT, ABORT with a bumped epoch (fencing), an open transaction', async () => {
  cluster = await startCluster({ brokers: 3 });
  await createTopic(cluster.bootstrap, TOPIC, 2, 3);
  const p0 = await leaderConn(0);
  const p1 = await leaderConn(1);
  for (const p of [A, B, C]) {
    const res = await p0.request(InitProducerIdApi, 1, { transactionalId: null, transactionTimeoutMs: -1 });
    assert.is(res.errorCode, ErrorCode.NONE);
    p.id = Number(res.producerId);
  }
  assert.is(await produce(p0, 0, ['p0-plain'], null), ErrorCode.NONE);
  assert.is(await produce(p0, 0, ['a0-1', 'a0-2'], A), ErrorCode.NONE); // 1-2
  assert.is(await produce(p1, 1, ['b1-1'], B), ErrorCode.NONE); // 0
  assert.is(await produce(p1, 1, ['a1-1', 'a1-2'], A), ErrorCode.NONE); // 1-2

  // A stranger (no cluster secret proven) may not end anyone's transaction.
  assert.is(await writeMarker(p1, A, 1, false), ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  // Nor may a client produce a marker itself.
  const forged = await p1.request(ProduceApi, 9, { transactionalId: 'txn-a', acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 1, records: encodeControlBatch({ producerId: A.id, producerEpoch: 0, commit: false, coordinatorEpoch: 0 }, Date.now()) }] }] });
  assert.is(forged.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.INVALID_RECORD);

  const md = await coordinatorMetadata(cluster);
  const m0 = await memberConn(partitionOf(md, TOPIC, 0).leader);
  const m1 = await memberConn(partitionOf(md, TOPIC, 1).leader);
  assert.is(await writeMarker(m0, A, 0, true), ErrorCode.NONE); // p0@3
  assert.is(await writeMarker(m1, B, 1, true), ErrorCode.NONE); // p1@3
  // The coordinator aborts A's transaction with a bumped epoch (as when a new instance fences it).
  assert.is(await writeMarker(m1, A, 1, false, 1), ErrorCode.NONE); // p1@4
  assert.is(await produce(p1, 1, ['zombie'], A, 0), ErrorCode.INVALID_PRODUCER_EPOCH, 'a batch of the fenced epoch');
  assert.is(await writeMarker(m1, A, 1, true, 0), ErrorCode.INVALID_PRODUCER_EPOCH, 'a marker of the fenced epoch');
  assert.is(await produce(p1, 1, ['p1-after'], null), ErrorCode.NONE); // 5
  assert.is(await produce(p1, 1, ['c1-1'], C), ErrorCode.NONE); // 6: open

  const read = await fetchPartition(p1, 1, 1);
  assert.is(read.highWatermark, 7);
  assert.is(read.lastStableOffset, 6, "C's open transaction holds the LSO");
  assert.equal(read.aborted, [{ producerId: A.id, firstOffset: 1 }]);
  assert.is(read.batches[read.batches.length - 1]!.header.baseOffset, 5, 'read_committed stops at the LSO');
  assert.is((await fetchPartition(p1, 1, 0)).batches.length, 6, 'read_uncommitted reads to the high watermark, markers included');
  assert.is(await latest(p1, 1, 1), 6, 'ListOffsets latest, read_committed: the LSO');
  assert.is(await latest(p1, 1, 0), 7, 'ListOffsets latest, read_uncommitted: the high watermark');
  const producers = await p1.request(DescribeProducersApi, 0, { topics: [{ name: TOPIC, partitionIndexes: [1] }] });
  const active = producers.topics[0]!.partitions[0]!.activeProducers.map((x) => [Number(x.producerId), x.producerEpoch, Number(x.currentTxnStartOffset)]);
  assert.equal(active, [[A.id, 1, -1], [B.id, 0, -1], [C.id, 0, 6]].sort((x, y) => x[0]! - y[0]!), 'DescribeProducers: epochs, and the open transaction of C');
});

test('librdkafka read_committed drops the aborted records and ends at the LSO; read_uncommitted sees all', async () => {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (!probe || probe.code !== 0) {
    console.log('  skipped: needs Debian package python3-confluent-kafka');
    return;
  }
  const script = path.join(FIXTURES, 'librdkafka-read-committed.py');
  const committed = await runProcess('/usr/bin/python3', [script, cluster!.bootstrap, TOPIC, '2', 'read_committed'], { timeoutMs: 60_000 });
  assert.is(committed.code, 0, committed.stderr.slice(-2000));
  const out = JSON.parse(committed.stdout.trim().split('\n').pop()!) as { values: Record<string, string[]>; eof: Record<string, number> };
  assert.equal(out.values, COMMITTED);
  assert.equal(out.eof, { '0': 4, '1': 6 }, 'end of partition at the LSO');
  const all = await runProcess('/usr/bin/python3', [script, cluster!.bootstrap, TOPIC, '2', 'read_uncommitted'], { timeoutMs: 60_000 });
  assert.is(all.code, 0, all.stderr.slice(-2000));
  const everything = JSON.parse(all.stdout.trim().split('\n').pop()!) as { values: Record<string, string[]> };
  assert.equal(everything.values['1'], ['b1-1', 'a1-1', 'a1-2', 'p1-after', 'c1-1'], 'control batches are never records');
});

test('kafkajs readUncommitted: false drops the aborted records and reads nothing past the LSO', async () => {
  const kafka = new Kafka({ clientId: 'yak-txn-log-test', brokers: cluster!.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'kafkajs-read-committed', readUncommitted: false, maxWaitTimeInMs: 200 });
  const seen: Record<string, string[]> = { '0': [], '1': [] };
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen[String(partition)]!.push(message.value!.toString()) });
    await waitFor('kafkajs read the committed records', () => seen['0']!.length >= 3 && seen['1']!.length >= 2, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1500)); // anything past the LSO would arrive now
  } finally {
    await consumer.disconnect();
  }
  assert.equal(seen, COMMITTED);
});

/** `yak consume` output (--json) as values per partition. */
async function yakConsume(extra: string[]): Promise<Record<string, string[]>> {
  const res = await runYak(['consume', '--topic', TOPIC, '--from-beginning', '--json', '--idle-timeout-ms', '2000', '--bootstrap', cluster!.bootstrap, ...extra], { timeoutMs: 30_000 });
  assert.is(res.code, 0, res.stderr);
  const out: Record<string, string[]> = { '0': [], '1': [] };
  for (const line of res.stdout.trim().split('\n')) {
    const r = JSON.parse(line) as { partition: number; value: string };
    out[String(r.partition)]!.push(r.value);
  }
  return out;
}

test('yak consume --isolation read_committed (plain and --group) drops aborted records and stops at the LSO; the default reads uncommitted, never a marker', async () => {
  assert.equal(await yakConsume(['--isolation', 'read_committed']), COMMITTED);
  assert.equal(await yakConsume(['--isolation', 'read_committed', '--group', 'yak-read-committed']), COMMITTED);
  assert.equal(await yakConsume([]), { '0': ['p0-plain', 'a0-1', 'a0-2'], '1': ['b1-1', 'a1-1', 'a1-2', 'p1-after', 'c1-1'] }, 'read_uncommitted by default: every record, no control batch');
});

test("the TUI's consume pane shows every record and never a marker", async () => {
  const client = clientFor(cluster!.bootstrap, 'txn-log-tail');
  const lines: TailLine[] = [];
  const tail = new TopicTail(client, { topic: TOPIC, start: 'beginning' }, (l) => lines.push(...l), () => undefined);
  try {
    tail.start();
    await waitFor('the tail read every record', () => lines.length >= 8, { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1000)); // a marker line would arrive now
  } finally {
    tail.stop();
    client.close();
  }
  assert.equal(lines.map((l) => `${l.partition}@${l.offset}:${l.value}`).sort(), ['0@0:p0-plain', '0@1:a0-1', '0@2:a0-2', '1@0:b1-1', '1@1:a1-1', '1@2:a1-2', '1@5:p1-after', '1@6:c1-1']);
});

test('kill -9 of the leader: the new leader has the same LSO and aborted list; the open transaction commits there', async () => {
  const before = partitionOf(await coordinatorMetadata(cluster!), TOPIC, 1);
  const res = await cluster!.supervisor.handleControl('kill', `broker-${before.leader}`);
  assert.match(res.message, `killed broker-${before.leader}`);
  const after = await waitFor('a new leader for partition 1', async () => {
    const p = partitionOf(await coordinatorMetadata(cluster!), TOPIC, 1);
    return p.leader >= 0 && p.leader !== before.leader ? p : null;
  }, { timeoutMs: 20_000 });
  const conn = await connectBroker(cluster!, after.leader);
  conns.push(conn);
  // The new leader's high watermark catches up once the other follower fetches in its epoch.
  const read = await waitFor('the new leader serving read_committed', async () => {
    const r = await fetchPartition(conn, 1, 1).catch(() => null);
    return r && r.highWatermark === 7 ? r : null;
  }, { timeoutMs: 20_000 });
  assert.is(read.lastStableOffset, 6, 'C is still open on the new leader');
  assert.equal(read.aborted, [{ producerId: A.id, firstOffset: 1 }]);
  assert.is(await produce(conn, 1, ['zombie'], A, 0), ErrorCode.INVALID_PRODUCER_EPOCH, 'the new leader fences the old epoch too');
  const member = await memberConn(after.leader);
  assert.is(await writeMarker(member, C, 1, true), ErrorCode.NONE);
  const done = await fetchPartition(conn, 1, 1);
  assert.is(done.lastStableOffset, 8, 'the commit is under the high watermark: the LSO is the high watermark');
  const values = done.batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
  assert.ok(values.includes('c1-1'), 'the committed record is readable');
});

test.run();
