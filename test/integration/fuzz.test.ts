/**
 * The bounded wire fuzz run of `npm test` (the long one is `npm run fuzz -- --frames 1000000`): tens of
 * thousands of mutated frames at every listener of a real cluster (brokers, coordinator, supervisor
 * control port), pipelined and not, half frames, lying sizes, connection bursts, while a kafkajs
 * acks=all producer and group consumer carry on. No process may exit, RSS must stay bounded, every
 * acknowledged record must be read back and no handler may throw anything but a ProtocolError.
 * A failure prints its seed; YAK_FUZZ_SEED=<seed> repeats the same frames.
 *
 * The seed is fixed, so `npm test` (and CI's verdict) is the same on every run: exploring new seeds is
 * what `npm run fuzz` is for (a random seed unless given), and YAK_FUZZ_SEED=random does it here. The
 * fixed one is the seed that found DeleteTopics answering a null name (see bad-input.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomSeed } from '../../src/chaos/prng.js';
import { runFuzz } from '../fuzz/harness.js';
import { TARGETS } from '../fuzz/wire-fuzzer.js';

const FRAMES_PER_LISTENER = 12_000;
const FIXED_SEED = 1663864092;

test(`${FRAMES_PER_LISTENER} fuzzed frames per listener: every process alive, RSS bounded, the workload carries on`, async () => {
  const asked = process.env.YAK_FUZZ_SEED;
  const seed = asked === 'random' ? randomSeed() : asked ? Number(asked) : FIXED_SEED;
  const report = await runFuzz({ frames: FRAMES_PER_LISTENER, seed });
  assert.equal(report.failures, [], `seed ${seed}:\n${report.failures.join('\n')}`);
  assert.equal(report.targets.map((t) => t.target), [...TARGETS], 'every listener was fuzzed');
  for (const t of report.targets) assert.ok(t.frames >= FRAMES_PER_LISTENER, `${t.target}: ${t.frames} frames sent`);
  assert.ok(report.acknowledged > 0 && report.consumed >= report.acknowledged, `${report.acknowledged} acknowledged, ${report.consumed} consumed`);
  assert.is(report.rss.length, 5, 'supervisor, coordinator and 3 brokers were watched');
});

test.run();
