import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import { maxFrameBytes } from '../../src/common/limits.js';
import { FrameDecoder } from '../../src/protocol/framing.js';

const test = suite('FrameDecoder');

function framed(payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}

function drain(d: FrameDecoder): Buffer[] {
  const out: Buffer[] = [];
  for (let f = d.next(); f; f = d.next()) out.push(f);
  return out;
}

test('many frames in one chunk come out one per next(), in order', () => {
  const d = new FrameDecoder(100);
  d.push(Buffer.concat([framed(Buffer.from('a')), framed(Buffer.alloc(0)), framed(Buffer.from('ccc'))]));
  assert.equal(drain(d).map((f) => f.toString()), ['a', '', 'ccc']);
  assert.is(d.bufferedBytes, 0);
});

test('a frame split byte by byte, size prefix included, comes out whole once its last byte arrives', () => {
  const d = new FrameDecoder(100);
  const bytes = Buffer.concat([framed(Buffer.from('hello')), framed(Buffer.from('x'))]);
  const got: string[] = [];
  for (const b of bytes) {
    d.push(Buffer.from([b]));
    got.push(...drain(d).map((f) => f.toString()));
  }
  assert.equal(got, ['hello', 'x']);
});

test('nextFrameSize() reports the declared size before the bytes arrive; a frame spanning chunks owns exactly its bytes', () => {
  const d = new FrameDecoder(1 << 20);
  const payload = Buffer.alloc(300_000, 7);
  const all = framed(payload);
  d.push(all.subarray(0, 10));
  assert.is(d.nextFrameSize(), 300_000);
  assert.is(d.next(), null);
  for (let at = 10; at < all.length; at += 65536) d.push(all.subarray(at, Math.min(all.length, at + 65536)));
  const f = d.next()!;
  assert.ok(f.equals(payload));
  // Not a view into a larger joined buffer: dropping it frees its bytes, nothing else pins them.
  assert.is(f.buffer.byteLength, 300_000);
});

test('a size outside 0..max is a ProtocolError before any of the frame is kept', () => {
  for (const size of [101, -1, 0x7fffffff]) {
    const d = new FrameDecoder(100);
    const head = Buffer.alloc(4);
    head.writeInt32BE(size);
    d.push(head);
    assert.throws(() => d.next(), (e: Error) => e instanceof ProtocolError && /outside 0\.\.100/.test(e.message));
  }
});

test('with no argument the limit is limits.ts maxFrameBytes (a default that named itself threw on the first connection)', () => {
  const d = new FrameDecoder();
  const head = Buffer.alloc(4);
  head.writeInt32BE(maxFrameBytes + 1);
  d.push(head);
  assert.throws(() => d.next(), (e: Error) => e instanceof ProtocolError);
});

test('clear() drops every buffered byte', () => {
  const d = new FrameDecoder(100);
  d.push(framed(Buffer.from('abcdef')).subarray(0, 7));
  assert.is(d.next(), null);
  assert.is(d.bufferedBytes, 3);
  d.clear();
  assert.is(d.bufferedBytes, 0);
  d.push(framed(Buffer.from('z')));
  assert.equal(drain(d).map((f) => f.toString()), ['z']);
});

test.run();
