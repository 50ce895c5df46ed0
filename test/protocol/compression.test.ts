/**
 * Record batch compression: every codec Kafka producers write is read (fixtures made by the zstd and
 * lz4 command-line tools, the Java client's xerial snappy framing built by hand), the codecs YaK
 * writes round trip through a whole batch, and the leader refuses a compressed batch that does not
 * decompress or whose records are misframed, as Kafka's LogValidator does.
 */
import * as snappy from 'snappyjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { canCompress, CompressionCodec, compressRecords, decompressRecords, MAX_DECOMPRESSED_BYTES } from '../../src/protocol/compression.js';
import { BATCH_HEADER_BYTES, decodeRecordBatches, encodeRecordBatch, splitAndValidateBatches, type Record } from '../../src/protocol/record-batch.js';
import { compressedBatch, zstdBatch } from '../helpers/batches.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';

const PLAIN = Buffer.from('yak '.repeat(50) + 'kafka frames 0123456789');
// `zstd -19 -c` and `lz4 -c` (then `lz4 -BD --content-size -c`) of PLAIN.
const ZSTD_CLI = '28b52ffd24df150100d879616b206b61666b61206672616d65732030313233343536373839010041d425021b1866e2';
const LZ4_CLI = '04224d186440a7210000004f79616b200400b1f0086b61666b61206672616d6573203031323334353637383900000000f00a625a';
const LZ4_CLI_CONTENT_SIZE = '04224d186c40df00000000000000b2210000004f79616b200400b1f0086b61666b61206672616d6573203031323334353637383900000000f00a625a';

const records = (n: number): Record[] =>
  Array.from({ length: n }, (_, i) => ({ key: i % 3 === 0 ? null : Buffer.from(`key-${i % 5}`), value: Buffer.from(`value ${i} ${'x'.repeat(i % 40)}`), timestamp: 1_700_000_000_000 + i, headers: i % 4 === 0 ? [{ key: 'h', value: Buffer.from(String(i)) }] : [] }));

test('zstd and lz4 frames written by the reference command-line tools decompress', () => {
  assert.equal(decompressRecords(CompressionCodec.zstd, Buffer.from(ZSTD_CLI, 'hex')), PLAIN);
  assert.equal(decompressRecords(CompressionCodec.lz4, Buffer.from(LZ4_CLI, 'hex')), PLAIN);
  assert.equal(decompressRecords(CompressionCodec.lz4, Buffer.from(LZ4_CLI_CONTENT_SIZE, 'hex')), PLAIN);
});

test('a zstd batch stored as a raw block (what test helpers build where zlib has no zstd) decodes', () => {
  const input = records(3);
  assert.equal(decodeRecordBatches(zstdBatch(input))[0]!.records.map((r) => r.value?.toString()), input.map((r) => r.value?.toString()));
});

test('snappy: raw (librdkafka) and the xerial framing of the Java client, in several blocks', () => {
  assert.equal(decompressRecords(CompressionCodec.snappy, Buffer.from(snappy.compress(PLAIN))), PLAIN);
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const block = (part: Buffer) => {
    const compressed = Buffer.from(snappy.compress(part));
    const length = Buffer.alloc(4);
    length.writeInt32BE(compressed.length);
    return Buffer.concat([length, compressed]);
  };
  const xerial = Buffer.concat([header, block(PLAIN.subarray(0, 100)), block(PLAIN.subarray(100))]);
  assert.equal(decompressRecords(CompressionCodec.snappy, xerial), PLAIN);
  assert.is(kafkaErrorCode(() => decompressRecords(CompressionCodec.snappy, xerial.subarray(0, xerial.length - 3))), ErrorCode.CORRUPT_MESSAGE);
});

test('each codec this Node.js writes round trips through a whole batch, smaller than plain', () => {
  const input = records(100);
  const plain = encodeRecordBatch(input);
  for (const codec of [CompressionCodec.gzip, CompressionCodec.snappy, CompressionCodec.lz4, CompressionCodec.zstd]) {
    if (!canCompress(codec)) {
      assert.is(kafkaErrorCode(() => compressRecords(codec, PLAIN)), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      continue;
    }
    const batch = encodeRecordBatch(input, { compression: codec, producerId: 7, producerEpoch: 0, baseSequence: 0 });
    assert.ok(batch.length < plain.length, `codec ${codec}: ${batch.length} < ${plain.length} bytes`);
    const [view] = splitAndValidateBatches(batch);
    assert.is(view!.header.attributes & 0x07, codec);
    assert.is(view!.header.recordCount, 100);
    const decoded = decodeRecordBatches(batch)[0]!.records;
    assert.equal(decoded.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString(), r.timestamp, r.headers.length]), input.map((r, i) => [i, r.key?.toString() ?? null, r.value?.toString(), r.timestamp, r.headers!.length]));
  }
});

test('the leader refuses a compressed batch that does not decompress, or whose records are misframed, or an unknown codec', () => {
  const plain = encodeRecordBatch(records(3));
  const recordsSection = plain.subarray(BATCH_HEADER_BYTES);
  for (const codec of [CompressionCodec.gzip, CompressionCodec.snappy, CompressionCodec.lz4, CompressionCodec.zstd]) {
    const garbage = compressedBatch(plain, codec, Buffer.from('definitely not compressed data'));
    assert.is(kafkaErrorCode(() => splitAndValidateBatches(garbage)), ErrorCode.CORRUPT_MESSAGE, `garbage as codec ${codec}`);
    assert.is(kafkaErrorCode(() => decodeRecordBatches(garbage)), ErrorCode.CORRUPT_MESSAGE);
  }
  // Well compressed, but the last record is cut short: the CRC is right, the records are not.
  const misframed = compressedBatch(plain, CompressionCodec.gzip, compressRecords(CompressionCodec.gzip, recordsSection.subarray(0, recordsSection.length - 2)));
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(misframed)), ErrorCode.CORRUPT_MESSAGE);
  const unknown = compressedBatch(plain, 5, recordsSection);
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(unknown)), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
});

test('a batch that would decompress past MAX_DECOMPRESSED_BYTES is CORRUPT_MESSAGE, whatever the codec, before the memory is taken', () => {
  const tooBig = Buffer.alloc(MAX_DECOMPRESSED_BYTES + 1);
  assert.is(kafkaErrorCode(() => decompressRecords(CompressionCodec.gzip, compressRecords(CompressionCodec.gzip, tooBig))), ErrorCode.CORRUPT_MESSAGE);
  assert.is(kafkaErrorCode(() => decompressRecords(CompressionCodec.lz4, compressRecords(CompressionCodec.lz4, tooBig))), ErrorCode.CORRUPT_MESSAGE);
  // Snappy's length prefix (a varint) claiming 4 GiB, and a zstd frame header declaring 1 GiB of content.
  assert.is(kafkaErrorCode(() => decompressRecords(CompressionCodec.snappy, Buffer.from('ffffffff0f0000', 'hex'))), ErrorCode.CORRUPT_MESSAGE);
  const zstdHeader = Buffer.from('28b52ffde0' + '0000004000000000' + '00000000', 'hex');
  assert.is(kafkaErrorCode(() => decompressRecords(CompressionCodec.zstd, zstdHeader)), ErrorCode.CORRUPT_MESSAGE);
});

test.run();
