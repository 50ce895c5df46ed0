/** FrameDecoder: splitting a byte stream into size-prefixed frames, within the frame-size limit. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import { maxFrameBytes } from '../../src/common/limits.js';
import { FrameDecoder } from '../../src/protocol/framing.js';

const sized = (payload: Buffer): Buffer => {
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
};

test('with no argument the decoder takes its limit from limits.ts (a default that named itself threw when a server accepted a connection)', () => {
  const d = new FrameDecoder();
  const head = Buffer.alloc(4);
  head.writeInt32BE(maxFrameBytes + 1, 0);
  assert.throws(() => d.push(head), (e: unknown) => e instanceof ProtocolError);
  assert.equal(new FrameDecoder().push(sized(Buffer.from('ok'))), [Buffer.from('ok')]);
});

test('frames split across chunks and several frames in one chunk come out whole and in order', () => {
  const d = new FrameDecoder(1024);
  const stream = Buffer.concat([sized(Buffer.from('one')), sized(Buffer.from('two')), sized(Buffer.from('three'))]);
  const out: string[] = [];
  for (let i = 0; i < stream.length; i += 5) out.push(...d.push(stream.subarray(i, i + 5)).map((f) => f.toString()));
  assert.equal(out, ['one', 'two', 'three']);
  assert.equal(d.push(Buffer.concat([sized(Buffer.from('a')), sized(Buffer.from('b'))])).map((f) => f.toString()), ['a', 'b']);
});

test('a negative size or one above the limit is a ProtocolError', () => {
  for (const size of [-1, 1025]) {
    const head = Buffer.alloc(4);
    head.writeInt32BE(size, 0);
    assert.throws(() => new FrameDecoder(1024).push(head), (e: unknown) => e instanceof ProtocolError, `size ${size}`);
  }
});

test.run();
