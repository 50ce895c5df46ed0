import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDurationMs } from '../../src/chaos/duration.js';
import { History, unavailableMs } from '../../src/chaos/history.js';
import { planFault, type FaultKind } from '../../src/chaos/nemesis.js';
import { Prng } from '../../src/chaos/prng.js';
import { percentile } from '../../src/chaos/report.js';

const test = suite('chaos: durations, seeded fault plans, unavailability');

test('durations: 30s, 10m, 600s, plain seconds; junk is refused', () => {
  assert.is(parseDurationMs('30s'), 30_000);
  assert.is(parseDurationMs('10m'), 600_000);
  assert.is(parseDurationMs('600s'), 600_000);
  assert.is(parseDurationMs('45'), 45_000);
  assert.is(parseDurationMs(45), 45_000);
  assert.is(parseDurationMs('1.5m'), 90_000);
  assert.is(parseDurationMs('1h'), 3_600_000);
  for (const bad of ['', 'abc', '10x', '-5s', '0', '5 minutes']) assert.is(parseDurationMs(bad), null, bad);
});

test('the PRNG is deterministic per seed and stays in [0, 1)', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.equal(xs, Array.from({ length: 1000 }, () => b.next()));
  assert.not.equal(xs.slice(0, 5), Array.from({ length: 5 }, () => c.next()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('fault plans: same seed, same plan; kinds, aims, holds and gaps within their ranges', () => {
  const plan = (seed: number, kinds?: FaultKind[]) => {
    const rng = new Prng(seed);
    return Array.from({ length: 700 }, () => planFault(rng, kinds));
  };
  assert.equal(plan(7), plan(7));
  const faults = plan(7);
  const count = (k: string) => faults.filter((f) => f.kind === k).length;
  // Weights 2 : 2 : 2 : 1 of 700: about 200, 200, 200, 100.
  assert.ok(count('coordinator') > 60 && count('coordinator') < 140, `coordinator ${count('coordinator')}`);
  for (const k of ['kill', 'pause', 'partition']) assert.ok(count(k) > 150 && count(k) < 250, `${k} ${count(k)}`);
  const aims = (k: string) => new Set(faults.filter((f) => f.kind === k).map((f) => f.aim));
  assert.equal([...aims('kill')].sort(), ['broker', 'leader']);
  assert.equal([...aims('pause')].sort(), ['broker', 'leader']);
  assert.equal([...aims('partition')].sort(), ['broker', 'coordinator', 'leader'], 'partitions cut off a leader, any broker or the coordinator');
  assert.equal([...aims('coordinator')], ['coordinator']);
  for (const f of faults) {
    const [lo, hi] = f.kind === 'kill' ? [1000, 4000] : f.kind === 'coordinator' ? [500, 3000] : [1000, 6000];
    assert.ok(f.holdMs >= lo && f.holdMs < hi, `${f.kind} hold ${f.holdMs}`);
    assert.ok(f.gapMs >= 1000 && f.gapMs < 3000);
    assert.ok(f.pick >= 0 && f.pick < 1);
  }
  // Some pauses and cuts outlast a 3 s session timeout and some do not.
  for (const k of ['pause', 'partition']) assert.ok(faults.some((f) => f.kind === k && f.holdMs > 3000) && faults.some((f) => f.kind === k && f.holdMs < 3000), k);
  // Only the kinds asked for.
  assert.equal([...new Set(plan(7, ['partition']).map((f) => f.kind))], ['partition']);
  assert.equal([...new Set(plan(7, ['kill', 'pause']).map((f) => f.kind))].sort(), ['kill', 'pause']);
});

test('seed 1 (the integration test) has a kill, a pause and a leader cut off among its first faults', () => {
  const rng = new Prng(1);
  const faults = Array.from({ length: 5 }, () => planFault(rng));
  const kinds = faults.map((f) => `${f.kind}:${f.aim}`);
  assert.ok(kinds.some((k) => k.startsWith('kill')) && kinds.some((k) => k.startsWith('pause')) && kinds.includes('partition:leader'), kinds.join());
});

test('unavailability: from the fault to the first ack of a record sent to that partition after it', () => {
  const h = new History(2);
  // seq:      0    1    2    3    4    5    6    7
  // sent at:  0   10   20   30   40   50   60   70
  // acked at: 5   15  200  250  210  260  215  270  (partition 0 = even seqs, 1 = odd)
  const acks = [5, 15, 200, 250, 210, 260, 215, 270];
  for (let seq = 0; seq < 8; seq++) h.recordSent(seq * 10);
  acks.forEach((at, seq) => h.recordAck(seq, seq, at));
  // Fault at 15: partition 0's first record after it is seq 2 (sent 20, acked 200); later ones were acked later.
  assert.is(unavailableMs(h, 0, 15), 185);
  // Partition 1 after 15: seq 3 (acked 250) is the first ack among seqs 3, 5, 7.
  assert.is(unavailableMs(h, 1, 15), 235);
  // A record sent exactly at the fault counts.
  assert.is(unavailableMs(h, 0, 40), 170);
  // Nothing sent after 75.
  assert.is(unavailableMs(h, 0, 75), null);
});

test('unavailability: the earliest ack wins even when a later-sent record is acknowledged first', () => {
  const h = new History(1);
  for (let seq = 0; seq < 4; seq++) h.recordSent(seq * 10);
  h.recordAck(1, 1, 500);
  h.recordAck(2, 2, 100);
  h.recordFailure(new Error('gave up'));
  assert.is(unavailableMs(h, 0, 5), 95);
  assert.is(h.acked().length, 2);
});

test('unavailability: unacknowledged records after the fault give null', () => {
  const h = new History(3);
  for (let seq = 0; seq < 9; seq++) h.recordSent(seq);
  h.recordAck(0, 0, 1);
  assert.is(unavailableMs(h, 0, 1), null);
  assert.is(unavailableMs(h, 0, 0), 1);
});

test('percentile: nearest rank', () => {
  assert.is(percentile([3, 1, 2], 50), 2);
  assert.is(percentile([1, 2, 3, 4], 50), 2);
  assert.is(percentile([5], 50), 5);
  assert.is(percentile([1, 2, 3, 4], 100), 4);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test.run();
