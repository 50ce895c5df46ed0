/**
 * Writer/Reader: the Kafka wire primitives. Zigzag varints and varlongs (record fields) are checked
 * byte for byte against an independent BigInt reference encoder, and every read past the end of
 * the data must throw ProtocolError rather than return garbage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';

const hex = (b: Buffer): string => b.toString('hex');
const w = (): Writer => new Writer(8);
const isProtocolError = (e: unknown): boolean => e instanceof ProtocolError;

/** Zigzag + unsigned LEB128 over 64 bits, written independently of Writer. */
function referenceVarlong(v: bigint): string {
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return Buffer.from(out).toString('hex');
}

// --- byte-exact encodings -------------------------------------------------------------------------

test('varint byte-exact encodings', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-2, '03'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [300, 'd804'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
  ];
  for (const [v, expected] of cases) {
    assert.is(hex(w().varint(v).toBuffer()), expected, `varint(${v})`);
    assert.is(referenceVarlong(BigInt(v)), expected, `reference agrees for ${v}`);
  }
});

test('uvarint (unsigned LEB128) byte-exact encodings', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ];
  for (const [v, expected] of cases) {
    assert.is(hex(w().uvarint(v).toBuffer()), expected, `uvarint(${v})`);
    assert.is(new Reader(Buffer.from(expected, 'hex')).uvarint(), v, `read uvarint ${expected}`);
  }
});

test('varlong encodes exactly like the 64-bit zigzag reference', () => {
  const values: bigint[] = [
    0n,
    -1n,
    1n,
    63n,
    -64n,
    64n,
    2n ** 31n - 1n,
    -(2n ** 31n),
    2n ** 31n,
    -(2n ** 31n) - 1n,
    2n ** 40n,
    -(2n ** 40n),
    2n ** 53n - 1n,
    -(2n ** 53n) + 1n,
    1_700_000_000_000n,
    2n ** 63n - 1n,
    -(2n ** 63n),
  ];
  for (const v of values) {
    assert.is(hex(w().varlong(v).toBuffer()), referenceVarlong(v), `varlong(${v}n)`);
    if (v >= -(2n ** 53n) && v <= 2n ** 53n) {
      assert.is(hex(w().varlong(Number(v)).toBuffer()), referenceVarlong(v), `varlong(${v}) as number`);
    }
  }
  // Worked by hand: 2^40 zigzags to 2^41 (six 7-bit groups, bit 41 is bit 6 of the sixth);
  // -2^40 zigzags to 2^41 - 1 (41 ones: five 0xff, then 0x3f).
  assert.is(hex(w().varlong(2 ** 40).toBuffer()), '808080808040');
  assert.is(hex(w().varlong(-(2 ** 40)).toBuffer()), 'ffffffffff3f');
  assert.is(hex(w().varlong(-(2n ** 63n)).toBuffer()), 'ffffffffffffffffff01');
});

// --- round trips ------------------------------------------------------------------------------------

test('varint round trips at the boundaries', () => {
  const values = [0, -1, 1, 63, -64, 64, -65, 127, 128, 8191, -8192, 8192, 2 ** 21, 2 ** 28, -(2 ** 28), 2 ** 31 - 1, -(2 ** 31)];
  const writer = w();
  for (const v of values) writer.varint(v);
  const r = new Reader(writer.toBuffer());
  for (const v of values) assert.is(r.varint(), v, `varint ${v}`);
  assert.is(r.remaining, 0);
});

test('varlong round trips, including values past 32 bits and Date.now()', () => {
  const now = Date.now();
  const values = [0, -1, 1, 63, -64, 64, 2 ** 27 - 1, -(2 ** 27), 2 ** 27, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), now, -now, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  const writer = w();
  for (const v of values) writer.varlong(v);
  const r = new Reader(writer.toBuffer());
  for (const v of values) assert.is(r.varlong(), v, `varlong ${v}`);
  assert.is(r.remaining, 0);
});

