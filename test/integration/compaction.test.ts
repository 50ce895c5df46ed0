/**
 * Log compaction on a real 3-broker cluster (the cleaner every 100 ms): 10,000 updates over 100 keys
 * and tombstones for 10 of them, written by kafkajs to a cleanup.policy=compact topic with 4 KB
 * segments, the cleaner held off (min.cleanable.dirty.ratio=1) until `yak topic alter` lowers the
 * ratio. Then every replica (each cleans its own copy) keeps the latest value of each key at the
 * offset it was acknowledged with, keeps tombstones until delete.retention.ms after the pass that
 * kept them, and then drops them; kcat (`-C -e`) and `yak consume` read the compacted range with its
 * gaps; the stored bytes shrink; a follower rebuilt from scratch fetches the compacted range from its
 * leader. A record without a key is refused, as Kafka refuses it.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeRecordBatches } from '../../src/protocol/record-batch.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { coordinatorMetadata, createTopic, destroyAndCheck, partitionOf, waitFor } from '../helpers/failover.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('compaction: cleanup.policy=compact on a 3-broker cluster, read back by kcat and yak consume');
let cluster: TestCluster;

const TOPIC = 'compacted';
const PARTITIONS = 2;
const KEYS = 100;
const UPDATES = 10_000;
const DELETED = 10;
const DELETE_RETENTION_MS = 8000;

test.before(async () => {
  cluster = await startCluster({ brokers: 3, brokerArgs: ['--log-cleaner-backoff-ms', '100'] });
});
test.after(() => destroyAndCheck(cluster));

interface StoredRecord {
  offset: number;
  key: string;
  value: string | null;
}

/** One replica's copy of a partition, read from its SQLite file while the broker runs: its records and stored batch bytes. */
function stored(brokerId: number, partition: number): { records: StoredRecord[]; bytes: number; endOffset: number } {
  const db = new Database(path.join(cluster.dataDir, `broker-${brokerId}`, 'log.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT last_offset, bytes FROM batches WHERE topic = ? AND partition = ? ORDER BY base_offset').all(TOPIC, partition) as { last_offset: number; bytes: Buffer }[];
    const records = decodeRecordBatches(Buffer.concat(rows.map((r) => r.bytes))).flatMap((b) => b.records.map((r) => ({ offset: r.offset, key: r.key!.toString(), value: r.value?.toString() ?? null })));
    return { records, bytes: rows.reduce((n, r) => n + r.bytes.length, 0), endOffset: rows.length > 0 ? rows[rows.length - 1]!.last_offset + 1 : 0 };
  } finally {
    db.close();
  }
}

/** What was acknowledged: per partition, each key's last record (offset, value; null for a tombstone), and the log end. */
const expected = Array.from({ length: PARTITIONS }, () => ({ latest: new Map<string, { offset: number; value: string | null }>(), end: 0 }));
const isDataKey = (k: string) => k.startsWith('key-');

/** The data keys' records of a replica are compacted: one per key, the latest, at its offset (tombstones too, if `withTombstones`). */
function compactedAsExpected(records: StoredRecord[], partition: number, withTombstones: boolean): boolean {
  const data = records.filter((r) => isDataKey(r.key));
  const want = [...expected[partition]!.latest].filter(([k, v]) => isDataKey(k) && (withTombstones || v.value !== null)).map(([key, v]) => ({ offset: v.offset, key, value: v.value })).sort((a, b) => a.offset - b.offset);
  return JSON.stringify(data) === JSON.stringify(want);
}

function replicasOf(md: Awaited<ReturnType<typeof coordinatorMetadata>>, partition: number): { leader: number; replicas: number[] } {
  const p = partitionOf(md, TOPIC, partition);
  return { leader: p.leader, replicas: p.replicas };
}

