/** The fuzzer's mutators: reproducible from a seed, and truthful size prefixes where they promise them. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findBatches, FuzzRng, lieAboutSize, mutate } from './mutators.js';
import { loadSeeds } from './seeds.js';

const seeds = loadSeeds().map((s) => Buffer.from(s.hex, 'hex'));

test('the same seed gives the same mutated frames (a failure reproduces from its seed)', () => {
  const run = (seed: number) => {
    const rng = new FuzzRng(seed);
    return Array.from({ length: 300 }, () => mutate(rng, rng.pick(seeds)).toString('hex'));
  };
  assert.equal(run(42), run(42));
  assert.not.equal(run(42), run(43));
});

test('mutated frames keep a truthful size prefix; lieAboutSize makes it lie', () => {
  const rng = new FuzzRng(7);
  for (let i = 0; i < 2000; i++) {
    const f = mutate(rng, rng.pick(seeds));
    assert.is(f.readInt32BE(0), f.length - 4);
  }
  const f = seeds[0]!;
  for (let i = 0; i < 50; i++) assert.is.not(lieAboutSize(rng, f).readInt32BE(0), f.length - 4);
});

test('the seed corpus covers every API the broker serves, and the produce frames carry CRC-valid record batches', () => {
  const keys = new Set(loadSeeds().filter((s) => s.apiKey < 1000).map((s) => s.apiKey));
  for (const k of [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 32, 33, 37, 42, 44]) assert.ok(keys.has(k), `API key ${k} has a seed`);
  const produce = loadSeeds().filter((s) => s.apiKey === 0);
  assert.ok(produce.every((s) => findBatches(Buffer.from(s.hex, 'hex')).length > 0));
});

test.run();
