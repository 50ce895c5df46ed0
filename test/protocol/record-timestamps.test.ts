/**
 * Timestamps as a Kafka leader validates them (LogValidator): the records' timestamps derived during
 * splitAndValidateBatches (uncompressed and compressed), applyTimestampPolicy rewriting maxTimestamp
 * and the CRC in place only where they differ, LogAppendTime stamping, the before/after limits
 * refusing with INVALID_TIMESTAMP, and the topic configs that set the policy.
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { DEFAULT_TIMESTAMP_POLICY, NO_TIMESTAMP_LIMIT_MS, timestampPolicy, topicConfigProblem, type TimestampPolicy } from '../../src/common/topic-configs.js';
import { CompressionCodec } from '../../src/protocol/compression.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { applyTimestampPolicy, decodeRecordBatches, encodeRecordBatch, readBatchHeader, splitAndValidateBatches, type Record } from '../../src/protocol/record-batch.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';
import { withHeaderMaxTimestamp } from '../helpers/batches.js';

const require = createRequire(import.meta.url);
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as new (buf: Buffer) => unknown;
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ maxTimestamp: string; records: { timestamp: string }[] }>;

const T0 = 1_700_000_000_000;
const rec = (value: string, timestamp: number): Record => ({ key: null, value: Buffer.from(value), timestamp });
const crcHolds = (b: Buffer) => crc32c(b, 21) === b.readUInt32BE(17);

const CODECS = [CompressionCodec.none, CompressionCodec.gzip, CompressionCodec.snappy, CompressionCodec.lz4] as const;

test('the records timestamps are derived while validating, for every codec: max and min, out of order', () => {
  for (const compression of CODECS) {
    const bytes = encodeRecordBatch([rec('a', T0 + 20), rec('b', T0), rec('c', T0 + 35), rec('d', T0 + 5)], { compression });
    const [b] = splitAndValidateBatches(withHeaderMaxTimestamp(bytes, -1));
    assert.equal(b!.recordTimestamps, { max: T0 + 35, min: T0 }, `codec ${compression}`);
    assert.is(b!.header.maxTimestamp, -1, 'validation alone changes nothing');
  }
});

test('records without a timestamp (-1) are left out of min and max; none at all gives max -1', () => {
  const none = splitAndValidateBatches(encodeRecordBatch([rec('a', -1), rec('b', -1)]))[0]!;
  assert.equal(none.recordTimestamps, { max: -1, min: Infinity });
  // baseTimestamp -1 with deltas: records at -1 and -1 + 11 (Kafka adds the delta to -1 too).
  const bytes = encodeRecordBatch([rec('a', -1), rec('b', 10)]);
  assert.equal(splitAndValidateBatches(bytes)[0]!.recordTimestamps, { max: 10, min: 10 });
});

test('CreateTime: a header max timestamp of -1 is rewritten to the records max, in place, with a valid CRC (gzip and none)', () => {
  for (const compression of [CompressionCodec.none, CompressionCodec.gzip]) {
    const request = withHeaderMaxTimestamp(encodeRecordBatch([rec('a', T0), rec('b', T0 + 7)], { compression }), -1);
    const batches = splitAndValidateBatches(request);
    assert.is(applyTimestampPolicy(batches, DEFAULT_TIMESTAMP_POLICY, T0 + 100), -1, 'no log append time for CreateTime');
    const h = readBatchHeader(request);
    assert.is(h.maxTimestamp, T0 + 7, 'the request buffer itself was rewritten');
    assert.is(h.attributes & 0x08, 0, 'still CreateTime');
    assert.is(h.attributes & 0x07, compression, 'codec bits kept');
    assert.ok(crcHolds(request), 'CRC recomputed');
    assert.is(batches[0]!.header.maxTimestamp, T0 + 7, 'the view the log stores agrees');
    assert.is(batches[0]!.header.crc, h.crc);
    // A consumer (and a follower) reads it back: records keep their create times.
    assert.equal(decodeRecordBatches(request)[0]!.records.map((r) => r.timestamp), [T0, T0 + 7]);
    assert.is(splitAndValidateBatches(request).length, 1, 'a follower validating the rewritten bytes accepts them');
  }
});

test('CreateTime: a correct header is left byte for byte alone; a too-large header max is lowered', () => {
  const good = encodeRecordBatch([rec('a', T0), rec('b', T0 + 7)]);
  const before = Buffer.from(good);
  applyTimestampPolicy(splitAndValidateBatches(good), DEFAULT_TIMESTAMP_POLICY, T0);
  assert.ok(good.equals(before));

  const lying = withHeaderMaxTimestamp(encodeRecordBatch([rec('a', T0)]), T0 + 999_999);
  applyTimestampPolicy(splitAndValidateBatches(lying), DEFAULT_TIMESTAMP_POLICY, T0);
  assert.is(readBatchHeader(lying).maxTimestamp, T0);
  assert.ok(crcHolds(lying));
});

test('two batches in one request are each derived on their own', () => {
  const request = Buffer.concat([withHeaderMaxTimestamp(encodeRecordBatch([rec('a', T0 + 1)]), -1), withHeaderMaxTimestamp(encodeRecordBatch([rec('b', T0 + 2), rec('c', T0 + 3)], { compression: CompressionCodec.lz4 }), -1)]);
  const batches = splitAndValidateBatches(request);
  applyTimestampPolicy(batches, DEFAULT_TIMESTAMP_POLICY, T0);
  assert.equal(batches.map((b) => readBatchHeader(b.bytes).maxTimestamp), [T0 + 1, T0 + 3]);
  assert.ok(batches.every((b) => crcHolds(b.bytes)));
});

test('LogAppendTime: the type bit and maxTimestamp become the broker time, readers see it on every record', () => {
  const policy: TimestampPolicy = { ...DEFAULT_TIMESTAMP_POLICY, type: 'LogAppendTime' };
  for (const compression of [CompressionCodec.none, CompressionCodec.snappy]) {
    const request = encodeRecordBatch([rec('a', 5), rec('b', 6)], { compression });
    const now = T0 + 42;
    assert.is(applyTimestampPolicy(splitAndValidateBatches(request), policy, now), now, 'the log append time for the response');
    const h = readBatchHeader(request);
    assert.is(h.attributes & 0x08, 0x08, 'LogAppendTime bit');
    assert.is(h.attributes & 0x07, compression);
    assert.is(h.maxTimestamp, now);
    assert.ok(crcHolds(request));
    assert.equal(decodeRecordBatches(request)[0]!.records.map((r) => r.timestamp), [now, now]);
    assert.is(splitAndValidateBatches(request).length, 1, 'a follower accepts the stamped batch');
  }
  // The records' own timestamps are not checked against the limits on a LogAppendTime topic.
  assert.not.throws(() => applyTimestampPolicy(splitAndValidateBatches(encodeRecordBatch([rec('old', 0)])), { type: 'LogAppendTime', beforeMaxMs: 10, afterMaxMs: 10 }, T0));
});

test('a producer that sets LogAppendTime itself is refused with INVALID_TIMESTAMP (32)', () => {
  const bytes = encodeRecordBatch([rec('a', T0)]);
  bytes.writeInt16BE(bytes.readInt16BE(21) | 0x08, 21);
  bytes.writeUInt32BE(crc32c(bytes, 21), 17);
  assert.is(kafkaErrorCode(() => applyTimestampPolicy(splitAndValidateBatches(bytes), DEFAULT_TIMESTAMP_POLICY, T0)), ErrorCode.INVALID_TIMESTAMP);
});

test('before.max.ms and after.max.ms: a record outside [now - before, now + after] fails the batch with INVALID_TIMESTAMP; -1 records pass', () => {
  const policy: TimestampPolicy = { type: 'CreateTime', beforeMaxMs: 1000, afterMaxMs: 500 };
  const now = T0;
  const apply = (records: Record[]) => () => applyTimestampPolicy(splitAndValidateBatches(encodeRecordBatch(records, { compression: CompressionCodec.gzip })), policy, now);
  assert.not.throws(apply([rec('edge-before', now - 1000), rec('edge-after', now + 500)]), 'the bounds are inclusive');
  assert.is(kafkaErrorCode(apply([rec('ok', now), rec('old', now - 1001)])), ErrorCode.INVALID_TIMESTAMP);
  assert.is(kafkaErrorCode(apply([rec('future', now + 501), rec('ok', now)])), ErrorCode.INVALID_TIMESTAMP);
  assert.not.throws(apply([rec('none', -1), rec('ok', now)]), 'a record without a timestamp is not judged');
  // Nothing is rewritten when the batch is refused.
  const refused = withHeaderMaxTimestamp(encodeRecordBatch([rec('old', now - 5000)]), -1);
  assert.is(kafkaErrorCode(() => applyTimestampPolicy(splitAndValidateBatches(refused), policy, now)), ErrorCode.INVALID_TIMESTAMP);
  assert.is(readBatchHeader(refused).maxTimestamp, -1);
});

test('timestampPolicy: the topic config over the broker default; before/after over difference.max.ms; Long.MAX is no limit', () => {
  assert.equal(timestampPolicy({}, 'CreateTime'), DEFAULT_TIMESTAMP_POLICY);
  assert.is(timestampPolicy({}, 'LogAppendTime').type, 'LogAppendTime');
  assert.is(timestampPolicy({ 'message.timestamp.type': 'CreateTime' }, 'LogAppendTime').type, 'CreateTime');
  assert.equal(timestampPolicy({ 'message.timestamp.difference.max.ms': '60000' }, 'CreateTime'), { type: 'CreateTime', beforeMaxMs: 60000, afterMaxMs: 60000 });
  assert.equal(
    timestampPolicy({ 'message.timestamp.difference.max.ms': '60000', 'message.timestamp.before.max.ms': '1000', 'message.timestamp.after.max.ms': NO_TIMESTAMP_LIMIT_MS }, 'CreateTime'),
    { type: 'CreateTime', beforeMaxMs: 1000, afterMaxMs: 60000 },
    'after.max.ms at its default falls back to difference.max.ms, as Kafka resolves it',
  );
});

test('topic config checks: message.timestamp.type names a type; the *.max.ms are whole milliseconds up to Long.MAX', () => {
  assert.is(topicConfigProblem('message.timestamp.type', 'LogAppendTime', 3), null);
  assert.match(topicConfigProblem('message.timestamp.type', 'BrokerTime', 3) ?? '', /CreateTime or LogAppendTime/);
  for (const name of ['message.timestamp.difference.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.after.max.ms']) {
    assert.is(topicConfigProblem(name, '0', 3), null);
    assert.is(topicConfigProblem(name, NO_TIMESTAMP_LIMIT_MS, 3), null);
    assert.ok(topicConfigProblem(name, '9223372036854775808', 3), `${name} beyond Long.MAX`);
    assert.ok(topicConfigProblem(name, '-1', 3), `${name} negative`);
    assert.ok(topicConfigProblem(name, 'soon', 3));
  }
});

test('kafkajs reads what the leader rewrote: derived max timestamp, LogAppendTime on every record', async () => {
  const created = withHeaderMaxTimestamp(encodeRecordBatch([rec('a', T0), rec('b', T0 + 3)], { compression: CompressionCodec.gzip }), -1);
  applyTimestampPolicy(splitAndValidateBatches(created), DEFAULT_TIMESTAMP_POLICY, T0);
  const c = await kafkajsDecodeBatch(new KafkajsDecoder(created));
  assert.equal([c.maxTimestamp, c.records.map((r) => r.timestamp)], [String(T0 + 3), [String(T0), String(T0 + 3)]]);

  const appended = encodeRecordBatch([rec('a', 1), rec('b', 2)]);
  applyTimestampPolicy(splitAndValidateBatches(appended), { ...DEFAULT_TIMESTAMP_POLICY, type: 'LogAppendTime' }, T0 + 9);
  const l = await kafkajsDecodeBatch(new KafkajsDecoder(appended));
  assert.equal(l.records.map((r) => r.timestamp), [String(T0 + 9), String(T0 + 9)]);
});

test.run();