/** Reads `count` records from the beginning in a kafkajs consumer group. */
async function consumeWithKafkajs(count: number): Promise<{ partition: number; offset: number; key: string; value: string | null }[]> {
  const kafka = new Kafka({ clientId: 'yak-compaction-reader', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'compaction-reader', maxWaitTimeInMs: 200 });
  const out: { partition: number; offset: number; key: string; value: string | null }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void out.push({ partition, offset: Number(message.offset), key: message.key!.toString(), value: message.value?.toString() ?? null }) });
    await waitFor(`kafkajs reading ${count} records`, () => out.length >= count, { timeoutMs: 20_000 });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

test('10,000 updates over 100 keys and 10 tombstones: every replica keeps the latest value per key at its offset, then drops the tombstones; the log shrinks', async () => {
  await createTopic(cluster.bootstrap, TOPIC, PARTITIONS, 3, {
    'cleanup.policy': 'compact',
    'segment.bytes': '4096',
    'min.cleanable.dirty.ratio': '1', // never above it: the cleaner waits until the alter below
    'delete.retention.ms': String(DELETE_RETENTION_MS),
  });
  const kafka = new Kafka({ clientId: 'yak-compaction-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const send = async (messages: { key: string; value: string | null; partition: number }[]) => {
      const acks = await producer.send({ topic: TOPIC, acks: -1, messages });
      for (const a of acks) {
        const inPartition = messages.filter((m) => m.partition === a.partition);
        inPartition.forEach((m, i) => expected[a.partition]!.latest.set(m.key, { offset: Number(a.baseOffset) + i, value: m.value }));
        expected[a.partition]!.end = Number(a.baseOffset) + inPartition.length;
      }
    };
    // Keys in their partition by number (even/odd), 100 records per request: one batch per partition each.
    for (let i = 0; i < UPDATES; i += 100) {
      await send(Array.from({ length: 100 }, (_, j) => ({ key: `key-${(i + j) % KEYS}`, value: `value-${i + j}`, partition: ((i + j) % KEYS) % PARTITIONS })));
    }
    await send(Array.from({ length: DELETED }, (_, k) => ({ key: `key-${k}`, value: null, partition: k % PARTITIONS })));
    // More than a segment of other records after them, so every data key lies before the active segment.
    for (let i = 0; i < 12; i++) await send(Array.from({ length: 40 }, (_, j) => ({ key: 'filler', value: `filler-${i}-${j}`, partition: j % PARTITIONS })));
  } finally {
    await producer.disconnect();
  }

  const ids = cluster.file.brokers.map((b) => b.id);
  const before = await waitFor('every replica holding everything acknowledged', () => {
    const sizes = ids.flatMap((id) => Array.from({ length: PARTITIONS }, (_, p) => stored(id, p)));
    return sizes.every((s, i) => s.endOffset === expected[i % PARTITIONS]!.end) ? sizes.reduce((n, s) => n + s.bytes, 0) : null;
  });
  assert.ok(
    ids.every((id) => stored(id, 0).records.length + stored(id, 1).records.length === UPDATES + DELETED + 12 * 40),
    'nothing cleaned while min.cleanable.dirty.ratio is 1',
  );

  const altered = await runYak(['topic', 'alter', TOPIC, '--config', 'min.cleanable.dirty.ratio=0.01', '--bootstrap', cluster.bootstrap]);
  assert.is(altered.code, 0, altered.stderr);
  const cleaned = await waitFor('every replica compacted, tombstones kept', () =>
    ids.every((id) => Array.from({ length: PARTITIONS }, (_, p) => p).every((p) => compactedAsExpected(stored(id, p).records, p, true))),
  );
  assert.ok(cleaned);
  const sizeOf = () => ids.reduce((n, id) => n + stored(id, 0).bytes + stored(id, 1).bytes, 0);
  const compacted = sizeOf();
  for (const id of ids) assert.ok(cluster.log.some((l) => l.startsWith(`broker-${id}:`) && /cleaned compacted-\d offsets 0-\d+: \d+ -> \d+ bytes/.test(l)), `broker-${id} logs what it cleaned`);

  await waitFor(
    'the tombstones gone after delete.retention.ms',
    () => ids.every((id) => Array.from({ length: PARTITIONS }, (_, p) => p).every((p) => compactedAsExpected(stored(id, p).records, p, false))),
    { timeoutMs: DELETE_RETENTION_MS + 20_000 },
  );
  const after = sizeOf();
  console.log(`compaction: stored batch bytes of ${TOPIC} over 3 replicas: ${before} before, ${compacted} compacted with tombstones, ${after} after delete.retention.ms`);
  assert.ok(after < before / 10, `the log shrank: ${before} -> ${after} bytes`);
  for (let p = 0; p < PARTITIONS; p++) {
    const leaderEnd = stored(ids[0]!, p).endOffset;
    assert.is(leaderEnd, expected[p]!.end, 'the log end does not move');
  }
});

