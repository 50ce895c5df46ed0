/**
 * The keyed partitioner must put a key where the Java client, kafkajs and librdkafka (murmur2) put
 * it. Expected hashes come from Apache Kafka's UtilsTest.testMurmur2 and from kafkajs's
 * defaultJava/murmur2.spec.js (generated with the Java client); kafkajs's own DefaultPartitioner is
 * run side by side on random keys.
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { murmur2, partitionForKey, StickyPartitioner } from '../../src/client/partitioner.js';

const require = createRequire(import.meta.url);
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

test('murmur2 matches Apache Kafka UtilsTest.testMurmur2', () => {
  const cases: [Uint8Array, number][] = [
    [utf8('21'), -973932308],
    [utf8('foobar'), -790332482],
    [utf8('a-little-bit-long-string'), -985981536],
    [utf8('a-little-bit-longer-string'), -1486304829],
    [utf8('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
    [new Uint8Array([0x61, 0x62, 0x63]), 479470107],
  ];
  for (const [key, expected] of cases) assert.is(murmur2(key), expected, Buffer.from(key).toString());
});

test("murmur2 matches the Java client's values listed in kafkajs's spec", () => {
  const cases: { [key: string]: number } = {
    '0': 971027396,
    '1': -1993445489,
    '12': 126087238,
    '123': -267702483,
    '1234': -1614185708,
    '12345': -1188365604,
    '128': -326012175,
    '2187': -1508407203,
    '16384': -325739742,
    '78125': -1654490814,
    '279936': 1462227128,
    '823543': -2014198330,
    '2097152': 607668903,
    '4782969': -1182699775,
    '10000000': -1830336757,
    '19487171': -1603849305,
    '35831808': -857013643,
    '62748517': -1167431028,
    '105413504': -381294639,
    '170859375': -1658323481,
    '100:48069': 1009543857,
  };
  for (const [key, expected] of Object.entries(cases)) assert.is(murmur2(utf8(key)), expected, key);
});

test('murmur2 returns a signed 32-bit integer, and works on a Uint8Array view inside a larger buffer', () => {
  const big = Buffer.concat([utf8('xx'), utf8('foobar'), utf8('yy')]);
  assert.is(murmur2(big.subarray(2, 8)), -790332482);
  assert.is(murmur2(new Uint8Array(0)), murmur2(Buffer.alloc(0)));
  for (let i = 0; i < 50; i++) {
    const h = murmur2(utf8(`key-${i}`));
    assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
  }
});

test('partitionForKey = (murmur2 & 0x7fffffff) % n, as Kafka computes it (toPositive, not abs)', () => {
  // -1993445489 & 0x7fffffff = 154038159; Math.abs would give 1993445489 and a different partition.
  assert.is(partitionForKey(utf8('1'), 7), 154038159 % 7);
  assert.is.not(154038159 % 7, 1993445489 % 7, 'the example separates toPositive from abs');
  assert.is(partitionForKey(utf8('21'), 12), (-973932308 & 0x7fffffff) % 12);
  assert.is(partitionForKey(utf8('foobar'), 3), (-790332482 & 0x7fffffff) % 3);
  assert.is(partitionForKey(utf8('0'), 10), 971027396 % 10);
  for (let i = 0; i < 100; i++) assert.is(partitionForKey(utf8(`k${i}`), 1), 0);
});

// --- against kafkajs's DefaultPartitioner ------------------------------------------------------------

type KafkajsPartitioner = (args: {
  topic: string;
  partitionMetadata: { partitionId: number; leader: number }[];
  message: { key?: Buffer | string | null; partition?: number };
}) => number;
const { Partitioners } = require('kafkajs') as { Partitioners: { DefaultPartitioner: () => KafkajsPartitioner } };

/** Deterministic xorshift32 stream, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('partitionForKey equals kafkajs DefaultPartitioner for 1000 random keys over 1..12 partitions', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const random = rng(20240601);
  const metadata = (n: number) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: i % 3 }));
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    // Random binary keys 0..40 bytes long: every tail length and bytes >= 0x80 (sign extension traps).
    const key = Buffer.alloc(Math.floor(random() * 41));
    for (let j = 0; j < key.length; j++) key[j] = Math.floor(random() * 256);
    const n = 1 + (i % 12);
    const expected = kafkajs({ topic: 't', partitionMetadata: metadata(n), message: { key } });
    assert.is(partitionForKey(key, n), expected, `key ${key.toString('hex')} over ${n} partitions`);
    if (n === 12) seen.add(expected);
  }
  assert.is(seen.size, 12, 'keys spread over every partition');
});

test('string keys hash as their UTF-8 bytes, like kafkajs', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const metadata = Array.from({ length: 10 }, (_, i) => ({ partitionId: i, leader: 1 }));
  for (const key of ['user-42', 'ünïcödé', '日本語のキー', '', 'a'.repeat(257)]) {
    assert.is(partitionForKey(utf8(key), 10), kafkajs({ topic: 't', partitionMetadata: metadata, message: { key } }), key);
  }
});

// --- sticky partitioner (keyless records) ------------------------------------------------------------

test('StickyPartitioner stays on one partition until its batch is closed', () => {
  const p = new StickyPartitioner();
  const first = p.next('t', 6);
  assert.ok(first >= 0 && first < 6);
  for (let i = 0; i < 100; i++) assert.is(p.next('t', 6), first);
  p.batchClosed('t', (first + 3) % 6, 6);
  assert.is(p.next('t', 6), first, 'a batch of another partition (a keyed one) closing changes nothing');
  p.batchClosed('t', first, 6);
  const second = p.next('t', 6);
  assert.is(second, (first + 1) % 6, 'moves on after the batch is closed');
  for (let i = 0; i < 100; i++) assert.is(p.next('t', 6), second);
});

test('StickyPartitioner keeps one sticky partition per topic', () => {
  const p = new StickyPartitioner();
  const a = p.next('a', 1000);
  const b = p.next('b', 1000);
  p.batchClosed('a', a, 1000);
  assert.is(p.next('b', 1000), b);
  assert.is(p.next('a', 1000), (a + 1) % 1000);
});

test('StickyPartitioner visits every partition as batches close, and wraps', () => {
  const p = new StickyPartitioner();
  const seen = new Set<number>();
  for (let i = 0; i < 8; i++) {
    const q = p.next('t', 4);
    seen.add(q);
    p.batchClosed('t', q, 4);
  }
  assert.equal([...seen].sort(), [0, 1, 2, 3]);
});

test('StickyPartitioner picks a valid partition again when the partition count shrinks', () => {
  const p = new StickyPartitioner();
  // Move on until the sticky partition is 9 of 10, then the topic has 3 partitions.
  while (p.next('t', 10) !== 9) p.batchClosed('t', p.next('t', 10), 10);
  const q = p.next('t', 3);
  assert.ok(q >= 0 && q < 3, `got ${q}`);
  assert.is(p.next('t', 3), q, 'and sticks to it');
});

test('StickyPartitioner with one partition always answers 0', () => {
  const p = new StickyPartitioner();
  for (let i = 0; i < 10; i++) {
    assert.is(p.next('t', 1), 0);
    p.batchClosed('t', 0, 1);
  }
});

test.run();
