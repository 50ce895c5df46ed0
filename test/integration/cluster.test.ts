import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionForKey } from '../../src/client/partitioner.js';
import { killYakProcesses, runYak, spawnYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/failover.js';

const test = suite('cluster: yak produce / consume through a 3-broker cluster');
let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
});
test.after(async () => {
  killYakProcesses();
  await cluster?.destroy();
});

const RECORDS = 10_000;
const input = Array.from({ length: RECORDS }, (_, i) => `key-${i % 500}:value-${i}`).join('\n') + '\n';

interface Row {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  timestamp: number;
}

async function consumeAll(bootstrap: string): Promise<Row[]> {
  const res = await runYak(['consume', '--bootstrap', bootstrap, '--topic', 'keyed', '--from-beginning', '--json', '--max-messages', String(RECORDS), '--idle-timeout-ms', '5000']);
  assert.is(res.code, 0, res.stderr);
  return res.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
}

function checkRows(rows: Row[]): void {
  assert.is(rows.length, RECORDS);
  const values = new Set(rows.map((r) => r.value));
  assert.is(values.size, RECORDS, 'every record exactly once');
  for (const r of rows) {
    // Keys land where Kafka's murmur2 partitioner puts them.
    assert.is(r.partition, partitionForKey(Buffer.from(r.key!), 3), `key ${r.key}`);
    assert.is(r.value.startsWith('value-'), true);
  }
  // Per partition, offsets are 0..n-1 and values keep the order they were produced in.
  const byPartition = new Map<number, Row[]>();
  for (const r of rows) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  for (const [, list] of byPartition) {
    list.forEach((r, i) => assert.is(r.offset, i));
    const seq = list.map((r) => Number(r.value.slice('value-'.length)));
    assert.equal(seq, [...seq].sort((a, b) => a - b));
  }
}

test('produces 10,000 keyed records and reads them back from the beginning', async () => {
  const created = await runYak(['topic', 'create', 'keyed', '--bootstrap', cluster.bootstrap, '--partitions', '3']);
  assert.is(created.code, 0, created.stderr);
  const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', 'keyed', '--key-separator', ':', '--acks', 'all'], { input });
  assert.is(produced.code, 0, produced.stderr);
  assert.match(produced.stderr, `acknowledged ${RECORDS} of ${RECORDS} record(s) to keyed`);
  checkRows(await consumeAll(cluster.bootstrap));
});

test('the records survive a stop and start of the whole cluster on the same data dir', async () => {
  await cluster.stop();
  const dataDir = cluster.dataDir;
  cluster = await startCluster({ brokers: 3, dataDir });
  checkRows(await consumeAll(cluster.bootstrap));
});

test('yak status --json reports brokers and topics', async () => {
  const res = await runYak(['status', '--json', '--data-dir', cluster.dataDir]);
  assert.is(res.code, 0, res.stderr);
  const s = JSON.parse(res.stdout);
  assert.is(s.bootstrap, cluster.bootstrap);
  assert.is(s.brokers.length, 3);
  for (const b of s.brokers) {
    assert.is(b.state, 'alive');
    assert.type(b.pid, 'number');
    assert.type(b.port, 'number');
  }
  const keyed = s.topics.find((t: { name: string }) => t.name === 'keyed');
  assert.is(keyed.partitions.length, 3);
  assert.equal(keyed.partitions.map((p: { leader: number }) => p.leader).sort(), [1, 2, 3]);
});

