import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionForKey } from '../../src/client/partitioner.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { CompressionCodec } from '../../src/protocol/compression.js';
import { connectBroker, fetchBatches, leaders, metadata, runProcess } from '../helpers/wire.js';

const test = suite('kcat (librdkafka 2.0) against a 3-broker cluster');
let cluster: TestCluster;

const KCAT = '/usr/bin/kcat';
const TIMEOUT_MS = 20_000;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
});
test.after(async () => {
  await cluster?.destroy();
});

function kcat(args: string[], input?: string) {
  return runProcess(KCAT, ['-b', cluster.bootstrap, ...args], { input, timeoutMs: TIMEOUT_MS });
}

interface Line {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

/** Reads a whole topic with kcat; each output line is `partition offset key=value`. */
async function kcatConsume(topic: string): Promise<Line[]> {
  const res = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %k=%s\n']);
  assert.is(res.code, 0, `kcat -C failed: ${res.stderr}`);
  return res.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^(\d+) (\d+) ([^=]*)=(.*)$/.exec(l);
      assert.ok(m, `unexpected kcat line: ${l}`);
      return { partition: Number(m![1]), offset: Number(m![2]), key: m![3]!, value: m![4]! };
    });
}

/** Per partition, offsets are 0..n-1 and values keep the order of `sent` (values are unique). */
function assertPerPartitionOrder(lines: Line[], sent: string[]): void {
  const pos = new Map(sent.map((v, i) => [v, i]));
  const byPartition = new Map<number, Line[]>();
  for (const l of lines) byPartition.set(l.partition, [...(byPartition.get(l.partition) ?? []), l]);
  for (const [p, list] of byPartition) {
    assert.equal(list.map((l) => l.offset), list.map((_, i) => i), `offsets of partition ${p}`);
    const order = list.map((l) => pos.get(l.value)!);
    assert.equal(order, [...order].sort((a, b) => a - b), `partition ${p} keeps send order`);
  }
}

test('kcat -L lists the 3 brokers at their advertised addresses, and the topics', async () => {
  const created = await runYak(['topic', 'create', 'listed', '--bootstrap', cluster.bootstrap, '--partitions', '2']);
  assert.is(created.code, 0, created.stderr);
  const res = await kcat(['-L']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /^ 3 brokers:$/m);
  for (const b of cluster.file.brokers) assert.match(res.stdout, `broker ${b.id} at ${b.host}:${b.port}`);
  assert.match(res.stdout, 'topic "listed" with 2 partitions:');
  const parts = [...res.stdout.matchAll(/partition (\d+), leader (\d+), replicas: ([\d,]+), isrs: ([\d,]+)/g)];
  assert.is(parts.length, 2);
  for (const p of parts) assert.ok(cluster.file.brokers.some((b) => b.id === Number(p[2])), `leader ${p[2]}`);
  // No errors reported for the topic or its partitions (kcat prints `: Broker: <error>` after them).
  assert.not.match(res.stdout, /error|Broker: /i);
});

test('librdkafka negotiates ApiVersions v3 (flexible) and is answered in v3, not sent back to v0', async () => {
  const res = await kcat(['-L', '-d', 'protocol']);
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stderr, /Received ApiVersionResponse \(v3,/);
  assert.not.match(res.stderr, /ApiVersionRequest \(v0/);
});

const KCAT_TOPIC = 'kcat-keyed';
const kcatSent = Array.from({ length: 300 }, (_, i) => `key-${i % 25}:value-${i}`);

test('kcat -P -K: auto-creates the topic through Metadata and every keyed line is stored once', async () => {
  const res = await kcat(['-P', '-t', KCAT_TOPIC, '-K:', '-X', 'topic.partitioner=murmur2_random'], kcatSent.join('\n') + '\n');
  assert.is(res.code, 0, `kcat -P failed: ${res.stderr}`);
  const conn = await connectBroker(cluster, 1);
  try {
    const md = await metadata(conn, [KCAT_TOPIC]);
    assert.is(md.topics[0]!.errorCode, 0, 'topic was auto-created');
    assert.is(md.topics[0]!.partitions.length, 3, 'with the default partition count');
  } finally {
    conn.close();
  }
});

test('kcat -C -o beginning -e returns every kcat line, keyed by murmur2, in per-partition order', async () => {
  const lines = await kcatConsume(KCAT_TOPIC);
  assert.is(lines.length, kcatSent.length);
  assert.equal(lines.map((l) => `${l.key}:${l.value}`).sort(), [...kcatSent].sort());
  for (const l of lines) assert.is(l.partition, partitionForKey(Buffer.from(l.key), 3), `key ${l.key}`);
  assertPerPartitionOrder(lines, kcatSent.map((s) => s.split(':')[1]!));
});

test('kcat with its default (consistent_random) partitioner keeps each key on one partition', async () => {
  const topic = 'kcat-crc';
  const sent = Array.from({ length: 120 }, (_, i) => `k${i % 12}:v${i}`);
  const res = await kcat(['-P', '-t', topic, '-K:'], sent.join('\n') + '\n');
  assert.is(res.code, 0, res.stderr);
  const lines = await kcatConsume(topic);
  assert.is(lines.length, sent.length);
  const where = new Map<string, Set<number>>();
  for (const l of lines) where.set(l.key, (where.get(l.key) ?? new Set()).add(l.partition));
  for (const [k, ps] of where) assert.is(ps.size, 1, `key ${k} on partitions ${[...ps]}`);
  assertPerPartitionOrder(lines, sent.map((s) => s.split(':')[1]!));
});

test('records produced by yak produce are read by kcat', async () => {
  const topic = 'from-yak';
  const sent = Array.from({ length: 500 }, (_, i) => `id-${i % 40}:payload-${i}`);
  const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '--key-separator', ':'], { input: sent.join('\n') + '\n' });
  assert.is(produced.code, 0, produced.stderr);
  const lines = await kcatConsume(topic);
  assert.is(lines.length, sent.length);
  assert.equal(lines.map((l) => `${l.key}:${l.value}`).sort(), [...sent].sort());
  for (const l of lines) assert.is(l.partition, partitionForKey(Buffer.from(l.key), 3));
  assertPerPartitionOrder(lines, sent.map((s) => s.split(':')[1]!));
});

