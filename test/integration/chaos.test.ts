import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak } from '../helpers/cluster.js';

const test = suite('chaos: yak chaos kills and pauses brokers and loses nothing');

/** The number after `label` in the summary's records block. */
function count(stdout: string, label: string): number {
  const m = new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stdout);
  assert.ok(m, `no "${label}" line in:\n${stdout}`);
  return Number(m[1]);
}

test('yak chaos --duration 30s --seed 1: every acknowledged record is read back once, in order', async () => {
  const res = await runYak(['chaos', '--duration', '30s', '--seed', '1'], { timeoutMs: 120_000 });
  // Zero violations is the invariant: a failure here is a bug to diagnose (the output names the
  // records and keeps the cluster's data and log), never a flake to retry.
  assert.is(res.code, 0, `${res.stdout}\n${res.stderr}`);
  const out = res.stdout;
  assert.match(out, 'seed 1 (repeat with --seed 1)');
  assert.ok(count(out, 'acknowledged') > 0);
  assert.is(count(out, 'sent'), count(out, 'acknowledged') + count(out, 'unacknowledged'));
  for (const label of ['lost', 'duplicated', 'reordered', 'misplaced', 'unexpected', 'phantom']) assert.is(count(out, label), 0, label);
  const faults = /^faults: (\d+) kill, (\d+) pause, (\d+) coordinator$/m.exec(out);
  assert.ok(faults, out);
  assert.ok(Number(faults[1]) >= 1, 'at least one kill');
  assert.ok(Number(faults[2]) >= 1, 'at least one pause');
  assert.match(out, /^\+\d+\.\ds kill broker-\d/m);
  assert.match(out, /^\+\d+\.\ds pause broker-\d/m);
  assert.match(out, /^  kill -9 of a leader\s+\d+\s+\d+\.\d\d s/m);
  assert.match(out, /^PASS$/m);
  assert.not.match(out, 'data and cluster log kept');
});

test('bad flags are refused before anything starts', async () => {
  const res = await runYak(['chaos', '--duration', 'soon']);
  assert.is(res.code, 2);
  assert.match(res.stderr, '--duration "soon" is not a duration');
});

test.run();