test('varlong written as bigint reads back as the same number', () => {
  const writer = w().varlong(2n ** 40n).varlong(-(2n ** 40n)).varlong(BigInt(Date.UTC(2030, 0, 1)));
  const r = new Reader(writer.toBuffer());
  assert.is(r.varlong(), 2 ** 40);
  assert.is(r.varlong(), -(2 ** 40));
  assert.is(r.varlong(), Date.UTC(2030, 0, 1));
});

test('fixed-width integers: big-endian bytes and round trip', () => {
  const buf = w().int8(-1).int16(0x0102).int32(-2).uint32(0xfffffffe).int64(-1).int64(2n ** 62n).boolean(true).boolean(false).toBuffer();
  assert.is(hex(buf), 'ff' + '0102' + 'fffffffe' + 'fffffffe' + 'ffffffffffffffff' + '4000000000000000' + '01' + '00');
  const r = new Reader(buf);
  assert.is(r.int8(), -1);
  assert.is(r.int16(), 0x0102);
  assert.is(r.int32(), -2);
  assert.is(r.uint32(), 0xfffffffe);
  assert.is(r.int64(), -1);
  assert.is(r.int64Big(), 2n ** 62n);
  assert.is(r.boolean(), true);
  assert.is(r.boolean(), false);
  assert.is(r.remaining, 0);
});

test('int64 round trips a millisecond timestamp and a large offset', () => {
  const now = Date.now();
  const r = new Reader(w().int64(now).int64(2 ** 50).toBuffer());
  assert.is(r.int64(), now);
  assert.is(r.int64(), 2 ** 50);
});

test('string, nullableString: int16 length of UTF-8 bytes', () => {
  assert.is(hex(w().string('abc').toBuffer()), '0003616263');
  assert.is(hex(w().string('').toBuffer()), '0000');
  assert.is(hex(w().nullableString(null).toBuffer()), 'ffff');
  assert.is(hex(w().nullableString(undefined).toBuffer()), 'ffff');
  // é is two bytes in UTF-8: the length counts bytes, not characters.
  assert.is(hex(w().string('é').toBuffer()), '0002c3a9');

  const r = new Reader(w().string('héllo wörld').nullableString(null).nullableString('x').string('').toBuffer());
  assert.is(r.string(), 'héllo wörld');
  assert.is(r.nullableString(), null);
  assert.is(r.nullableString(), 'x');
  assert.is(r.string(), '');
  assert.is(r.remaining, 0);
});

test('a null where a string is required throws ProtocolError', () => {
  assert.throws(() => new Reader(Buffer.from('ffff', 'hex')).string(), isProtocolError);
});

test('a string length below -1 throws ProtocolError', () => {
  assert.throws(() => new Reader(Buffer.from('fffe00', 'hex')).nullableString(), isProtocolError);
});

test('bytes: int32 length, -1 for null; a read is a view of the input', () => {
  assert.is(hex(w().bytes(Buffer.from([1, 2, 3])).toBuffer()), '00000003010203');
  assert.is(hex(w().bytes(null).toBuffer()), 'ffffffff');
  assert.is(hex(w().bytes(Buffer.alloc(0)).toBuffer()), '00000000');
  const buf = w().bytes(Buffer.from('payload')).bytes(null).bytes(Buffer.alloc(0)).toBuffer();
  const r = new Reader(buf);
  const b = r.bytes();
  assert.ok(b);
  assert.is(b.toString(), 'payload');
  assert.is(b.buffer, buf.buffer, 'no copy');
  assert.is(r.bytes(), null);
  assert.is(r.bytes()?.length, 0);
  assert.is(r.remaining, 0);
  assert.throws(() => new Reader(Buffer.from('fffffffe', 'hex')).bytes(), isProtocolError);
});

test('array and nullableArray round trip', () => {
  const buf = w()
    .array([1, 2, 3], (x, v) => x.int32(v))
    .array(['a', 'bc'], (x, v) => x.string(v))
    .array([] as number[], (x, v) => x.int8(v))
    .nullableArray(null, (x, v: number) => x.int8(v))
    .nullableArray([7], (x, v) => x.int8(v))
    .toBuffer();
  assert.is(hex(buf.subarray(0, 16)), '00000003' + '00000001' + '00000002' + '00000003');
  const r = new Reader(buf);
  assert.equal(r.array((x) => x.int32()), [1, 2, 3]);
  assert.equal(r.array((x) => x.string()), ['a', 'bc']);
  assert.equal(r.array((x) => x.int8()), []);
  assert.is(r.nullableArray((x) => x.int8()), null);
  assert.equal(r.nullableArray((x) => x.int8()), [7]);
  assert.is(r.remaining, 0);
});

