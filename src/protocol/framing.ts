import { ProtocolError } from '../common/errors.js';
import * as limits from '../common/limits.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * Splits a TCP byte stream into Kafka frames (int32 size + payload). Chunks are kept in a list and
 * joined only when a whole frame is present, so a large frame arriving in many chunks is copied once.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number = limits.maxFrameBytes) {}

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.flatten();
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.maxFrameBytes) {
        throw new ProtocolError(`frame size ${size} outside 0..${this.maxFrameBytes}`);
      }
      if (this.buffered < 4 + size) break;
      const all = this.flatten();
      frames.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * Reads request header v1 (v0 has no client id but no client YaK serves sends it). Flexible requests
 * (header v2) add tagged fields after the client id; only ApiVersions v3 arrives that way, and the
 * broker answers it with an UNSUPPORTED_VERSION v0 body, so the tagged fields need only be skipped.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Starts a request frame: size placeholder, header v1. Finish with `finishFrame`. */
export function startRequestFrame(header: RequestHeader, sizeHint = 256): Writer {
  const w = new Writer(sizeHint);
  w.reserveInt32();
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  return w;
}

/** Starts a response frame: size placeholder, response header v0 (correlation id). */
export function startResponseFrame(correlationId: number, sizeHint = 256): Writer {
  const w = new Writer(sizeHint);
  w.reserveInt32();
  w.int32(correlationId);
  return w;
}

export function finishFrame(w: Writer): Buffer {
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}
