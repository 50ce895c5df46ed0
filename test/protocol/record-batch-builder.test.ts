/**
 * RecordBatchBuilder (the producer's in-place batch encoder): what it builds decodes to what was
 * appended and passes the leader's validation, a later record may carry an earlier time, a small batch
 * does not keep a whole batch.size buffer, and re-stamping the producer state keeps the CRC valid.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompressionCodec } from '../../src/protocol/compression.js';
import { RecordBatchBuilder, setProducerState } from '../../src/protocol/record-batch-builder.js';
import { decodeRecordBatches, readBatchHeader, splitAndValidateBatches } from '../../src/protocol/record-batch.js';
import { writeInt64 } from '../../src/protocol/record-batch-layout.js';

const T0 = 1_700_000_000_000;

test('appended records decode as appended and the batch validates as a producer batch', () => {
  const b = new RecordBatchBuilder(16384);
  b.append(Buffer.from('k1'), Buffer.from('v1'), T0 + 10, [{ key: 'h', value: Buffer.from('x') }, { key: 'ü', value: null }]);
  b.append(null, null, T0);
  b.append(Buffer.alloc(0), Buffer.alloc(300, 1), T0 + 2 ** 33);
  const batch = b.build({ producerId: 9, producerEpoch: 2, baseSequence: 40, transactional: true });
  const [view] = splitAndValidateBatches(batch);
  assert.is(view!.header.recordCount, 3);
  assert.is(view!.header.baseTimestamp, T0 + 10, "the first record's timestamp is the base");
  assert.is(view!.header.maxTimestamp, T0 + 2 ** 33);
  assert.is(view!.recordTimestamps.min, T0, 'a negative delta reads back as the earlier time');
  const [decoded] = decodeRecordBatches(batch);
  const records = decoded!.records;
  assert.equal(records.map((r) => [r.key?.toString() ?? null, r.value?.length ?? null, r.timestamp]), [['k1', 2, T0 + 10], [null, null, T0], ['', 300, T0 + 2 ** 33]]);
  assert.equal(records[0]!.headers, [{ key: 'h', value: Buffer.from('x') }, { key: 'ü', value: null }]);
  assert.is(decoded!.header.producerId, 9);
  assert.is(decoded!.header.baseSequence, 40);
});

test('a record larger than the capacity grows the buffer; a small batch is copied out of its big one', () => {
  const big = new RecordBatchBuilder(100);
  big.append(null, Buffer.alloc(5000, 2), T0);
  assert.is(decodeRecordBatches(big.build())[0]!.records[0]!.value!.length, 5000);
  const small = new RecordBatchBuilder(16384);
  small.append(null, Buffer.from('v'), T0);
  const batch = small.build();
  assert.ok(batch.buffer.byteLength < 16384, `a one-record batch holds ${batch.buffer.byteLength} bytes of buffer`);
});

test('setProducerState re-stamps id, epoch and sequence with a valid CRC, compressed or not', () => {
  for (const compression of [CompressionCodec.none, CompressionCodec.gzip]) {
    const b = new RecordBatchBuilder(1024);
    for (let i = 0; i < 5; i++) b.append(null, Buffer.from(`value-${i}`), T0 + i);
    const batch = b.build({ producerId: 1, producerEpoch: 0, baseSequence: 0, compression });
    setProducerState(batch, 77, 3, 12);
    const [view] = splitAndValidateBatches(batch);
    assert.equal([view!.header.producerId, view!.header.producerEpoch, view!.header.baseSequence], [77, 3, 12]);
    assert.is(readBatchHeader(batch).attributes & 0x07, compression);
    assert.is(decodeRecordBatches(batch)[0]!.records[4]!.value!.toString(), 'value-4');
  }
});

test('writeInt64 writes what writeBigInt64BE writes, for safe integers either side of 32 bits and anything else', () => {
  const values = [0, 1, -1, 255, 0x7fffffff, 0x80000000, 0xffffffff, 0x1_0000_0000, -0x80000000, -0x80000001, -0x1_0000_0000, 1_700_000_000_123, -1_700_000_000_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 60, -(2 ** 62)];
  for (const v of values) {
    const a = Buffer.alloc(10);
    const b = Buffer.alloc(10);
    writeInt64(a, 1, v);
    b.writeBigInt64BE(BigInt(v), 1);
    assert.equal(a, b, String(v));
  }
  assert.throws(() => writeInt64(Buffer.alloc(8), 0, 1.5), RangeError, 'not a whole number: refused as BigInt() refuses it');
});

test.run();
