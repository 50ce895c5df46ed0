import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak } from '../helpers/cluster.js';

const test = suite('chaos: yak chaos kills, pauses and cuts off brokers and the coordinator and loses nothing');

/** The number after `label` in the summary's records block. */
function count(stdout: string, label: string): number {
  const m = new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stdout);
  assert.ok(m, `no "${label}" line in:\n${stdout}`);
  return Number(m[1]);
}

test('yak chaos --duration 30s --seed 2125 (a pause, a cut-off coordinator, a killed leader, a cut-off leader): every acknowledged record is read back once, in order', async () => {
  const res = await runYak(['chaos', '--duration', '30s', '--seed', '2125'], { timeoutMs: 120_000 });
  // Zero violations is the invariant: a failure here is a bug to diagnose (the output names the
  // records and keeps the cluster's data and log), never a flake to retry.
  assert.is(res.code, 0, `${res.stdout}\n${res.stderr}`);
  const out = res.stdout;
  assert.match(out, 'seed 2125 (repeat with --seed 2125)');
  assert.ok(count(out, 'acknowledged') > 0);
  assert.is(count(out, 'sent'), count(out, 'acknowledged') + count(out, 'unacknowledged'));
  for (const label of ['lost', 'duplicated', 'reordered', 'misplaced', 'unexpected', 'phantom']) assert.is(count(out, label), 0, label);
  const faults = /^faults: (\d+) kill, (\d+) pause, (\d+) partition, (\d+) coordinator$/m.exec(out);
  assert.ok(faults, out);
  assert.ok(Number(faults[1]) >= 1, 'at least one kill');
  assert.ok(Number(faults[2]) >= 1, 'at least one pause');
  assert.ok(Number(faults[3]) >= 2, 'at least two partitions');
  assert.match(out, /^\+\d+\.\ds kill broker-\d/m);
  assert.match(out, /^\+\d+\.\ds pause broker-\d/m);
  assert.match(out, /^\+\d+\.\ds cut off zookeeper from the other processes/m);
  assert.match(out, /^\+\d+\.\ds cut off broker-\d from the other processes \(leader of/m);
  assert.match(out, /^  kill -9 of a leader\s+\d+\s+\d+\.\d\d s/m);
  assert.match(out, /^  partition of the coordinator\s+1\s+\d+\.\d\d s/m);
  // The cut-off leader took writes from its clients that it could not replicate: on heal it
  // truncated them (none was acknowledged: lost is 0 above).
  const cut = /^  partition of a leader\s+(\d+)\s+\d+\.\d\d s\s+\d+\.\d\d s\s+(\d+)/m.exec(out);
  assert.ok(cut, out);
  assert.ok(Number(cut[1]) >= 1 && Number(cut[2]) >= 1, `a cut-off leader truncated its unacknowledged tail: ${cut[0]}`);
  assert.match(out, /^PASS$/m);
  assert.not.match(out, 'data and cluster log kept');
});

test('bad flags are refused before anything starts', async () => {
  const res = await runYak(['chaos', '--duration', 'soon']);
  assert.is(res.code, 2);
  assert.match(res.stderr, '--duration "soon" is not a duration');
  const faults = await runYak(['chaos', '--faults', 'kill,flood']);
  assert.is(faults.code, 2);
  assert.match(faults.stderr, '--faults "kill,flood": say one or more of kill, pause, partition, coordinator');
});

test.run();
