import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import { maxFrameBytes } from '../../src/common/limits.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import {
  decodeRequestHeader,
  finishFrame,
  FrameDecoder,
  readRequestHeaderTags,
  requestHeaderVersion,
  responseHeaderVersion,
  startRequestFrame,
  startResponseFrame,
} from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';

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

test('pushBorrowed: frames from a read buffer reused for every chunk come out intact, however the stream is cut', () => {
  const payloads = [0, 1, 3, 5000, 70_000, 2, 0, 4].map((n, i) => Buffer.alloc(n, i + 1));
  const stream = Buffer.concat(payloads.map(framed));
  for (const cut of [1, 2, 3, 5, 4096, 65536, stream.length]) {
    const d = new FrameDecoder(100_000);
    const readBuffer = Buffer.alloc(cut);
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; at += cut) {
      const n = stream.copy(readBuffer, 0, at, at + cut);
      d.pushBorrowed(readBuffer.subarray(0, n));
      readBuffer.fill(0xee); // the socket's next read overwrites it
      out.push(...drain(d));
    }
    assert.is(out.length, payloads.length, `cut ${cut}: every frame`);
    out.forEach((f, i) => {
      assert.ok(f.equals(payloads[i]!), `cut ${cut}: frame ${i} intact`);
      assert.is.not(f.buffer, readBuffer.buffer);
    });
    assert.is(d.bufferedBytes, 0);
  }
});

test('readTarget: the unfilled rest of a large frame, read into directly (filledDirect), completes it; a small rest is not offered', () => {
  const payload = Buffer.alloc(10_000, 9);
  const stream = Buffer.concat([framed(payload), framed(Buffer.from('next'))]);
  const d = new FrameDecoder(100_000);
  assert.is(d.readTarget(1), null, 'no frame started');
  d.pushBorrowed(stream.subarray(0, 100));
  const target = d.readTarget(4096)!;
  assert.is(target.length, 10_000 - 96);
  stream.copy(target, 0, 100, 5000); // a socket's read into it
  d.filledDirect(4900);
  assert.is(d.next(), null);
  assert.is(d.readTarget(5005), null, 'only 5004 bytes missing');
  d.pushBorrowed(stream.subarray(5000));
  assert.equal(drain(d).map((f) => f.toString('hex')), [payload.toString('hex'), Buffer.from('next').toString('hex')]);
  assert.throws(() => d.filledDirect(1), (e: Error) => e instanceof ProtocolError);
});

test('pushBorrowed: a size outside 0..max is a ProtocolError, its prefix whole or split across reads', () => {
  const head = Buffer.alloc(4);
  head.writeInt32BE(101);
  assert.throws(() => new FrameDecoder(100).pushBorrowed(head), (e: Error) => e instanceof ProtocolError && /outside 0\.\.100/.test(e.message));
  const d = new FrameDecoder(100);
  d.pushBorrowed(head.subarray(0, 3));
  assert.is(d.next(), null);
  assert.throws(() => d.pushBorrowed(head.subarray(3)), (e: Error) => e instanceof ProtocolError);
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

const headers = suite('request and response headers per (API, version)');

headers('flexible versions use request header v2 and response header v1; ApiVersions always answers with header v0', () => {
  const fooApi = { apiKey: 3, firstFlexibleVersion: 9 };
  assert.is(requestHeaderVersion(fooApi, 8), 1);
  assert.is(requestHeaderVersion(fooApi, 9), 2);
  assert.is(responseHeaderVersion(fooApi, 8), 0);
  assert.is(responseHeaderVersion(fooApi, 9), 1);
  assert.is(requestHeaderVersion({}, 100), 1, 'a codec without flexible versions');
  assert.is(requestHeaderVersion(ApiVersionsApi, 3), 2);
  assert.is(responseHeaderVersion(ApiVersionsApi, 3), 0);
});

headers('header v2: the client id stays a classic string, then an empty tag section; response header v1 adds one after the correlation id', () => {
  const req = finishFrame(startRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 5, clientId: 'ab' }, 16, 2));
  assert.equal(req, Buffer.from('0000000d 0012 0003 00000005 0002 6162 00'.replace(/ /g, ''), 'hex'));
  const r = new Reader(req, 4);
  assert.equal(decodeRequestHeader(r), { apiKey: 18, apiVersion: 3, correlationId: 5, clientId: 'ab' });
  readRequestHeaderTags(r, ApiVersionsApi, 3);
  assert.is(r.remaining, 0);
  assert.equal(finishFrame(startResponseFrame(5, 16, 1)), Buffer.from('00000005 00000005 00'.replace(/ /g, ''), 'hex'));
  assert.equal(finishFrame(startResponseFrame(5, 16)), Buffer.from('00000004 00000005'.replace(/ /g, ''), 'hex'));
});

headers('unknown header tags are skipped; a header tag that lies about its size is a ProtocolError', () => {
  const w = startRequestFrame({ apiKey: 18, apiVersion: 3, correlationId: 5, clientId: null }, 16, 1);
  w.raw(Buffer.from('01 07 02 abcd'.replace(/ /g, ''), 'hex'));
  const r = new Reader(finishFrame(w), 4);
  decodeRequestHeader(r);
  readRequestHeaderTags(r, ApiVersionsApi, 3);
  assert.is(r.remaining, 0);
  const lying = new Reader(Buffer.from('01 07 09 ab'.replace(/ /g, ''), 'hex'));
  assert.throws(() => readRequestHeaderTags(lying, ApiVersionsApi, 3), (e: unknown) => e instanceof ProtocolError);
});

headers.run();
