import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import { Reader } from '../../src/protocol/reader.js';
import { MessageSchema, parseVersions, ZERO_UUID, type FieldSpec } from '../../src/protocol/schema.js';
import { Writer } from '../../src/protocol/writer.js';
import { hex } from '../helpers/roundtrip.js';

/** A made-up message exercising every rule of the engine: v0-1 classic, v2+ flexible. */
const fields: FieldSpec[] = [
  { name: 'id', type: 'int32', versions: '0+' },
  { name: 'name', type: 'string', versions: '0+', nullableVersions: '1+' },
  { name: 'topicId', type: 'uuid', versions: '2+' },
  { name: 'nodes', type: '[]int32', versions: '0+' },
  {
    name: 'parts',
    type: '[]struct',
    versions: '0+',
    fields: [
      { name: 'index', type: 'int16', versions: '0+' },
      { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
    ],
  },
  { name: 'epoch', type: 'int32', versions: '1+', default: -1 },
  { name: 'rack', type: 'string', versions: '2+', nullableVersions: '2+', tag: 0, taggedVersions: '2+' },
  { name: 'hint', type: 'struct', versions: '2+', tag: 5, taggedVersions: '2+', fields: [{ name: 'leader', type: 'int32', versions: '2+', default: -1 }] },
];
const schema = new MessageSchema<Record<string, unknown>>('Test', fields, '0-3', '2+');

function encode(value: Record<string, unknown>, v: number): Buffer {
  const w = new Writer(8);
  schema.encode(w, value, v);
  return w.toBuffer();
}

function decode(bytes: Buffer, v: number): Record<string, unknown> {
  const r = new Reader(bytes);
  const out = schema.decode(r, v);
  assert.is(r.remaining, 0, 'bytes left unread');
  return out;
}

const value = {
  id: 7,
  name: 'ab',
  topicId: '0102030405060708090a0b0c0d0e0f10'.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
  nodes: [1, 2],
  parts: [{ index: 3, records: Buffer.from('xyz') }],
  epoch: 9,
  rack: null,
  hint: { leader: -1 },
};

test('version ranges as Kafka writes them', () => {
  assert.equal(parseVersions('0+'), { from: 0, to: Infinity });
  assert.equal(parseVersions('3-5'), { from: 3, to: 5 });
  assert.equal(parseVersions('7'), { from: 7, to: 7 });
  assert.is(parseVersions('none'), null);
  assert.throws(() => parseVersions('x'));
});

test('classic version: int16/int32 lengths and counts, fields outside the version neither written nor read', () => {
  const bytes = hex('00000007  0002 6162  00000002 00000001 00000002  00000001 0003 00000003 78797a');
  assert.equal(encode(value, 0), bytes);
  assert.equal(decode(bytes, 0), { ...value, topicId: ZERO_UUID, epoch: -1, rack: null, hint: { leader: -1 } });
});

test('flexible version: compact strings/arrays/bytes, uuid, a tag section per struct, defaults not written', () => {
  const bytes = hex(
    '00000007  03 6162  0102030405060708090a0b0c0d0e0f10  03 00000001 00000002  02 0003 04 78797a 00  00000009  00',
  );
  assert.equal(encode(value, 2), bytes);
  assert.equal(decode(bytes, 2), value);
});

test('tagged fields are written in tag order with their sizes, and read back', () => {
  const withTags = { ...value, rack: 'r1', hint: { leader: 4 } };
  const bytes = encode(withTags, 3);
  assert.equal(bytes.subarray(bytes.length - 13), hex('02  00 03 03 7231  05 05 00000004 00'));
  assert.equal(decode(bytes, 3), withTags);
});

test('tagged fields left out are written as their defaults are (not at all); each decode gets its own default struct', () => {
  const { rack: _rack, hint: _hint, ...without } = value;
  assert.equal(encode(without, 2), encode(value, 2));
  const bytes = encode(value, 0);
  const a = decode(bytes, 0);
  const b = decode(bytes, 0);
  assert.equal(a.hint, { leader: -1 });
  assert.is.not(a.hint, b.hint);
});

test('null compact string and null compact bytes are length 0', () => {
  const v = { ...value, name: null, parts: [{ index: 1, records: null }] };
  const bytes = encode(v, 2);
  assert.is(bytes[4], 0);
  assert.equal(decode(bytes, 2), v);
});

test('null where the version does not allow it: refused on encode and on decode', () => {
  assert.throws(() => encode({ ...value, name: null }, 0), /cannot be/);
  assert.throws(() => decode(hex('00000007 ffff 00000000 00000000'), 0), (e: unknown) => e instanceof ProtocolError);
});

const flexBody = (tags: string) => hex(`00000007 03 6162 ${'00'.repeat(16)} 01 01 00000000 ${tags}`);

test('unknown tags are skipped; known ones still read', () => {
  const out = decode(flexBody('02  00 03 03 7231  09 02 abcd'), 2);
  assert.is(out.rack, 'r1');
});

test('a tagged field whose bytes do not match its declared size is a ProtocolError', () => {
  // rack (tag 0) declares 4 bytes, but its compact string takes 3.
  assert.throws(() => decode(flexBody('01  00 04 03 7231 00'), 2), (e: unknown) => e instanceof ProtocolError && /tagged field 0/.test(e.message));
});

test('a lying compact length or tag size is a ProtocolError, nothing allocated for it', () => {
  assert.throws(() => decode(hex('00000007 7f 6162'), 2), (e: unknown) => e instanceof ProtocolError && /compact length/.test(e.message));
  assert.throws(() => decode(hex(`00000007 03 6162 ${'00'.repeat(16)} ffffffff0f`), 2), (e: unknown) => e instanceof ProtocolError);
  assert.throws(() => decode(flexBody('01  09 7f ab'), 2), (e: unknown) => e instanceof ProtocolError);
  assert.throws(() => decode(flexBody('7f'), 2), (e: unknown) => e instanceof ProtocolError && /tagged field count/.test(e.message));
});

test('every truncation of a flexible body is a ProtocolError', () => {
  const bytes = encode({ ...value, rack: 'r1', hint: { leader: 4 } }, 3);
  for (let n = 0; n < bytes.length; n++) assert.throws(() => schema.decode(new Reader(bytes.subarray(0, n)), 3), (e: unknown) => e instanceof ProtocolError, `prefix ${n}`);
});

test('records decode as views of the frame: no copy, whatever their size', () => {
  const big = Buffer.alloc(8 << 20, 1);
  for (const v of [1, 2]) {
    const frame = encode({ ...value, parts: [{ index: 0, records: big }, { index: 1, records: big }] }, v);
    const out = decode(frame, v) as { parts: { records: Buffer }[] };
    for (const p of out.parts) {
      assert.is(p.records.buffer, frame.buffer, `v${v} records share the frame's memory`);
      assert.is(p.records.length, big.length);
    }
  }
});

test('a version outside the range is a programming error', () => {
  assert.throws(() => encode(value, 4), /no version 4/);
});

test.run();