test('records produced by kcat are read by yak consume --from-beginning', async () => {
  const res = await runYak([
    'consume', '--bootstrap', cluster.bootstrap, '--topic', KCAT_TOPIC, '--from-beginning', '--json',
    '--max-messages', String(kcatSent.length), '--idle-timeout-ms', '3000',
  ]);
  assert.is(res.code, 0, res.stderr);
  const rows = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number; key: string; value: string; timestamp: number });
  assert.is(rows.length, kcatSent.length);
  assert.equal(rows.map((r) => `${r.key}:${r.value}`).sort(), [...kcatSent].sort());
  for (const r of rows) {
    assert.is(r.partition, partitionForKey(Buffer.from(r.key), 3));
    assert.ok(Math.abs(r.timestamp - Date.now()) < 120_000, 'kcat sets the create time');
  }
  assertPerPartitionOrder(rows, kcatSent.map((s) => s.split(':')[1]!));
});

/** The codecs of the batches stored in partition 0 of `topic`, read from its leader. */
async function storedCodecs(topic: string): Promise<Set<number>> {
  const any = await connectBroker(cluster, cluster.file.brokers[0]!.id);
  const leader = (await leaders(any, topic)).get(0)!;
  any.close();
  const conn = await connectBroker(cluster, leader);
  try {
    return new Set((await fetchBatches(conn, topic, 0)).map((b) => b.header.attributes & 0x07));
  } finally {
    conn.close();
  }
}

test('compressed batches both ways: kcat -z gzip|snappy|lz4|zstd is read by yak consume, yak produce -z gzip|snappy|lz4 by kcat', async () => {
  const lines = Array.from({ length: 200 }, (_, i) => `k${i % 7}:compressible value ${i} ${'abc'.repeat(20)}`);
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const topic = `kcat-z-${codec}`;
    const produced = await kcat(['-P', '-t', topic, '-p', '0', '-K:', '-z', codec], lines.join('\n') + '\n');
    assert.is(produced.code, 0, `kcat -P -z ${codec}: ${produced.stderr}`);
    assert.equal(await storedCodecs(topic), new Set([CompressionCodec[codec]]), `kcat stored ${codec} batches`);
    const read = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--from-beginning', '-K:', '--max-messages', String(lines.length), '--idle-timeout-ms', '3000']);
    assert.is(read.code, 0, `yak consume of ${codec}: ${read.stderr}`);
    assert.equal(read.stdout.trim().split('\n'), lines, `yak reads kcat's ${codec} batches in order`);
  }
  for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
    const topic = `yak-z-${codec}`;
    const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '-p', '0', '-K:', '--compression', codec], { input: lines.join('\n') + '\n' });
    assert.is(produced.code, 0, `yak produce --compression ${codec}: ${produced.stderr}`);
    assert.equal(await storedCodecs(topic), new Set([CompressionCodec[codec]]), `yak stored ${codec} batches`);
    const read = await kcatConsume(topic);
    assert.equal(read.map((l) => `${l.key}:${l.value}`), lines, `kcat reads yak's ${codec} batches in order`);
  }
});

test('kcat -C on a topic that does not exist reports it and exits non-zero', async () => {
  const res = await kcat(['-C', '-t', 'never-created', '-o', 'beginning', '-e', '-X', 'allow.auto.create.topics=false']);
  assert.is.not(res.code, 0);
  assert.match(res.stderr, /Unknown topic|not available/i);
});

test('kcat -G (balanced consumer) reads what yak produce wrote and commits: a second run reads nothing old, yak group describe shows lag 0', async () => {
  const topic = 'kcat-group';
  const input = Array.from({ length: 30 }, (_, i) => `g${i}:value-${i}`);
  const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '-K', ':'], { input: input.join('\n') + '\n' });
  assert.is(produced.code, 0, produced.stderr);
  // -o beginning would force the start offset on every assignment; with a group, auto.offset.reset decides.
  const groupConsume = () => kcat(['-G', 'kcat-readers', topic, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%k:%s\n']);
  const first = await groupConsume();
  assert.is(first.code, 0, first.stderr);
  assert.equal(first.stdout.split('\n').filter(Boolean).sort(), [...input].sort());
  const second = await groupConsume();
  assert.is(second.code, 0, second.stderr);
  assert.is(second.stdout, '', 'everything was committed by the first run');

  const described = await runYak(['group', 'describe', 'kcat-readers', '--json', '--bootstrap', cluster.bootstrap]);
  assert.is(described.code, 0, described.stderr);
  const d = JSON.parse(described.stdout) as { state: string; partitions: { committedOffset: number; lag: number }[] };
  assert.is(d.state, 'Empty');
  assert.equal(d.partitions.map((p) => p.lag), [0, 0, 0]);
  assert.is(d.partitions.reduce((n, p) => n + p.committedOffset, 0), 30);
});

test.run();
