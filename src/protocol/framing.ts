import { ProtocolError } from '../common/errors.js';
import { maxFrameBytes as defaultMaxFrameBytes } from '../common/limits.js';
import { ApiKey, type ApiCodec } from './api.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * Splits a TCP byte stream into Kafka frames (int32 size + payload), one frame per `next()`, so the
 * reader decides when to take the next one (a server reserves a frame's declared size first, from
 * `nextFrameSize()`). A frame inside one received chunk is a view of it; a frame spanning chunks is
 * copied once, as its bytes arrive, into a buffer of exactly its size. No frame shares memory with a
 * neighbour, so a huge frame's bytes are freed as soon as its user drops it.
 */
export class FrameDecoder {
  /** Received bytes not yet part of a frame, oldest first. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** The frame being assembled (allocated at its declared size once asked for) and how much has arrived. */
  private partial: Buffer | null = null;
  private partialFilled = 0;

  /** Frames `pushBorrowed` completed, not yet taken by `next()`. */
  private ready: Buffer[] = [];
  private readyBytes = 0;

  constructor(private readonly maxFrameBytes: number = defaultMaxFrameBytes) {}

  /**
   * Like `push`, for a chunk in a read buffer the socket reuses for its next read (net.Socket's
   * `onread`): nothing of the chunk is kept. Its bytes are copied at once into frames of their own
   * (exactly their size, as a frame spanning chunks always was), so no frame, nor a record viewing
   * one, ever aliases the read buffer; a size prefix split across reads is copied too. Frames come
   * out of `next()` as usual. Throws ProtocolError for a size outside 0..maxFrameBytes (the
   * connection is then unusable: `clear()` it).
   */
  pushBorrowed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.partial) {
        const n = Math.min(chunk.length - at, this.partial.length - this.partialFilled);
        chunk.copy(this.partial, this.partialFilled, at, at + n);
        this.partialFilled += n;
        at += n;
        if (this.partialFilled === this.partial.length) this.readyPartial();
        continue;
      }
      if (this.chunkBytes + chunk.length - at < 4) {
        this.chunks.push(Buffer.from(chunk.subarray(at)));
        this.chunkBytes += chunk.length - at;
        return;
      }
      let size: number;
      if (this.chunkBytes === 0) {
        size = chunk.readInt32BE(at);
        at += 4;
      } else {
        // The prefix began in an earlier read (its bytes were copied then).
        const rest = 4 - this.chunkBytes;
        this.chunks.push(chunk.subarray(at, at + rest));
        size = Buffer.concat(this.chunks, 4).readInt32BE(0);
        this.chunks = [];
        this.chunkBytes = 0;
        at += rest;
      }
      if (size < 0 || size > this.maxFrameBytes) throw new ProtocolError(`frame size ${size} outside 0..${this.maxFrameBytes}`);
      this.partial = Buffer.allocUnsafe(size);
      this.partialFilled = 0;
      if (size === 0) this.readyPartial();
    }
  }

  /**
   * The unfilled rest of the frame being assembled when at least `minBytes` of it are missing (a
   * socket may read straight into it: `filledDirect`), else null. Only between `pushBorrowed` calls.
   */
  readTarget(minBytes: number): Buffer | null {
    const p = this.partial;
    return p && p.length - this.partialFilled >= minBytes ? p.subarray(this.partialFilled) : null;
  }

  /** `n` bytes were written into the `readTarget` last handed out. */
  filledDirect(n: number): void {
    if (!this.partial || n > this.partial.length - this.partialFilled) throw new ProtocolError(`${n} bytes read past the frame being assembled`);
    this.partialFilled += n;
    if (this.partialFilled === this.partial.length) this.readyPartial();
  }

  private readyPartial(): void {
    this.ready.push(this.partial!);
    this.readyBytes += this.partial!.length;
    this.partial = null;
    this.partialFilled = 0;
  }

  push(chunk: Buffer): void {
    if (this.partial) {
      const n = Math.min(chunk.length, this.partial.length - this.partialFilled);
      chunk.copy(this.partial, this.partialFilled, 0, n);
      this.partialFilled += n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
  }

  /** Bytes received and not yet handed out in a frame (size prefixes excepted once read). */
  get bufferedBytes(): number {
    return this.readyBytes + this.partialFilled + this.chunkBytes;
  }

  /**
   * The declared payload size of the next frame once its 4-byte prefix has arrived, else null.
   * Throws ProtocolError for a size outside 0..maxFrameBytes: nothing of such a frame is kept.
   */
  nextFrameSize(): number | null {
    if (this.ready.length > 0) return this.ready[0]!.length;
    if (this.partial) return this.partial.length;
    if (this.chunkBytes < 4) return null;
    if (this.chunks[0]!.length < 4) this.joinHead(4);
    const size = this.chunks[0]!.readInt32BE(0);
    if (size < 0 || size > this.maxFrameBytes) throw new ProtocolError(`frame size ${size} outside 0..${this.maxFrameBytes}`);
    return size;
  }

  /** The next whole frame (size prefix stripped), or null until all of its bytes have arrived. */
  next(): Buffer | null {
    if (this.ready.length > 0) {
      const frame = this.ready.shift()!;
      this.readyBytes -= frame.length;
      return frame;
    }
    if (this.partial) {
      if (this.partialFilled < this.partial.length) return null;
      const frame = this.partial;
      this.partial = null;
      this.partialFilled = 0;
      return frame;
    }
    const size = this.nextFrameSize();
    if (size === null) return null;
    const head = this.chunks[0]!;
    if (head.length >= 4 + size) {
      this.consume(4 + size);
      return head.subarray(4, 4 + size);
    }
    this.consume(4);
    this.partial = Buffer.allocUnsafeSlow(size);
    while (this.chunks.length > 0 && this.partialFilled < size) {
      const c = this.chunks[0]!;
      const n = Math.min(c.length, size - this.partialFilled);
      c.copy(this.partial, this.partialFilled, 0, n);
      this.partialFilled += n;
      this.consume(n);
    }
    return this.next();
  }

  /** Every whole frame buffered now, in order (for readers that take frames as fast as they come). */
  *drain(): Generator<Buffer> {
    for (let frame = this.next(); frame !== null; frame = this.next()) yield frame;
  }

  /** Drops every buffered byte (the connection is gone). */
  clear(): void {
    this.ready = [];
    this.readyBytes = 0;
    this.chunks = [];
    this.chunkBytes = 0;
    this.partial = null;
    this.partialFilled = 0;
  }

  private consume(n: number): void {
    this.chunkBytes -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      if (c.length > n) {
        this.chunks[0] = c.subarray(n);
        return;
      }
      n -= c.length;
      this.chunks.shift();
    }
  }

  /** Makes the first chunk at least `n` bytes long (only ever for a size prefix split across chunks). */
  private joinHead(n: number): void {
    let k = 0;
    let bytes = 0;
    while (bytes < n) bytes += this.chunks[k++]!.length;
    this.chunks.splice(0, k, Buffer.concat(this.chunks.slice(0, k), bytes));
  }
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * Which header a request of `api` at `version` carries: v2 (v1 plus a tagged-field section after the
 * client id) in flexible versions, else v1. Header v0 (no client id) only ever served
 * ControlledShutdown v0, which YaK does not serve.
 */
