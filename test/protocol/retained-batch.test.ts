/**
 * What the log cleaner writes (rebuildBatch) and what a follower accepts of it
 * (splitReplicatedBatches: the CRC and the header, as Kafka's followers check): kept records byte for
 * byte at their offsets, a fresh CRC, the codec, producer fields and last offset delta kept, the
 * KIP-534 delete horizon, empty batches; a producer's batch must still be whole. kafkajs 2.2 decodes
 * the result too.
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompressionCodec } from '../../src/protocol/compression.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { ATTR_DELETE_HORIZON, decodeRecordBatches, encodeRecordBatch, readBatchHeader, splitAndValidateBatches, splitReplicatedBatches } from '../../src/protocol/record-batch.js';
import { deleteHorizonOf, rebuildBatch, storedRecords } from '../../src/protocol/retained-batch.js';

const require = createRequire(import.meta.url);
const T0 = 1_700_000_000_000;

function original(compression: number = CompressionCodec.none): Buffer {
  return encodeRecordBatch(
    [
      { key: Buffer.from('a'), value: Buffer.from('a0'), timestamp: T0, headers: [{ key: 'h', value: Buffer.from('x') }] },
      { key: Buffer.from('b'), value: null, timestamp: T0 + 5 },
      { key: Buffer.from('a'), value: Buffer.from('a1'), timestamp: T0 + 9 },
      { key: Buffer.from('c'), value: Buffer.from('c0'), timestamp: T0 + 2 },
    ],
    { baseOffset: 100, producerId: 42, producerEpoch: 3, baseSequence: 7, compression },
  );
}

for (const [name, codec] of [['uncompressed', CompressionCodec.none], ['lz4', CompressionCodec.lz4]] as const) {
  test(`${name}: a thinned batch keeps its records at their offsets, with their headers, and its own fields; its CRC is fresh`, () => {
    const before = original(codec);
    const records = storedRecords(before);
    assert.equal(records.map((r) => [r.offset, r.key?.toString(), r.tombstone]), [
      [100, 'a', false],
      [101, 'b', true],
      [102, 'a', false],
      [103, 'c', false],
    ]);
    const after = rebuildBatch(before, [records[0]!, records[3]!], null);
    const h = readBatchHeader(after);
    const was = readBatchHeader(before);
    assert.equal([h.baseOffset, h.lastOffsetDelta, h.recordCount, h.producerId, h.producerEpoch, h.baseSequence, h.attributes & 0x07], [100, 3, 2, 42, 3, 7, codec]);
    assert.is(h.crc, crc32c(after, 21));
    assert.is.not(h.crc, was.crc);
    assert.is(h.maxTimestamp, T0 + 2, 'the max timestamp of what is kept');
    const [decoded] = decodeRecordBatches(after);
    assert.equal(decoded!.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp, r.headers.map((x) => x.key)]), [
      [100, 'a', 'a0', T0, ['h']],
      [103, 'c', 'c0', T0 + 2, []],
    ]);
    assert.throws(() => splitAndValidateBatches(after), /record count and last offset delta disagree/, 'not from a producer');
    assert.is(splitReplicatedBatches(after)[0]!.header.recordCount, 2, 'a follower takes it from its leader');
  });
}

test('a delete horizon is stamped as KIP-534 says (flag and base timestamp) and record timestamps read the same', () => {
  const before = original();
  const kept = storedRecords(before).slice(1, 3);
  const after = rebuildBatch(before, kept, T0 + 86_400_000);
  const h = readBatchHeader(after);
  assert.ok(h.attributes & ATTR_DELETE_HORIZON);
  assert.is(deleteHorizonOf(h), T0 + 86_400_000);
  assert.is(deleteHorizonOf(readBatchHeader(before)), null);
  assert.equal(decodeRecordBatches(after)[0]!.records.map((r) => r.timestamp), [T0 + 5, T0 + 9]);
  const again = rebuildBatch(after, storedRecords(after).slice(1), null);
  assert.is(deleteHorizonOf(readBatchHeader(again)), T0 + 86_400_000, 'a later rewrite keeps the horizon');
  assert.is(splitReplicatedBatches(again).length, 1);
});

test('an emptied batch is a header: no records, uncompressed, its old max timestamp, its offsets and producer fields', () => {
  const before = original(CompressionCodec.gzip);
  const empty = rebuildBatch(before, [], null);
  const h = readBatchHeader(empty);
  assert.is(empty.length, 61);
  assert.equal([h.baseOffset, h.lastOffsetDelta, h.recordCount, h.attributes & 0x07, h.producerId, h.baseSequence, h.maxTimestamp, h.baseTimestamp], [100, 3, 0, 0, 42, 7, T0 + 9, T0 + 9]);
  assert.equal(decodeRecordBatches(empty)[0]!.records, []);
  assert.is(splitReplicatedBatches(empty).length, 1);
  assert.throws(() => splitAndValidateBatches(empty), /record count and last offset delta disagree/);
});

test("a follower checks a batch's CRC and header, not its records: a changed byte or more records than offsets is refused", () => {
  const before = original();
  const [a, b] = storedRecords(before);
  // Its leader walked the records before storing them; the CRC says these are the leader's bytes.
  const swapped = rebuildBatch(before, [b!, a!], null);
  assert.is(splitReplicatedBatches(swapped).length, 1);
  assert.throws(() => splitAndValidateBatches(swapped), /record count and last offset delta disagree/, 'a leader refuses it from a producer');
  const flipped = Buffer.from(before);
  flipped[flipped.length - 1]! ^= 1;
  assert.throws(() => splitReplicatedBatches(flipped), /CRC32C mismatch/);
  const tooMany = Buffer.from(before);
  tooMany.writeInt32BE(5, 57); // record count 5 in a batch of offsets 100-103
  tooMany.writeUInt32BE(crc32c(tooMany, 21), 17);
  assert.throws(() => splitReplicatedBatches(tooMany), /record count and last offset delta disagree/);
});

test('splitAndValidateBatches tells whether a batch has a record without a key (a compacted topic refuses it)', () => {
  assert.is(splitAndValidateBatches(original())[0]!.hasKeylessRecord, false);
  const keyless = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: T0 }, { key: null, value: Buffer.from('v'), timestamp: T0 }]);
  assert.is(splitAndValidateBatches(keyless)[0]!.hasKeylessRecord, true);
});

test('kafkajs 2.2 decodes a thinned batch: the kept records at their offsets', async () => {
  const Decoder = require('kafkajs/src/protocol/decoder');
  const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder');
  const before = original();
  const records = storedRecords(before);
  const batch = await RecordBatchDecoder(new Decoder(rebuildBatch(before, [records[1]!, records[2]!], null)));
  assert.equal(batch.records.map((r: { offset: string; key: Buffer; value: Buffer | null }) => [r.offset, r.key.toString(), r.value?.toString() ?? null]), [
    ['101', 'b', null],
    ['102', 'a', 'a1'],
  ]);
});

test.run();