test('yak topic alter adds partitions that take records; describe shows the configs; shrinking is refused', async () => {
  const b = ['--bootstrap', cluster.bootstrap];
  assert.is((await runYak(['topic', 'create', 'grown', '-p', '2', '-c', 'min.insync.replicas=1', ...b])).code, 0);
  const altered = await runYak(['topic', 'alter', 'grown', '--partitions', '4', ...b]);
  assert.is(altered.code, 0, altered.stderr);
  assert.match(altered.stdout, 'now has 4 partition(s) (was 2)');
  const produced = await runYak(['produce', '--topic', 'grown', '--partition', '3', ...b], { input: 'on the new partition\n' });
  assert.is(produced.code, 0, produced.stderr);
  const read = await runYak(['consume', '--topic', 'grown', '--partition', '3', '--offset', '0', '--max-messages', '1', ...b]);
  assert.is(read.stdout, 'on the new partition\n');
  const described = JSON.parse((await runYak(['topic', 'describe', 'grown', '--json', ...b])).stdout) as { partitions: unknown[]; configs: Record<string, string> };
  assert.is(described.partitions.length, 4);
  assert.is(described.configs['min.insync.replicas'], '1');
  assert.is(described.configs['cleanup.policy'], 'delete');
  const shrink = await runYak(['topic', 'alter', 'grown', '--partitions', '3', ...b]);
  assert.is(shrink.code, 1);
  assert.match(shrink.stderr, /^yak: INVALID_PARTITIONS: .*must be larger/);
});

test('yak topic describe without a name describes every topic (text and --json)', async () => {
  const b = ['--bootstrap', cluster.bootstrap];
  const listed = JSON.parse((await runYak(['topic', 'list', '--json', ...b])).stdout) as { name: string }[];
  const all = await runYak(['topic', 'describe', ...b]);
  assert.is(all.code, 0, all.stderr);
  for (const t of listed) assert.match(all.stdout, `topic ${t.name}: `);
  const json = JSON.parse((await runYak(['topic', 'describe', '--json', ...b])).stdout) as { name: string; configs: Record<string, string> }[];
  assert.equal(json.map((t) => t.name), listed.map((t) => t.name));
  assert.ok(json.every((t) => t.configs['min.insync.replicas'] !== undefined));
});

test('Ctrl-C in yak produce: it stops reading, waits for what it sent, says all were acknowledged, and exits 0', async () => {
  const producing = spawnYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', 'interrupted'], { keepStdinOpen: true });
  producing.write(Array.from({ length: 3000 }, (_, i) => `r-${i}`).join('\n') + '\n');
  const stored = async () => {
    const res = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', 'interrupted', '--from-beginning', '--idle-timeout-ms', '500']);
    return res.stdout.split('\n').filter(Boolean).length;
  };
  await waitFor('some records stored', async () => (await stored()) > 0, { timeoutMs: 15_000 });
  const res = await producing.stop('SIGINT');
  assert.is(res.code, 0, res.stderr);
  assert.match(res.stderr, 'yak: interrupted: waiting for the answers to what was sent');
  assert.match(res.stderr, /yak: stopped by Ctrl-C: all \d+ record\(s\) read were acknowledged/);
  assert.not.match(res.stderr, 'interrupted before the end');
  const summary = /acknowledged (\d+) of (\d+) record\(s\) to interrupted/.exec(res.stderr);
  assert.ok(summary, res.stderr);
  assert.is(summary![1], summary![2], 'every record sent before Ctrl-C was answered');
  assert.is(await stored(), Number(summary![1]), 'and exactly those are stored');
});

test('SIGTERM to yak produce (a timeout, a service manager): it says what was acknowledged and exits 143 at once', async () => {
  const producing = spawnYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', 'terminated'], { keepStdinOpen: true });
  producing.write('one\ntwo\n');
  await waitFor('the records stored', async () => {
    const res = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', 'terminated', '--from-beginning', '--idle-timeout-ms', '300']);
    return res.stdout.split('\n').filter(Boolean).length === 2;
  });
  const res = await producing.stop('SIGTERM');
  assert.is(res.code, 143, res.stderr);
  assert.match(res.stderr, /acknowledged 2 of 2 record\(s\) to terminated/);
});

test('yak up on a data dir whose cluster is running says so and exits non-zero', async () => {
  const res = await runYak(['up', '--brokers', '1', '--headless', '--data-dir', cluster.dataDir]);
  assert.is(res.code, 1);
  assert.match(res.stderr, 'already running');
  assert.not.match(res.stderr, '    at ');
});

test.run();
