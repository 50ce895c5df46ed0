/**
 * `yak bench` as Kafka's perf tools: --json prints one result object on stdout (progress stays on
 * stderr) with latency percentiles from a histogram and the local cluster's CPU and RSS per process;
 * --throughput holds the send rate to its target; `bench e2e` counts every record from its send to
 * its arrival at a consumer. No assertion on how fast the machine is: only on what was reported.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
});

test.after(async () => {
  await cluster?.destroy();
});

interface Latency {
  count: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

function checkLatency(l: Latency, count: number): void {
  assert.is(l.count, count);
  assert.ok(l.p50Ms > 0 && l.p50Ms <= l.p95Ms && l.p95Ms <= l.p99Ms && l.p99Ms <= l.p999Ms && l.p999Ms <= l.maxMs * 1.001, JSON.stringify(l));
}

test('bench produce --json --throughput: one JSON result, the rate held to the target, latency percentiles, the cluster\'s processes', async () => {
  const res = await runYak(['bench', 'produce', '--topic', 'b1', '--records', '3000', '--throughput', '2000', '--acks', 'all', '--json', '--data-dir', cluster.dataDir], { timeoutMs: 60_000 });
  assert.is(res.code, 0, res.stderr);
  const lines = res.stdout.trim().split('\n');
  assert.is(lines.length, 1, 'only the result on stdout');
  const r = JSON.parse(lines[0]!);
  assert.is(r.mode, 'produce');
  assert.is(r.records, 3000);
  assert.is(r.failed, 0);
  // 3000 records at 2000/s take at least 1.5 s (the last is sent at 1.4995 s): the rate is at most the target.
  assert.ok(r.recordsPerSec <= 2000 * 1.05, `held to 2000 records/s: ${r.recordsPerSec}`);
  checkLatency(r.latency, 3000);
  const names = r.cluster.map((p: { name: string }) => p.name);
  assert.ok(names.includes('broker-1') && names.includes('zookeeper'), names.join(','));
  for (const p of r.cluster) assert.ok(p.rssMb > 0 && p.cpuSeconds >= 0, JSON.stringify(p));
  assert.ok(r.client.cpuSeconds > 0 && r.client.cpuUsPerRecord > 0, `the bench's own CPU: ${JSON.stringify(r.client)}`);
});

test('bench e2e: every record produced is consumed and timed; text result with percentiles', async () => {
  const res = await runYak(['bench', 'e2e', '--topic', 'b2', '--records', '2000', '--throughput', '1000', '--acks', 'all', '--data-dir', cluster.dataDir], { timeoutMs: 60_000 });
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stdout, /^2000 records end to end, [\d.]+ records\/sec, [\d.]+ ms avg latency, [\d.]+ ms p50, [\d.]+ ms p95, [\d.]+ ms p99, [\d.]+ ms p99\.9, [\d.]+ ms max latency\n/);
  assert.match(res.stdout, /\ncluster: .*broker-1 [\d.]+ s CPU, \d+ MB RSS/);
  assert.match(res.stdout, /\nclient: [\d.]+ s CPU, [\d.]+ µs per record\n/);
  const json = await runYak(['bench', 'e2e', '--topic', 'b3', '--records', '500', '--throughput', '1000', '--json', '--bootstrap', cluster.bootstrap], { timeoutMs: 60_000 });
  assert.is(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.is(r.mode, 'e2e');
  assert.is(r.records, 500);
  checkLatency(r.latency, 500);
  assert.equal(r.cluster, [], 'a --bootstrap cluster is not sampled: its processes may be anywhere');
});

test("bench e2e sends keyless records, as Kafka's EndToEndLatency, each value starting with its sequence number", async () => {
  const res = await runYak(['bench', 'e2e', '--topic', 'b4', '--records', '300', '--throughput', '1000', '--record-size', '10', '--data-dir', cluster.dataDir], { timeoutMs: 60_000 });
  assert.is(res.code, 0, res.stderr);
  const read = await runYak(['consume', '-t', 'b4', '--from-beginning', '-n', '300', '--json', '--json-encoding', 'base64', '--data-dir', cluster.dataDir], { timeoutMs: 60_000 });
  assert.is(read.code, 0, read.stderr);
  const records = read.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string | null; value: string });
  assert.equal([...new Set(records.map((r) => r.key))], [null], 'no record has a key');
  const values = records.map((r) => Buffer.from(r.value, 'base64'));
  assert.ok(values.every((v) => v.length === 10), 'each value is --record-size bytes');
  assert.equal(values.map((v) => v.readUInt32BE(0)).sort((x, y) => x - y), Array.from({ length: 300 }, (_, i) => i));
  const tooSmall = await runYak(['bench', 'e2e', '--record-size', '3', '--bootstrap', cluster.bootstrap]);
  assert.is(tooSmall.code, 2);
  assert.match(tooSmall.stderr, '--record-size must be at least 4 bytes for e2e');
});

test('bench --throughput 0 is a usage error', async () => {
  const res = await runYak(['bench', 'produce', '--throughput', '0', '--bootstrap', cluster.bootstrap]);
  assert.is(res.code, 2);
  assert.match(res.stderr, '--throughput must be');
});

test.run();
