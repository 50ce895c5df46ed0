/**
 * Reader.raw: the Buffer view decoders hand out for keys, values and bytes fields, built without
 * Buffer#subarray's argument handling: the same memory, a real Buffer, the bounds asked for.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reader } from '../../src/protocol/reader.js';

test('Reader.raw is a Buffer over the same memory as subarray would be, for a parent that is itself a view', () => {
  const parent = Buffer.from('..hello world..').subarray(2, 13); // a view with a byteOffset of its own
  const r = new Reader(parent, 6);
  const v = r.raw(5);
  assert.ok(Buffer.isBuffer(v));
  assert.is(v.toString(), 'world');
  assert.is(v.buffer, parent.buffer);
  assert.is(v.byteOffset, parent.byteOffset + 6);
  v[0] = 'W'.charCodeAt(0);
  assert.is(parent.toString(), 'hello World', 'writes show through: no copy');
  assert.is(new Reader(parent, 3).raw(0).length, 0);
});

test('Reader.raw and bytes hand out such views', () => {
  const frame = Buffer.from([0, 0, 0, 3, 7, 8, 9, 1]);
  const r = new Reader(frame);
  const b = r.bytes()!;
  assert.equal([...b], [7, 8, 9]);
  assert.is(b.buffer, frame.buffer);
  assert.equal([...r.raw(1)], [1]);
  assert.throws(() => r.raw(1), /truncated/);
});

test.run();