export function requestHeaderVersion(api: Pick<ApiCodec<unknown, unknown>, 'firstFlexibleVersion'>, version: number): 1 | 2 {
  return api.firstFlexibleVersion !== undefined && version >= api.firstFlexibleVersion ? 2 : 1;
}

/**
 * Which header a response carries: v1 (correlation id plus a tagged-field section) in flexible
 * versions, else v0. ApiVersions answers with v0 in every version (Kafka's rule, KIP-511): a
 * client that does not know the broker yet must be able to read the answer, error included.
 */
export function responseHeaderVersion(api: Pick<ApiCodec<unknown, unknown>, 'apiKey' | 'firstFlexibleVersion'>, version: number): 0 | 1 {
  if (api.apiKey === ApiKey.ApiVersions) return 0;
  return requestHeaderVersion(api, version) === 2 ? 1 : 0;
}

/**
 * Reads the part of the request header every version shares (v1: key, version, correlation id,
 * client id; its client id is a classic string even in v2, so any request's header reads this far).
 * Header v2's tagged fields follow: `readRequestHeaderTags` reads them once the API is known.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Skips request header v2's tagged fields (none is defined for clients) when the version has them. */
export function readRequestHeaderTags(r: Reader, api: Pick<ApiCodec<unknown, unknown>, 'firstFlexibleVersion'>, version: number): void {
  if (requestHeaderVersion(api, version) === 2) r.skipTaggedFields();
}

/** Starts a request frame: size placeholder, header v1 or v2 (no tagged fields). Finish with `finishFrame`. */
export function startRequestFrame(header: RequestHeader, sizeHint = 256, headerVersion: 1 | 2 = 1): Writer {
  const w = new Writer(sizeHint);
  w.reserveInt32();
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  if (headerVersion === 2) w.uvarint(0);
  return w;
}

/** Starts a response frame: size placeholder, response header v0 (correlation id) or v1 (plus no tagged fields). */
export function startResponseFrame(correlationId: number, sizeHint = 256, headerVersion: 0 | 1 = 0): Writer {
  const w = new Writer(sizeHint);
  w.reserveInt32();
  w.int32(correlationId);
  if (headerVersion === 1) w.uvarint(0);
  return w;
}

export function finishFrame(w: Writer): Buffer {
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}

/** `finishFrame` without joining: the frame as the writer's chunks (buffers it took by reference stay uncopied), for a socket's writev. */
export function finishFrameChunks(w: Writer): Buffer[] {
  w.patchInt32(0, w.length - 4);
  return w.toChunks();
}
