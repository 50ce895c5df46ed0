/**
 * CRC32C (Castagnoli) as record batch v2 uses it. Vectors from RFC 3720 (iSCSI) appendix B.4 and the
 * usual "123456789" check value; the slicing-by-8 implementation is also compared with a plain
 * bit-at-a-time reference over every length 0..70 and over sub-ranges. Every test runs against both
 * implementations: the native one `crc32c` uses where it loads, and the portable fallback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32c as selected, crc32cImplementation, crc32cPortable } from '../../src/protocol/crc32c.js';

/** Bit-at-a-time CRC32C: slow, obviously right. */
function referenceCrc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) {
    crc ^= buf[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
function bytes(n: number, seed = 0x12345678): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('this machine (linux x64/arm64, macOS, Windows) gets the native CRC32C', () => {
  if (['linux', 'darwin', 'win32'].includes(process.platform) && ['x64', 'arm64'].includes(process.arch)) assert.is(crc32cImplementation, 'native');
});

for (const [name, crc32c] of [
  ['selected', selected],
  ['portable', crc32cPortable],
] as const) {
  test(`${name}: check value: "123456789" -> 0xE3069283`, () => {
    assert.is(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283);
  });

  test(`${name}: RFC 3720 B.4: 32 bytes of zeros -> 0x8A9136AA`, () => {
    assert.is(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
  });

  test(`${name}: RFC 3720 B.4: 32 bytes of 0xFF -> 0x62A8AB43`, () => {
    assert.is(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  });

  test(`${name}: RFC 3720 B.4: incrementing 0..31 -> 0x46DD794E`, () => {
    assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  });

  test(`${name}: RFC 3720 B.4: decrementing 31..0 -> 0x113FDB5C`, () => {
    assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  });

  test(`${name}: empty input -> 0, and an empty sub-range -> 0`, () => {
    assert.is(crc32c(Buffer.alloc(0)), 0);
    assert.is(crc32c(Buffer.from('abc'), 2, 2), 0);
  });

  test(`${name}: result is an unsigned 32-bit number`, () => {
    const v = crc32c(Buffer.from('123456789', 'ascii')); // 0xE3069283
    assert.ok(v > 0x7fffffff, 'this vector has the top bit set');
    assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  });

  test(`${name}: every length 0..70 (not only multiples of 8) matches the bitwise reference`, () => {
    const data = bytes(70);
    for (let n = 0; n <= 70; n++) {
      assert.is(crc32c(data.subarray(0, n)), referenceCrc32c(data, 0, n), `length ${n}`);
    }
  });

  test(`${name}: start/end sub-range equals the CRC of the sliced bytes`, () => {
    const data = bytes(100, 99);
    for (const [start, end] of [
      [0, 100],
      [1, 100],
      [3, 11],
      [7, 8],
      [21, 100],
      [13, 64],
      [50, 57],
    ] as const) {
      const expected = referenceCrc32c(data.subarray(start, end));
      assert.is(crc32c(data, start, end), expected, `[${start}, ${end})`);
    }
  });

  test(`${name}: the vector embedded in a larger buffer is found by start/end`, () => {
    const buf = Buffer.concat([Buffer.from('xxxxx'), Buffer.from('123456789'), Buffer.from('yyy')]);
    assert.is(crc32c(buf, 5, 14), 0xe3069283);
    assert.is(crc32c(buf, 5), referenceCrc32c(buf, 5));
  });

  test(`${name}: one flipped bit changes the CRC`, () => {
    const data = bytes(64, 7);
    const before = crc32c(data);
    for (const i of [0, 7, 8, 31, 63]) {
      const copy = Buffer.from(data);
      copy[i] = copy[i]! ^ 0x01;
      assert.is.not(crc32c(copy), before, `bit flip at byte ${i}`);
    }
  });

  test(`${name}: large random buffer matches the reference`, () => {
    const data = bytes(4099, 42);
    assert.is(crc32c(data), referenceCrc32c(data));
  });
}

test.run();
