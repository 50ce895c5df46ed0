/**
 * Writer: a buffer of frameViewMinBytes or more is taken by reference (a fetched batch goes to the
 * socket uncopied), a smaller one is copied; sizes patched before or after it land where they were
 * reserved; `toBuffer` joins the same bytes `toChunks` hands out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { frameViewMinBytes } from '../../src/common/limits.js';
import { finishFrame, finishFrameChunks, startResponseFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';

const batch = (n: number, fill: number) => Buffer.alloc(n, fill);

test('a large buffer is a chunk of its own, the same memory; the bytes around it are written as usual', () => {
  const big = batch(frameViewMinBytes, 7);
  const w = new Writer(16);
  const size = w.reserveInt32();
  const after = w.int16(1).bytes(big).reserveInt32();
  w.patchInt32(size, 42).patchInt32(after, -5).int8(9);
  const chunks = w.toChunks();
  assert.is(chunks.length, 3);
  assert.ok(chunks[1] === big, 'taken by reference, not copied');
  assert.ok(big.every((b) => b === 7), 'and left as it was');
  const joined = Buffer.concat(chunks);
  assert.equal(w.toBuffer(), joined);
  assert.is(w.length, joined.length);
  const r = new Reader(joined);
  assert.is(r.int32(), 42);
  assert.is(r.int16(), 1);
  assert.equal(r.bytes(), big);
  assert.is(r.int32(), -5, 'a size reserved after the view is patched in its own segment');
  assert.is(r.int8(), 9);
});

test('a buffer below frameViewMinBytes is copied: one chunk, and changing the buffer later changes nothing', () => {
  const small = batch(frameViewMinBytes - 1, 3);
  const w = new Writer(8).bytes(small);
  const chunks = w.toChunks();
  assert.is(chunks.length, 1);
  small.fill(0);
  assert.is(chunks[0]!.readInt32BE(0), frameViewMinBytes - 1);
  assert.ok(chunks[0]!.subarray(4).every((b) => b === 3));
});

test('finishFrameChunks and finishFrame make the same frame; views go on growing the writer after them', () => {
  const make = () => {
    const w = startResponseFrame(77);
    for (let i = 0; i < 3; i++) w.int32(i).compactBytes(batch(frameViewMinBytes + i, i + 1));
    w.string('end'.repeat(200));
    return w;
  };
  const chunks = finishFrameChunks(make());
  const frame = finishFrame(make());
  assert.equal(Buffer.concat(chunks), frame);
  assert.is(frame.readInt32BE(0), frame.length - 4);
  assert.is(frame.readInt32BE(4), 77);
});

test.run();