test('kcat -C -e and yak consume read the compacted range: the latest value per key at its original offset, no tombstones', async () => {
  const kcat = await runProcess('/usr/bin/kcat', ['-b', cluster.bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-Z', '-f', '%p %o %k %S %s\n'], { timeoutMs: 20_000 });
  assert.is(kcat.code, 0, kcat.stderr);
  const kcatRecords = kcat.stdout.trim().split('\n').map((l) => {
    const [p, o, k, len, ...v] = l.split(' ');
    return { partition: Number(p), offset: Number(o), key: k!, value: len === '-1' ? null : v.join(' ') };
  });
  const consumed = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--from-beginning', '--json', '--max-messages', String(kcatRecords.length), '--idle-timeout-ms', '5000']);
  assert.is(consumed.code, 0, consumed.stderr);
  const yakRecords = consumed.stdout.trim().split('\n').map((l) => {
    const { partition, offset, key, value } = JSON.parse(l) as { partition: number; offset: number; key: string; value: string | null };
    return { partition, offset, key, value };
  });
  const byOffset = (a: { partition: number; offset: number }, b: { partition: number; offset: number }) => a.partition - b.partition || a.offset - b.offset;
  assert.equal(yakRecords.sort(byOffset), [...kcatRecords].sort(byOffset), 'yak consume reads what kcat reads');
  assert.equal((await consumeWithKafkajs(kcatRecords.length)).sort(byOffset), [...kcatRecords].sort(byOffset), 'so does a kafkajs consumer group');
  for (let p = 0; p < PARTITIONS; p++) {
    const records = kcatRecords.filter((r) => r.partition === p).map(({ offset, key, value }) => ({ offset, key, value }));
    assert.ok(compactedAsExpected(records, p, false), `partition ${p}: one record per live key, its latest value at its offset`);
    assert.ok(records.every((r) => r.value !== null), 'no tombstone left');
    assert.ok(records.some((r) => r.key === 'filler'), 'the active segment is read too');
  }
  assert.ok(kcatRecords.length < 1000, `${kcatRecords.length} records left of ${UPDATES + DELETED + 480}`);
});

test("a follower rebuilt from scratch fetches its leader's compacted range, gaps and thinned batches, and rejoins the ISR", async () => {
  const md = await coordinatorMetadata(cluster);
  const { leader, replicas } = replicasOf(md, 0);
  const follower = replicas.find((r) => r !== leader)!;
  const res = await cluster.supervisor.handleControl('restart', `broker-${follower}`, { rebuild: true });
  assert.not.ok(res.failed, res.message);
  await waitFor(
    'the rebuilt follower holding the compacted partitions, back in the ISR',
    async () => {
      const state = await coordinatorMetadata(cluster);
      return Array.from({ length: PARTITIONS }, (_, p) => p).every((p) => stored(follower, p).endOffset === expected[p]!.end && compactedAsExpected(stored(follower, p).records, p, false) && partitionOf(state, TOPIC, p).isr.includes(follower));
    },
    { timeoutMs: 30_000 },
  );
  assert.ok(stored(follower, 0).records.length < 1000, 'it holds the compacted copy (and cleans it itself)');
});

test('cleaning while kafkajs writes (acks=all): every replica ends with the last acknowledged value of every key, nothing else of them', async () => {
  const topic = 'busy-compacted';
  await createTopic(cluster.bootstrap, topic, 1, 3, { 'cleanup.policy': 'compact', 'segment.bytes': '2048', 'min.cleanable.dirty.ratio': '0.01' });
  const kafka = new Kafka({ clientId: 'yak-compaction-busy', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const latest = new Map<string, { offset: number; value: string }>();
  let end = 0;
  try {
    for (let i = 0; i < 4000; i += 40) {
      const messages = Array.from({ length: 40 }, (_, j) => ({ key: `key-${(i + j) % 50}`, value: `value-${i + j}` }));
      const [ack] = await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ ...m, partition: 0 })) });
      messages.forEach((m, j) => latest.set(m.key, { offset: Number(ack!.baseOffset) + j, value: m.value }));
      end = Number(ack!.baseOffset) + messages.length;
    }
    for (let i = 0; i < 10; i++) end = Number((await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, j) => ({ key: 'filler', value: `f-${i}-${j}`, partition: 0 })) }))[0]!.baseOffset) + 20;
  } finally {
    await producer.disconnect();
  }
  const want = JSON.stringify([...latest].map(([key, v]) => ({ offset: v.offset, key, value: v.value })).sort((a, b) => a.offset - b.offset));
  const ids = cluster.file.brokers.map((b) => b.id);
  const read = (id: number) => {
    const db = new Database(path.join(cluster.dataDir, `broker-${id}`, 'log.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT bytes FROM batches WHERE topic = ? AND partition = 0 ORDER BY base_offset').all(topic) as { bytes: Buffer }[];
      return decodeRecordBatches(Buffer.concat(rows.map((r) => r.bytes))).flatMap((b) => b.records.map((r) => ({ offset: r.offset, key: r.key!.toString(), value: r.value!.toString() })));
    } finally {
      db.close();
    }
  };
  await waitFor('every replica compacted to the last acknowledged values', () =>
    ids.every((id) => {
      const records = read(id);
      return records[records.length - 1]?.offset === end - 1 && JSON.stringify(records.filter((r) => r.key !== 'filler')) === want;
    }),
  );
  assert.ok(cluster.log.filter((l) => l.includes(`cleaned ${topic}-0`)).length >= 3, 'cleaned more than once along the way, on every broker');
});

