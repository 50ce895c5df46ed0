import * as zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';
import { ErrorCode, KafkaError } from '../common/errors.js';

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

type ZstdZlib = { zstdCompressSync?: (data: Buffer) => Buffer };
const zstdCompress = (zlib as unknown as ZstdZlib).zstdCompressSync;

/** Whether this process can write batches with `codec` (every codec can be read). */
export function canCompress(codec: number): boolean {
  return codec !== CompressionCodec.zstd || zstdCompress !== undefined;
}

/** Compresses a batch's records section. */
export function compressRecords(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.gzip:
      return zlib.gzipSync(data);
    case CompressionCodec.snappy:
      return Buffer.from(snappy.compress(data));
    case CompressionCodec.lz4:
      return Buffer.from(lz4.compress(data));
    case CompressionCodec.zstd:
      if (zstdCompress) return zstdCompress(data);
      throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `zstd compression needs Node.js 22.15 or later (this is ${process.version}); zstd batches are still read`);
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
        return zlib.gunzipSync(data);
      case CompressionCodec.snappy:
        out = snappyUncompress(data);
        break;
      case CompressionCodec.lz4:
        out = lz4.decompress(data);
        break;
      case CompressionCodec.zstd:
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

/** The Java client's snappy-java stream: this magic, two int32 versions, then (int32 length, raw block)*. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function snappyUncompress(data: Buffer): Uint8Array {
  if (data.length < XERIAL_HEADER_BYTES || !data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return snappy.uncompress(data);
  const blocks: Uint8Array[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < data.length) {
    if (data.length - at < 4) throw new Error('xerial block length cut short');
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length) throw new Error(`xerial block of ${length} bytes does not fit`);
    blocks.push(snappy.uncompress(data.subarray(at, at + length)));
    at += length;
  }
  return Buffer.concat(blocks);
}
