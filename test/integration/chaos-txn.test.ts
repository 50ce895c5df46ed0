import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak } from '../helpers/cluster.js';

const test = suite('chaos: yak chaos --workload txn keeps a transactional pipeline exactly-once through kills, pauses, partitions and the coordinator');

/** The number after `label` in the summary's tables. */
function count(stdout: string, label: string): number {
  const m = new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stdout);
  assert.ok(m, `no "${label}" line in:\n${stdout}`);
  return Number(m[1]);
}

test('yak chaos --workload txn --duration 30s --seed 35 (a killed leader, a paused leader, the coordinator killed, cut-off brokers): every input once in the output, no aborted read, no torn transaction', async () => {
  const res = await runYak(['chaos', '--workload', 'txn', '--duration', '30s', '--seed', '35'], { timeoutMs: 180_000 });
  // Zero violations is the invariant: a failure is a bug to diagnose (the output names the records
  // and transactions and keeps the cluster's data and log), never a flake to retry.
  assert.is(res.code, 0, `${res.stdout}\n${res.stderr}`);
  const out = res.stdout;
  assert.match(out, 'seed 35 (repeat with --seed 35)');
  assert.match(out, 'workload txn');
  assert.ok(count(out, 'committed') > 0, 'transactions committed');
  // A fifth are aborted on purpose after writing their output and offsets: their records must never be read.
  const aborted = /^  aborted\s+(\d+)\s+\((\d+) on purpose/m.exec(out);
  assert.ok(aborted && Number(aborted[2]) > 0, `some transactions aborted on purpose:\n${out}`);
  assert.ok(count(out, 'input at the end') > 0);
  assert.is(count(out, 'output read'), count(out, 'input at the end'), 'one output record per input record');
  for (const label of ['lost', 'duplicated', 'aborted reads', 'torn', 'unexpected', 'phantom']) assert.is(count(out, label), 0, label);
  assert.ok(count(out, 'read during run') > 0, 'the read_committed reader along the way saw records');
  const faults = /^faults: (\d+) kill, (\d+) pause, (\d+) partition, (\d+) coordinator$/m.exec(out);
  assert.ok(faults, out);
  assert.ok(Number(faults[1]) >= 1 && Number(faults[2]) >= 1 && Number(faults[4]) >= 1, `a kill, a pause and the coordinator's kill: ${faults[0]}`);
  assert.match(out, /^\+\d+\.\ds kill broker-\d \(leader of/m);
  assert.match(out, /^\+\d+\.\ds kill zookeeper \(the coordinator\)/m);
  assert.match(out, /^PASS$/m);
  assert.not.match(out, 'data and cluster log kept');
});

test('an unknown workload is refused before anything starts', async () => {
  const res = await runYak(['chaos', '--workload', 'bank']);
  assert.is(res.code, 2, res.stderr);
  assert.match(res.stderr, 'workload');
});

test.run();