test('a record without a key is refused by a compacted topic (INVALID_RECORD), and the topic describes its compaction configs', async () => {
  const res = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '-p', '0', '--delivery-timeout-ms', '5000'], { input: 'no key here\n' });
  assert.is.not(res.code, 0);
  assert.match(res.stderr, /INVALID_RECORD/);
  const described = JSON.parse((await runYak(['topic', 'describe', TOPIC, '--json', '--bootstrap', cluster.bootstrap])).stdout) as { configs: Record<string, string>; partitions: { partition: number; replicaBytes: Record<string, number> }[] };
  assert.is(described.configs['min.cleanable.dirty.ratio'], '0.01');
  assert.is(described.configs['min.compaction.lag.ms'], '0', "Kafka's default shown");
  const leaders = (await coordinatorMetadata(cluster)).topics.find((t) => t.name === TOPIC)!.partitions;
  for (const p of described.partitions) {
    const leader = leaders.find((x) => x.partition === p.partition)!.leader;
    assert.is(p.replicaBytes[leader], stored(leader, p.partition).bytes, `partition ${p.partition}: the leader's stored bytes`);
  }
  const text = await runYak(['topic', 'describe', TOPIC, '--bootstrap', cluster.bootstrap]);
  assert.match(text.stdout, /PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOG-START\s+HIGH-WATERMARK\s+RECORDS\s+BYTES/);
});

test.run();
