import { decompress as zstdDecompress } from 'fzstd';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { nodeZlib } from '../common/lazy-builtin.js';
import { maxDecompressedBytes } from '../common/limits.js';

/**
 * The compression codecs of a v2 record batch (attributes bits 0-2), as Kafka's producers write them:
 * gzip, snappy (raw, as librdkafka writes it, or in the xerial framing of the Java client), lz4 (the
 * LZ4 frame format) and zstd. Only a batch's records section is compressed; the header stays plain.
 *
 * Pure-JS codecs (snappyjs, lz4js, fzstd) keep the bundle one file with no native build beyond
 * better-sqlite3. fzstd only decompresses: zstd batches are written where node:zlib has zstd
 * (Node 22.15+), and read everywhere.
 */
export const CompressionCodec = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof CompressionCodec;
export type CompressionCodecId = (typeof CompressionCodec)[CompressionName];

export const COMPRESSION_NAMES = Object.keys(CompressionCodec) as CompressionName[];

export function codecName(codec: number): string {
  return COMPRESSION_NAMES.find((n) => CompressionCodec[n] === codec) ?? `codec ${codec}`;
}

/**
 * The most a batch's records may decompress to. A garbled or hostile batch can declare (or expand to)
 * gigabytes from a few bytes; this refuses it as CORRUPT_MESSAGE before the memory is taken.
 */
export const MAX_DECOMPRESSED_BYTES = maxDecompressedBytes;

type ZstdZlib = { zstdCompressSync?: (data: Buffer) => Buffer };
const zstdCompress = (): ZstdZlib['zstdCompressSync'] => (nodeZlib() as unknown as ZstdZlib).zstdCompressSync;

/** Whether this process can write batches with `codec` (every codec can be read). */
export function canCompress(codec: number): boolean {
  return codec !== CompressionCodec.zstd || zstdCompress() !== undefined;
}

/** Compresses a batch's records section. */
export function compressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.gzip:
      return nodeZlib().gzipSync(data);
    case CompressionCodec.snappy:
      return Buffer.from(snappy.compress(data));
    case CompressionCodec.lz4:
      return Buffer.from(lz4.compress(data));
    case CompressionCodec.zstd: {
      const compress = zstdCompress();
      if (compress) return compress(data);
      throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `zstd compression needs Node.js 22.15 or later (this is ${process.version}); zstd batches are still read`);
    }
    default:
      throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression ${codecName(codec)}`);
  }
}

/** Decompresses a batch's records section; data that does not decompress is CORRUPT_MESSAGE. */
export function decompressRecords(codec: number, data: Buffer): Buffer {
  let out: Uint8Array;
  try {
    switch (codec) {
      case CompressionCodec.gzip:
        return nodeZlib().gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
      case CompressionCodec.snappy:
        out = snappyUncompress(data);
        break;
      case CompressionCodec.lz4:
        return lz4FrameDecompress(data);
      case CompressionCodec.zstd:
        checkZstdFrameSize(data);
        out = zstdDecompress(data);
        break;
      default:
        throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression ${codecName(codec)}`);
    }
  } catch (err) {
    if (err instanceof KafkaError) throw err;
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `${codecName(codec)} record batch does not decompress: ${(err as Error).message}`);
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

const LZ4_MAGIC = 0x184d2204;
/** Largest block of each LZ4 frame block-size id (4-7). */
const LZ4_MAX_BLOCK = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
/** Where blocks are decompressed before being copied out: grown once to the largest block seen. */
let lz4Scratch = new Uint8Array(0);

/**
 * An LZ4 frame (what Kafka's lz4 codec is), block by block through a reused scratch buffer. lz4js's
 * own frame decoder sizes its output from the frame's maximum block size, allocating up to 4 MiB per
 * batch, which made reading small batches fifty times slower.
 */
function lz4FrameDecompress(src: Buffer): Buffer {
  if (src.length < 7 || src.readUInt32LE(0) !== LZ4_MAGIC) throw new Error('not an LZ4 frame');
  const flags = src[4]!;
  if (flags >> 6 !== 1) throw new Error(`LZ4 frame version ${flags >> 6}`);
  const maxBlock = LZ4_MAX_BLOCK[(src[5]! >> 4) & 7]!;
  if (maxBlock === 0) throw new Error('LZ4 frame block size id');
  if (lz4Scratch.length < maxBlock) lz4Scratch = new Uint8Array(maxBlock);
  // magic, FLG, BD, content size if flagged, dictionary id if flagged, header checksum
  let at = 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1;
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    if (at + 4 > src.length) throw new Error('LZ4 frame cut short');
    const word = src.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > maxBlock || at + size > src.length) throw new Error(`LZ4 block of ${size} bytes does not fit`);
    if (word & 0x80000000) parts.push(src.subarray(at, at + size));
    else parts.push(Buffer.from(lz4Scratch.subarray(0, lz4.decompressBlock(src, lz4Scratch, at, size, 0))));
    total += parts[parts.length - 1]!.length;
    if (total > MAX_DECOMPRESSED_BYTES) throw new Error(`decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes`);
    at += size + (flags & 0x10 ? 4 : 0);
  }
  return Buffer.concat(parts);
}

/**
 * fzstd allocates what a frame header declares (its content size, else its window, up to 2 GiB)
 * before decoding: read that size first, as fzstd does, and refuse more than the limit.
 */
function checkZstdFrameSize(data: Buffer): void {
  if (data.length < 6 || data.readUInt32LE(0) !== 0xfd2fb528) return; // fzstd names what is wrong
  const flags = data[4]!;
  const singleSegment = (flags >> 5) & 1;
  const sizeFlag = flags >> 6;
  const dictBytes = [0, 1, 2, 4][flags & 3]!;
  const at = 6 - singleSegment + dictBytes;
  const sizeBytes = sizeFlag ? 1 << sizeFlag : singleSegment;
  let contentSize = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) contentSize = contentSize * 256 + (data[at + i] ?? 0);
  if (sizeFlag === 1) contentSize += 256;
  const windowBase = 1 << (10 + (data[5]! >> 3));
  const declared = contentSize || (singleSegment ? 0 : windowBase + (windowBase >> 3) * (data[5]! & 7));
  if (declared > MAX_DECOMPRESSED_BYTES) throw new Error(`the frame declares ${declared} bytes, more than ${MAX_DECOMPRESSED_BYTES}`);
}

/** The Java client's snappy-java stream: this magic, two int32 versions, then (int32 length, raw block)*. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function snappyUncompress(data: Buffer): Uint8Array {
  if (data.length < XERIAL_HEADER_BYTES || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return snappy.uncompress(data, MAX_DECOMPRESSED_BYTES);
  const blocks: Uint8Array[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < data.length) {
    if (data.length - at < 4) throw new Error('xerial block length cut short');
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length) throw new Error(`xerial block of ${length} bytes does not fit`);
    blocks.push(snappy.uncompress(data.subarray(at, at + length), MAX_DECOMPRESSED_BYTES));
    at += length;
  }
  return Buffer.concat(blocks);
}
