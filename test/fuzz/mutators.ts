import { Prng } from '../../src/chaos/prng.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { structuredMutation } from './structured.js';

/**
 * Frame mutators for the wire fuzzer. Each takes a whole request frame (int32 size prefix included)
 * and returns a new one; unless the mutator is about the size prefix itself, the prefix is rewritten
 * to match, so the mutated bytes reach the request decoders instead of stopping at the framing.
 */
export class FuzzRng extends Prng {
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

export type Mutator = (rng: FuzzRng, frame: Buffer) => Buffer;

/** Offset of the first body byte after the size prefix: mutations land in header or body. */
const PAYLOAD = 4;

function withSize(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

const payloadOf = (frame: Buffer) => Buffer.from(frame.subarray(PAYLOAD));

/** Values that break decoders: sign edges, "one more than what is left", absurd counts. */
function lyingInt32(rng: FuzzRng, left: number): number {
  return rng.pick([0x7fffffff, -0x80000000, -2, -1, 0, 1, left + 1, left, 0x10000000, 0xffff, 1_000_000, rng.int(0x7fffffff)]);
}
function lyingInt16(rng: FuzzRng, left: number): number {
  return rng.pick([0x7fff, -0x8000, -2, -1, 0, Math.min(left + 1, 0x7fff), 0xff]);
}

/** A position inside the payload (header included); 0 when empty. */
const position = (rng: FuzzRng, payload: Buffer) => (payload.length === 0 ? 0 : rng.int(payload.length));

const bitFlips: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  for (let n = 1 + rng.int(8); n > 0 && p.length > 0; n--) p[position(rng, p)]! ^= 1 << rng.int(8);
  return withSize(p);
};

const byteReplacements: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  for (let n = 1 + rng.int(4); n > 0 && p.length > 0; n--) p[position(rng, p)] = rng.pick([0x00, 0xff, 0x7f, 0x80, 0x01, rng.int(256)]);
  return withSize(p);
};

const truncation: Mutator = (rng, frame) => withSize(payloadOf(frame).subarray(0, position(rng, payloadOf(frame))));

const extension: Mutator = (rng, frame) => withSize(Buffer.concat([payloadOf(frame), rng.bytes(1 + rng.int(64))]));

/** Removes a random slice: fields shift under their neighbours' sizes. */
const deletion: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  const at = position(rng, p);
  return withSize(Buffer.concat([p.subarray(0, at), p.subarray(at + 1 + rng.int(8))]));
};

/** An int32 (array count, bytes length, int32 field) that lies, at a brute-forced position. */
const lyingInt32Field: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length < 4) return withSize(p);
  const at = rng.int(p.length - 3);
  p.writeInt32BE(lyingInt32(rng, p.length - at - 4) | 0, at);
  return withSize(p);
};

/** An int16 (string length, error code, api key) that lies. */
const lyingInt16Field: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length < 2) return withSize(p);
  const at = rng.int(p.length - 1);
  p.writeInt16BE(lyingInt16(rng, p.length - at - 2) | 0, at);
  return withSize(p);
};

/** 10+ continuation bytes (a varint no 64-bit value fits), overwriting or inserted. */
function hugeVarint(rng: FuzzRng): Buffer {
  const n = 10 + rng.int(12);
  const b = Buffer.alloc(n, rng.pick([0xff, 0x80, 0xfe]));
  if (rng.next() < 0.5) b[n - 1] = 0x01; // terminated, but too long
  return b;
}
const hugeVarintField: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  const at = position(rng, p);
  const v = hugeVarint(rng);
  return withSize(rng.next() < 0.5 ? Buffer.concat([p.subarray(0, at), v, p.subarray(at)]) : Buffer.concat([p.subarray(0, at), v, p.subarray(at + v.length)]));
};

/** A real body under another API key and version: every key 0-80 (and YaK's 1000+), versions -1..20. */
const apiSwap: Mutator = (rng, frame) => {
  const p = payloadOf(frame);
  if (p.length < 4) return withSize(p);
  p.writeInt16BE(rng.next() < 0.85 ? rng.int(81) : rng.pick([1000 + rng.int(21), 1100, 0x7fff, -1]), 0);
  p.writeInt16BE(rng.int(22) - 1, 2);
  return withSize(p);
};

