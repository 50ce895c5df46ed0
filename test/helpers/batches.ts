import { CompressionCodec } from '../../src/protocol/compression.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD, encodeRecordBatch, type Record } from '../../src/protocol/record-batch.js';

/**
 * Overwrites a v2 batch's header maxTimestamp (offset 35) and fixes its CRC, as a client that gets the
 * field wrong would send it: Sarama 1.22 writes -1 there whatever its records say.
 */
export function withHeaderMaxTimestamp(batch: Buffer, maxTimestamp: number): Buffer {
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

/** A batch whose records section is `section` compressed with `codec`, with a correct CRC (header from the uncompressed `plain`). */
export function compressedBatch(plain: Buffer, codec: number, section: Buffer): Buffer {
  const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_BYTES), section]);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, 8);
  batch.writeInt16BE(codec, 21);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

/**
 * A zstd batch of `records`, on any Node.js (Node 20's zlib cannot compress zstd): its records section
 * is one zstd frame holding them as a raw (stored) block, which every zstd decoder reads (RFC 8878 3.1.1.2).
 */
export function zstdBatch(records: Record[]): Buffer {
  const plain = encodeRecordBatch(records);
  const section = plain.subarray(BATCH_HEADER_BYTES);
  if (section.length > 255) throw new Error('zstdBatch: records up to 255 bytes (a one-byte frame content size)');
  // Magic; descriptor 0x20: single segment, one-byte content size, no checksum or dictionary; then the last block, raw, of section.length bytes.
  const block = 1 | (section.length << 3);
  const frame = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, section.length, block & 0xff, (block >> 8) & 0xff, (block >> 16) & 0xff]), section]);
  return compressedBatch(plain, CompressionCodec.zstd, frame);
}