test('a null where an array is required throws ProtocolError', () => {
  assert.throws(() => new Reader(Buffer.from('ffffffff', 'hex')).array((x) => x.int8()), isProtocolError);
});

test('an array count larger than the bytes left is rejected before reading items', () => {
  let calls = 0;
  // Count 1000 with 4 bytes behind it: a lie.
  const buf = Buffer.from('000003e8' + '01020304', 'hex');
  assert.throws(
    () =>
      new Reader(buf).array((x) => {
        calls++;
        return x.int8();
      }),
    isProtocolError,
  );
  assert.is(calls, 0, 'no item read');
  // 2^31-1 would be a multi-gigabyte allocation if trusted.
  assert.throws(() => new Reader(Buffer.from('7fffffff', 'hex')).array((x) => x.int8()), isProtocolError);
  // Negative counts other than -1 are invalid too.
  assert.throws(() => new Reader(Buffer.from('fffffffe', 'hex')).nullableArray((x) => x.int8()), isProtocolError);
});

test('int64 numbers are written and read as BigInt would, around every edge of the two 32-bit halves', () => {
  const edges = [0, -0, 1, -1, 0xffffffff, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 32) + 1, 2 ** 52 + 3, -(2 ** 52) - 3, 2 ** 53 - 2 ** 32, -(2 ** 53) + 2 ** 32];
  const values = [...edges, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1_700_000_000_000, -1_700_000_000_000];
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = Math.floor((seed / 2 ** 31) * 2 ** (i % 54)) * (i % 2 ? -1 : 1);
    values.push(v);
  }
  for (const v of values) {
    const reference = Buffer.alloc(8);
    reference.writeBigInt64BE(BigInt(v));
    const bytes = w().int64(v).toBuffer();
    assert.equal(hex(bytes), hex(reference), `write ${v}`);
    assert.is(new Reader(bytes).int64(), v === 0 ? 0 : v, `read ${v}`);
  }
  // Just past the safe range, through the high half the fast read does not take: refused, as before.
  for (const big of [-(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 53n + 1n]) assert.throws(() => new Reader(w().int64(big).toBuffer()).int64(), isProtocolError, `${big}`);
  assert.is(new Reader(w().int64(-(2n ** 53n) + 1n).toBuffer()).int64(), -Number.MAX_SAFE_INTEGER);
  assert.throws(() => w().int64(1.5), RangeError, 'a fraction is refused, as BigInt refuses it');
});

// --- truncation -------------------------------------------------------------------------------------

test('int64 beyond +-2^53 is a ProtocolError, not a rounded number (a committed offset of 2^63-1 reached the coordinator as 9223372036854775808 and broke the broker\'s link to it)', () => {
  for (const v of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n]) {
    const r = new Reader(w().int64(v).toBuffer());
    assert.throws(() => r.int64(), isProtocolError, `${v}`);
    assert.is(new Reader(w().int64(v).toBuffer()).int64Big(), v, 'int64Big still reads it');
  }
  const edge = new Reader(w().int64(Number.MAX_SAFE_INTEGER).int64(-Number.MAX_SAFE_INTEGER).toBuffer());
  assert.is(edge.int64(), Number.MAX_SAFE_INTEGER);
  assert.is(edge.int64(), -Number.MAX_SAFE_INTEGER);
});

