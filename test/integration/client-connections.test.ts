/**
 * YaK's own client under many partitions: `yak bench produce --acks all` to a 1000-partition topic
 * (300 more partitions in the cluster) used to stall, then hang after its last line with over a
 * thousand sockets open. It must finish, with every record acknowledged, and exit by itself (an open
 * socket would keep it alive: a successful command exits only when nothing is left to wait for).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  const other = await runYak(['topic', 'create', 'other', '--partitions', '300', '--bootstrap', cluster.bootstrap]);
  assert.is(other.code, 0, other.stderr);
});

test.after(async () => {
  await cluster?.destroy();
});

test('bench produce --acks all to 1000 partitions acknowledges every record and exits by itself', async () => {
  const records = 500_000;
  const res = await runYak(
    ['bench', 'produce', '--topic', 'big', '--partitions', '1000', '--records', String(records), '--record-size', '10', '--acks', 'all', '--bootstrap', cluster.bootstrap],
    { timeoutMs: 90_000 },
  );
  assert.is(res.code, 0, res.stderr);
  // The result line first; the bench's own CPU (and, with a data dir, the cluster's) follow it.
  const result = res.stdout.trim().split('\n')[0] ?? '';
  assert.match(result, `${records} records sent`);
  assert.not.match(result, 'FAILED');
});

test.run();