/** Random bytes behind a real header (so they reach a decoder), or with no header at all. */
const randomBody: Mutator = (rng, frame) => {
  const keepHeader = rng.next() < 0.7 ? Math.min(frame.length - PAYLOAD, 8 + rng.int(24)) : 0;
  return withSize(Buffer.concat([frame.subarray(PAYLOAD, PAYLOAD + keepHeader), rng.bytes(rng.int(300))]));
};

/**
 * Record batches v2 inside Produce frames: the mutation lands after the CRC'd header fields and the
 * CRC is recomputed, so the records (and compressed payloads) reach their decoders rather than
 * stopping at CORRUPT_MESSAGE.
 */
const recordBatchMutation: Mutator = (rng, frame) => {
  const batches = findBatches(frame);
  if (batches.length === 0) return bitFlips(rng, frame);
  const { start, end } = rng.pick(batches);
  const out = Buffer.from(frame);
  const crcd = out.subarray(start + 21, end);
  const at = start + 21 + rng.int(crcd.length);
  const kind = rng.int(4);
  if (kind === 0) out[at]! ^= 1 << rng.int(8);
  else if (kind === 1 && end - at >= 4) out.writeInt32BE(lyingInt32(rng, end - at - 4) | 0, at);
  else if (kind === 2) hugeVarint(rng).copy(out, at, 0, Math.min(10, end - at));
  else out[at] = rng.pick([0x00, 0xff, 0x7f, 0x80]);
  out.writeUInt32BE(crc32c(out.subarray(start + 21, end)), start + 17);
  return out;
};

/** Record batches v2 in a frame: magic 2 at +16 and a CRC32C at +17 that matches its bytes. */
export function findBatches(frame: Buffer): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let i = 0; i + 61 <= frame.length; i++) {
    if (frame[i + 16] !== 2) continue;
    const end = i + 12 + frame.readInt32BE(i + 8);
    if (end <= i + 61 || end > frame.length) continue;
    if (crc32c(frame.subarray(i + 21, end)) === frame.readUInt32BE(i + 17)) found.push({ start: i, end });
  }
  return found;
}

/** A decoded field changed and the request encoded again (structured.ts); bit flips when it does not decode. */
const fieldMutation: Mutator = (rng, frame) => structuredMutation(rng, frame) ?? bitFlips(rng, frame);

/** Mutators that keep a truthful size prefix, with weights (more of the ones that reach deeper). */
const BODY_MUTATORS: [Mutator, number][] = [
  [bitFlips, 4],
  [byteReplacements, 3],
  [truncation, 2],
  [extension, 1],
  [deletion, 1],
  [lyingInt32Field, 4],
  [lyingInt16Field, 3],
  [hugeVarintField, 2],
  [apiSwap, 2],
  [randomBody, 1],
  [recordBatchMutation, 3],
  [fieldMutation, 6],
];
const TOTAL_WEIGHT = BODY_MUTATORS.reduce((s, [, w]) => s + w, 0);

/** One to three stacked mutations of a seed frame, size prefix made truthful. */
export function mutate(rng: FuzzRng, seed: Buffer): Buffer {
  let frame = seed;
  for (let n = 1 + (rng.next() < 0.3 ? rng.int(3) : 0); n > 0; n--) {
    let r = rng.next() * TOTAL_WEIGHT;
    const m = BODY_MUTATORS.find(([, w]) => (r -= w) < 0)?.[0] ?? bitFlips;
    frame = m(rng, frame);
  }
  return frame;
}

/** A size prefix that lies about what follows: larger (a half frame) or smaller (the rest is parsed as the next frame). */
export function lieAboutSize(rng: FuzzRng, frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  const real = frame.length - 4;
  out.writeInt32BE(rng.pick([real + 1 + rng.int(1000), Math.max(0, real - 1 - rng.int(Math.max(1, real))), 0x7fffffff, -1, 0, 100 * 1024 * 1024 + 1]) | 0, 0);
  return out;
}
