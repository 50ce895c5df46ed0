import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import type { ApiCodec } from '../../src/protocol/api.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';

/** Shared helpers for the API codec tests (no tests of its own). */

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

export function encodeRequest<Req>(api: ApiCodec<Req, unknown>, req: Req, version: number): Buffer {
  const w = new Writer(8);
  api.encodeRequest(w, req, version);
  return w.toBuffer();
}

export function encodeResponse<Res>(api: ApiCodec<unknown, Res>, res: Res, version: number): Buffer {
  const w = new Writer(8);
  api.encodeResponse(w, res, version);
  return w.toBuffer();
}

/** Decodes `buf` and asserts every byte was consumed. */
export function decodeAll<T>(buf: Buffer, decode: (r: Reader) => T): T {
  const r = new Reader(buf);
  const value = decode(r);
  assert.is(r.remaining, 0, 'decoder left bytes unread');
  return value;
}

export function decodeRequest<Req>(api: ApiCodec<Req, unknown>, buf: Buffer, version: number): Req {
  return decodeAll(buf, (r) => api.decodeRequest(r, version));
}

export function decodeResponse<Res>(api: ApiCodec<unknown, Res>, buf: Buffer, version: number): Res {
  return decodeAll(buf, (r) => api.decodeResponse(r, version));
}

export function assertRequestRoundTrip<Req>(
  api: ApiCodec<Req, unknown>,
  version: number,
  input: Req,
  expected: Req,
): void {
  assert.equal(decodeRequest(api, encodeRequest(api, input, version), version), expected);
}

export function assertResponseRoundTrip<Res>(
  api: ApiCodec<unknown, Res>,
  version: number,
  input: Res,
  expected: Res,
): void {
  assert.equal(decodeResponse(api, encodeResponse(api, input, version), version), expected);
}

/** Every strict prefix of `buf` must be rejected with ProtocolError. */
export function assertTruncationThrows(buf: Buffer, decode: (r: Reader) => unknown): void {
  assert.ok(buf.length > 0);
  for (let len = 0; len < buf.length; len++) {
    assert.throws(
      () => decode(new Reader(buf.subarray(0, len))),
      (e: unknown) => e instanceof ProtocolError,
      `prefix ${len}`,
    );
  }
}
