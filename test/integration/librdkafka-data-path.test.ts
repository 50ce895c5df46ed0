/**
 * librdkafka 2.0.2 (Debian python3-confluent-kafka) on the data path against `yak up --brokers 3`:
 * idempotent lz4 produce, a group consumer with small fetch limits reading everything back, and the
 * versions it negotiates with YaK's ranges (its own maxima: Produce v7, Fetch v11 without fetch
 * sessions, ListOffsets v2, InitProducerId v4); an assigned consumer reading on across a leader
 * change (the leader killed between two halves of acks=all records).
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { coordinatorMetadata, partitionOf, waitFor } from '../helpers/failover.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('librdkafka data path');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TOPIC = 'librdkafka-data';
let cluster: TestCluster | undefined;

test.after(async () => {
  await cluster?.destroy();
});

async function librdkafkaMissing(): Promise<boolean> {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (probe && probe.code === 0) return false;
  console.log('  skipped: librdkafka data-path test needs Debian package python3-confluent-kafka');
  return true;
}

test('idempotent lz4 produce of 1000 records and a group consume with fetch.max.bytes=100000: all back, no answer past the limit', async () => {
  if (await librdkafkaMissing()) return;
  cluster = await startCluster({ brokers: 3 });
  const created = await runYak(['topic', 'create', TOPIC, '--partitions', '3', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
  const res = await runProcess('/usr/bin/python3', [path.join(FIXTURES, 'librdkafka-data-path.py'), cluster.bootstrap, TOPIC], { timeoutMs: 120_000 });
  assert.is(res.code, 0, res.stderr.slice(-2000));
  const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { acked: number; consumed: number; highWatermarks: number; largestFetch: number; versions: Record<string, number> };
  assert.is(out.acked, 1000);
  assert.is(out.consumed, 1000);
  assert.is(out.highWatermarks, 1000, 'idempotence stored each record once');
  // fetch.max.bytes, plus one whole batch (at most 16 KiB here) that KIP-74 lets through, plus headers.
  assert.ok(out.largestFetch <= 100_000 + 16_384 + 1024, `largest Fetch answer ${out.largestFetch} bytes`);
  assert.equal(
    { Produce: out.versions.Produce, Fetch: out.versions.Fetch, ListOffsets: out.versions.ListOffsets, InitProducerId: out.versions.InitProducerId },
    { Produce: 7, Fetch: 11, ListOffsets: 2, InitProducerId: 4 },
  );
});

test('a consumer reads on across a leader change: the leader is killed between two halves of 200 acks=all records', async () => {
  if (await librdkafkaMissing()) return;
  cluster ??= await startCluster({ brokers: 3 });
  const topic = 'librdkafka-leader-change';
  const created = await runYak(['topic', 'create', topic, '--partitions', '1', '--replication-factor', '3', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
  const child = spawn('/usr/bin/python3', [path.join(FIXTURES, 'librdkafka-leader-change.py'), cluster.bootstrap, topic], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    try {
      const next = await lines.next();
      assert.ok(!next.done, `the script ended early: ${stderr.slice(-2000)}`);
      return JSON.parse(next.value as string) as { acked?: number; consumed: number; versions?: Record<string, number> };
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    assert.is((await nextLine()).consumed, 100);
    const before = partitionOf(await coordinatorMetadata(cluster), topic, 0);
    await cluster.supervisor.handleControl('kill', `broker-${before.leader}`);
    await waitFor('a new leader', async () => {
      const p = partitionOf(await coordinatorMetadata(cluster!), topic, 0);
      return p.leader >= 0 && p.leader !== before.leader;
    }, { timeoutMs: 20_000 });
    child.stdin.write('killed\n');
    const after = await nextLine();
    assert.is(after.acked, 200);
    assert.is(after.consumed, 200, 'every record, the second half from the new leader');
    assert.ok((after.versions?.Fetch ?? 0) >= 4, JSON.stringify(after.versions));
    console.log(`  librdkafka across a leader change: Fetch v${after.versions?.Fetch}, OffsetForLeaderEpoch ${after.versions?.OffsetForLeaderEpoch === undefined ? 'not sent' : `v${after.versions.OffsetForLeaderEpoch}`}`);
  } finally {
    child.kill('SIGKILL');
  }
});

test.run();