test('every truncated read throws ProtocolError', () => {
  const cases: [string, (r: Reader) => unknown, string][] = [
    ['int8 on empty', (r) => r.int8(), ''],
    ['int16 with 1 byte', (r) => r.int16(), '00'],
    ['int32 with 3 bytes', (r) => r.int32(), '000000'],
    ['uint32 with 3 bytes', (r) => r.uint32(), '000000'],
    ['int64 with 7 bytes', (r) => r.int64(), '00000000000000'],
    ['int64Big with 7 bytes', (r) => r.int64Big(), '00000000000000'],
    ['string length 5, 3 bytes', (r) => r.string(), '0005616263'],
    ['string length cut', (r) => r.string(), '00'],
    ['bytes length 10, 2 bytes', (r) => r.bytes(), '0000000a0102'],
    ['raw past end', (r) => r.raw(4), '010203'],
    ['skip past end', (r) => r.skip(2), '01'],
    ['array item cut', (r) => r.array((x) => x.int32()), '00000001' + '0000'],
    ['uvarint with continuation bit at end', (r) => r.uvarint(), '80'],
    ['varint with continuation bit at end', (r) => r.varint(), 'ff'],
    ['varint on empty', (r) => r.varint(), ''],
    ['varlong on empty', (r) => r.varlong(), ''],
    ['varlong 2 of 3 bytes', (r) => r.varlong(), '8080'],
    ['varlong 6 of 7 bytes', (r) => r.varlong(), '808080808080'],
  ];
  for (const [name, read, data] of cases) {
    assert.throws(() => read(new Reader(Buffer.from(data, 'hex'))), isProtocolError, name);
  }
});

test('a Reader never reads past its end bound, even inside a larger buffer', () => {
  const buf = Buffer.from('0000000100000002', 'hex');
  const r = new Reader(buf, 0, 4);
  assert.is(r.int32(), 1);
  assert.is(r.remaining, 0);
  assert.throws(() => r.int8(), isProtocolError);
  const r2 = new Reader(buf, 4, 6);
  assert.is(r2.offset, 4);
  assert.throws(() => r2.int32(), isProtocolError);
  // The varlong fast path must also stop at the bound: the byte after it would end the varint.
  const r3 = new Reader(Buffer.from('8001', 'hex'), 0, 1);
  assert.throws(() => r3.varlong(), isProtocolError);
});

test('over-long varints are rejected', () => {
  assert.throws(() => new Reader(Buffer.from('808080808001', 'hex')).uvarint(), isProtocolError);
  // Five bytes carry 35 bits: past 32 the value is not an (unsigned) int32, and was read truncated
  // (2^32 as 0, 2^33 - 1 as 2^32 - 1), so a compact length that lied could pass for a small one.
  for (const over of ['8080808010', 'ffffffff1f', 'ffffffff7f']) {
    assert.throws(() => new Reader(Buffer.from(over, 'hex')).uvarint(), isProtocolError, `uvarint ${over}`);
    assert.throws(() => new Reader(Buffer.from(over, 'hex')).varint(), isProtocolError, `varint ${over}`);
  }
  assert.is(new Reader(Buffer.from('ffffffff0f', 'hex')).uvarint(), 2 ** 32 - 1, 'the largest that fits');
  assert.throws(() => new Reader(Buffer.from('8080808080808080808001', 'hex')).varlong(), isProtocolError);
});

test('Writer grows from a tiny initial buffer without corrupting earlier bytes', () => {
  const writer = new Writer(1);
  const expected: number[] = [];
  for (let i = 0; i < 1000; i++) {
    writer.int32(i).varint(-i).string(`s${i}`);
    expected.push(i);
  }
  const r = new Reader(writer.toBuffer());
  for (const i of expected) {
    assert.is(r.int32(), i);
    assert.is(r.varint(), -i);
    assert.is(r.string(), `s${i}`);
  }
  assert.is(r.remaining, 0);
  assert.is(writer.length, writer.toBuffer().length);
});

test('reserveInt32 + patchInt32 fill a size in afterwards', () => {
  const writer = w();
  const at = writer.reserveInt32();
  writer.string('hello');
  writer.patchInt32(at, writer.length - 4);
  const at2 = writer.reserveInt32();
  writer.patchUInt32(at2, 0xdeadbeef);
  assert.is(hex(writer.toBuffer()), '00000007' + '000568656c6c6f' + 'deadbeef');
});

test.run();
