/**
 * RecordBatch v2: encode/decode round trips, the 61-byte header, the leader's validation
 * (splitAndValidateBatches) with the error codes Kafka answers, stamping offsets and epochs in place,
 * and byte compatibility with kafkajs 2.2's own record batch encoder and decoder.
 */
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { Reader } from '../../src/protocol/reader.js';
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  decodeRecordBatches,
  encodeRecordBatch,
  readBatchHeader,
  splitAndValidateBatches,
  stampBatch,
  visitRecordBatches,
  type Record,
} from '../../src/protocol/record-batch.js';
import { kafkaErrorCode } from '../helpers/kafka-error.js';

const require = createRequire(import.meta.url);

// Offsets of header fields (Kafka's DefaultRecordBatch layout), spelled out here independently of src.
const AT = { baseOffset: 0, batchLength: 8, leaderEpoch: 12, magic: 16, crc: 17, attributes: 21, lastOffsetDelta: 23, recordCount: 57 };

const T0 = 1_700_000_000_000;

const sample = (): Record[] => [
  { key: Buffer.from('key-1'), value: Buffer.from('value-1'), timestamp: T0 + 10 },
  { key: null, value: Buffer.from('no key'), timestamp: T0 },
  { key: Buffer.from('tombstone'), value: null, timestamp: T0 + 2500, headers: [{ key: 'trace', value: Buffer.from('abc') }] },
  {
    key: Buffer.alloc(0),
    value: Buffer.alloc(300, 7),
    timestamp: T0 + 1,
    headers: [
      { key: 'h1', value: Buffer.from('x') },
      { key: 'h1', value: null },
      { key: 'ünïcode', value: Buffer.alloc(0) },
    ],
  },
];

/** Rewrites the CRC after a deliberate edit, so only the edited field is wrong. */
function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch, AT.attributes), AT.crc);
  return batch;
}

// --- encode / decode --------------------------------------------------------------------------------

test('round trip: keys null and set, null values, headers, differing timestamps', () => {
  const input = sample();
  const batches = decodeRecordBatches(encodeRecordBatch(input));
  assert.is(batches.length, 1);
  const records = batches[0]!.records;
  assert.is(records.length, input.length);
  records.forEach((r, i) => {
    const want = input[i]!;
    assert.is(r.offset, i, 'offset = baseOffset 0 + offsetDelta');
    assert.is(r.timestamp, want.timestamp, `timestamp of record ${i}`);
    assert.equal(r.key, want.key, `key of record ${i}`);
    assert.equal(r.value, want.value, `value of record ${i}`);
    assert.equal(r.headers, want.headers ?? [], `headers of record ${i}`);
  });
  assert.is(records[1]!.key, null);
  assert.is(records[2]!.value, null);
  assert.is(records[3]!.key?.length, 0, 'an empty key is not a null key');
  assert.is(records[3]!.headers[1]!.value, null);
});

test('header fields: magic 2, counts, deltas, timestamps, producer defaults, CRC over attributes..end', () => {
  const input = sample();
  const batch = encodeRecordBatch(input);
  const h = readBatchHeader(batch);
  assert.is(h.baseOffset, 0);
  assert.is(h.batchLength, batch.length - BATCH_LOG_OVERHEAD, 'batchLength counts the bytes after itself');
  assert.is(h.partitionLeaderEpoch, -1, 'the leader sets the epoch');
  assert.is(h.magic, 2);
  assert.is(h.attributes, 0, 'uncompressed, create time, not transactional');
  assert.is(h.recordCount, 4);
  assert.is(h.lastOffsetDelta, 3);
  assert.is(h.baseTimestamp, T0, 'the smallest timestamp');
  assert.is(h.maxTimestamp, T0 + 2500);
  assert.is(h.producerId, -1);
  assert.is(h.producerEpoch, -1);
  assert.is(h.baseSequence, -1);
  // The CRC field holds CRC32C of attributes..end, read at the raw offsets.
  assert.is(batch.readUInt32BE(AT.crc), crc32c(batch.subarray(AT.attributes)));
  assert.is(h.crc, batch.readUInt32BE(AT.crc));
  assert.is(batch.readInt8(AT.magic), 2);
  assert.is(batch.readInt32BE(AT.recordCount), 4);
  assert.is(BATCH_HEADER_BYTES, 61);
});

test('encode options: baseOffset, producer id, epoch, base sequence', () => {
  const batch = encodeRecordBatch([{ key: null, value: Buffer.from('v'), timestamp: T0 }], {
    baseOffset: 42,
    producerId: 1234567890123,
    producerEpoch: 3,
    baseSequence: 17,
  });
  const h = readBatchHeader(batch);
  assert.is(h.baseOffset, 42);
  assert.is(h.producerId, 1234567890123);
  assert.is(h.producerEpoch, 3);
  assert.is(h.baseSequence, 17);
  assert.is(decodeRecordBatches(batch)[0]!.records[0]!.offset, 42);
});

test('encoding an empty record list is refused', () => {
  assert.throws(() => encodeRecordBatch([]));
});

test('decode reads several concatenated batches and ignores a trailing partial batch', () => {
  const a = encodeRecordBatch([{ key: null, value: Buffer.from('a'), timestamp: T0 }], { baseOffset: 0 });
  const b = encodeRecordBatch(
    [
      { key: null, value: Buffer.from('b'), timestamp: T0 },
      { key: null, value: Buffer.from('c'), timestamp: T0 },
    ],
    { baseOffset: 1 },
  );
  const c = encodeRecordBatch([{ key: null, value: Buffer.from('d'), timestamp: T0 }], { baseOffset: 3 });
  const whole = decodeRecordBatches(Buffer.concat([a, b]));
  assert.equal(
    whole.flatMap((x) => x.records.map((r) => [r.offset, r.value?.toString()])),
    [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ],
  );
  // Fetch may cut the last batch at maxBytes: the complete batches still decode.
  for (const cut of [1, BATCH_HEADER_BYTES - 1, BATCH_HEADER_BYTES, BATCH_HEADER_BYTES + 1, c.length - 1]) {
    const partial = decodeRecordBatches(Buffer.concat([a, b, c.subarray(0, cut)]));
    assert.is(partial.length, 2, `cut at ${cut}`);
    assert.is(partial[1]!.records.length, 2);
  }
  assert.equal(decodeRecordBatches(Buffer.alloc(0)), []);
  assert.equal(decodeRecordBatches(a.subarray(0, 30)), []);
});

test('decode skips the records of a control batch but still returns its header', () => {
  const batch = encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: T0 }]);
  batch.writeInt16BE(0x20 | 0x10, AT.attributes); // control + transactional
  fixCrc(batch);
  const out = decodeRecordBatches(batch);
  assert.is(out.length, 1);
  assert.is(out[0]!.header.attributes, 0x30);
  assert.equal(out[0]!.records, []);
});

test('visitRecordBatches hands out records as views of the fetched bytes, skips the batches it is told to and control batches, and agrees with decodeRecordBatches', () => {
  const a = encodeRecordBatch(sample(), { baseOffset: 10 });
  const control = encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: T0 }], { baseOffset: 14 });
  control.writeInt16BE(0x20 | 0x10, AT.attributes);
  fixCrc(control);
  const skipped = encodeRecordBatch(sample(), { baseOffset: 15 });
  const b = encodeRecordBatch(sample(), { baseOffset: 19 });
  const buf = Buffer.concat([a, control, skipped, b]);
  const inside = (v: Buffer) => v.buffer === buf.buffer && v.byteOffset >= buf.byteOffset && v.byteOffset + v.length <= buf.byteOffset + buf.length;
  const seen: number[] = [];
  const got: { offset: number; timestamp: number; key: string | null; value: string | null; headers: string[] }[] = [];
  visitRecordBatches(
    buf,
    (h) => seen.push(h.baseOffset) > 0 && h.baseOffset !== 15,
    (offset, timestamp, key, value, headers) => {
      if (value) assert.ok(inside(value), 'a view, not a copy');
      got.push({ offset, timestamp, key: key?.toString() ?? null, value: value?.toString() ?? null, headers: headers.map((h) => `${h.key}=${h.value?.toString() ?? null}`) });
    },
  );
  assert.equal(seen, [10, 14, 15, 19], 'every header seen');
  const decoded = decodeRecordBatches(buf);
  const expected = decoded.filter((d) => d.header.baseOffset !== 15).flatMap((d) => d.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: r.headers.map((h) => `${h.key}=${h.value?.toString() ?? null}`) })));
  assert.equal(got, expected);
  assert.equal(got.map((r) => r.offset), [10, 11, 12, 13, 19, 20, 21, 22]);
  assert.not.ok(inside(decoded[0]!.records[0]!.value!), 'decodeRecordBatches copies');
});

test('visitRecordBatches checks each batch\'s CRC32C, as Kafka\'s consumer does (check.crcs): a flipped byte anywhere it covers is CORRUPT_MESSAGE, no record handed out', () => {
  const good = encodeRecordBatch(sample(), { baseOffset: 0 });
  for (const at of [AT.attributes, BATCH_HEADER_BYTES + 3, good.length - 1]) {
    const bad = Buffer.from(good);
    bad[at] = bad[at]! ^ 0x01;
    let records = 0;
    const visit = () => visitRecordBatches(Buffer.concat([good, bad]), () => true, () => void records++);
    assert.is(kafkaErrorCode(visit), ErrorCode.CORRUPT_MESSAGE, `byte ${at}`);
    assert.is(records, sample().length, `the good batch before it is read, nothing of the bad one (byte ${at})`);
  }
  // baseOffset and the leader epoch lie before the CRC'd range (the leader stamps them): not checked.
  const stamped = Buffer.from(good);
  stampBatch(stamped, 500, 7);
  let first = -1;
  visitRecordBatches(stamped, () => true, (offset) => void (first = first < 0 ? offset : first));
  assert.is(first, 500);
});

test('visitRecordBatches: records without headers share one frozen empty array; those with headers get their own', () => {
  const lists: (readonly unknown[])[] = [];
  visitRecordBatches(Buffer.concat([encodeRecordBatch(sample()), encodeRecordBatch(sample())]), () => true, (_o, _t, _k, _v, headers) => void lists.push(headers));
  const empty = lists.filter((h) => h.length === 0);
  assert.is(empty.length, 4, 'two records of each sample have no headers');
  assert.ok(empty.every((h) => h === empty[0]) && Object.isFrozen(empty[0]), 'one shared, frozen array');
  const withHeaders = lists.filter((h) => h.length > 0);
  assert.is(new Set(withHeaders).size, withHeaders.length, 'an array of its own for each record with headers');
});

test('decode inflates a gzip batch compressed outside YaK, and refuses an unknown codec rather than return nothing', () => {
  const input = sample();
  const plain = encodeRecordBatch(input);
  const gz = gzipSync(plain.subarray(BATCH_HEADER_BYTES));
  const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_BYTES), gz]);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, AT.batchLength);
  batch.writeInt16BE(1, AT.attributes); // gzip
  fixCrc(batch);
  const out = decodeRecordBatches(batch);
  assert.equal(out[0]!.records.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null]), input.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null]));

  batch.writeInt16BE(6, AT.attributes); // no such codec
  assert.is(kafkaErrorCode(() => decodeRecordBatches(fixCrc(batch))), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  const garbled = Buffer.concat([plain.subarray(0, BATCH_HEADER_BYTES), Buffer.from('not gzip at all')]);
  garbled.writeInt32BE(garbled.length - BATCH_LOG_OVERHEAD, AT.batchLength);
  garbled.writeInt16BE(1, AT.attributes);
  assert.is(kafkaErrorCode(() => decodeRecordBatches(fixCrc(garbled))), ErrorCode.CORRUPT_MESSAGE);
});

test('timestamps more than 2^31 ms apart: record lengths are exact and the batch round trips', () => {
  // The timestamp delta no longer fits 32 bits: its varlong must be measured, not guessed, or the
  // record length prefix is wrong and no client (Kafka's DefaultRecord.readFrom included) can read it.
  const far = T0 + 2 ** 31 + 5;
  const input: Record[] = [
    { key: null, value: Buffer.from('old'), timestamp: T0 },
    { key: Buffer.from('k'), value: Buffer.from('far future'), timestamp: far },
    { key: null, value: Buffer.from('after'), timestamp: T0 + 1 },
    { key: null, value: Buffer.from('much later'), timestamp: T0 + 2 ** 45 },
  ];
  const batch = encodeRecordBatch(input);
  const r = new Reader(batch, BATCH_HEADER_BYTES);
  for (let i = 0; i < input.length; i++) {
    const len = r.varint();
    const start = r.offset;
    r.int8(); // attributes
    r.varlong(); // timestampDelta
    r.varint(); // offsetDelta
    r.raw(Math.max(r.varint(), 0)); // key
    r.raw(Math.max(r.varint(), 0)); // value
    assert.is(r.varint(), 0, 'no headers');
    assert.is(len, r.offset - start, `record ${i}: length prefix vs bytes written`);
  }
  assert.is(r.remaining, 0);
  assert.is(splitAndValidateBatches(batch).length, 1);
  const records = decodeRecordBatches(batch)[0]!.records;
  assert.equal(
    records.map((x) => [x.offset, x.timestamp, x.value?.toString()]),
    input.map((x, i) => [i, x.timestamp, x.value?.toString()]),
  );
  assert.is(readBatchHeader(batch).maxTimestamp, T0 + 2 ** 45);
});

// --- validation (what the leader does with a produce request) ------------------------------------

test('splitAndValidateBatches accepts two concatenated batches and returns views on them', () => {
  const a = encodeRecordBatch(sample());
  const b = encodeRecordBatch([{ key: null, value: Buffer.from('second'), timestamp: T0 }]);
  const records = Buffer.concat([a, b]);
  const views = splitAndValidateBatches(records);
  assert.is(views.length, 2);
  assert.is(views[0]!.bytes.length, a.length);
  assert.is(views[1]!.bytes.length, b.length);
  assert.ok(views[0]!.bytes.equals(a));
  assert.ok(views[1]!.bytes.equals(b));
  assert.is(views[0]!.header.recordCount, 4);
  assert.is(views[1]!.header.recordCount, 1);
  // Views, not copies: stamping the view changes the request buffer (no copy on the hot path).
  assert.is(views[1]!.bytes.buffer, records.buffer);
  assert.equal(splitAndValidateBatches(Buffer.alloc(0)), []);
});

test('record framing: a flipped byte with the CRC made right again is refused as CORRUPT_MESSAGE or passes, and what passes says what the records hold', () => {
  const input: Record[] = [
    { key: null, value: Buffer.from('no key'), timestamp: T0 + 7 },
    { key: Buffer.from('k'), value: null, timestamp: T0 - 3, headers: [{ key: 'h', value: Buffer.from('v') }, { key: 'empty', value: null }] },
    { key: Buffer.from('k2'), value: Buffer.alloc(300, 1), timestamp: T0 + 2 ** 40 },
  ];
  const batch = encodeRecordBatch(input);
  const ok = splitAndValidateBatches(batch)[0]!;
  assert.equal(ok.recordTimestamps, { max: T0 + 2 ** 40, min: T0 - 3 });
  assert.is(ok.hasKeylessRecord, true);
  assert.is(splitAndValidateBatches(encodeRecordBatch(input.slice(1)))[0]!.hasKeylessRecord, false);
  for (let at = BATCH_HEADER_BYTES; at < batch.length; at++) {
    for (const flip of [0x01, 0x80, 0xff]) {
      const copy = Buffer.from(batch);
      copy[at] = copy[at]! ^ flip;
      copy.writeUInt32BE(crc32c(copy, AT.attributes), AT.crc);
      let code: number | undefined;
      try {
        const [b] = splitAndValidateBatches(copy);
        // Passed: a byte inside a key, value or header, or a timestamp delta; the walk agrees with a decode.
        const records = decodeRecordBatches(copy)[0]!.records;
        const ts = records.map((r) => r.timestamp);
        assert.equal(b!.recordTimestamps, { max: Math.max(...ts), min: Math.min(...ts) }, `byte ${at} ^ ${flip}`);
        assert.is(b!.hasKeylessRecord, records.some((r) => r.key === null), `byte ${at} ^ ${flip}`);
        continue;
      } catch (err) {
        code = kafkaErrorCode(() => {
          throw err;
        });
      }
      assert.is(code, ErrorCode.CORRUPT_MESSAGE, `byte ${at} ^ ${flip}`);
    }
  }
});

test('a flipped byte in the records is CORRUPT_MESSAGE (2)', () => {
  const batch = encodeRecordBatch(sample());
  for (const at of [BATCH_HEADER_BYTES, BATCH_HEADER_BYTES + 10, batch.length - 1, AT.attributes, AT.recordCount]) {
    const copy = Buffer.from(batch);
    copy[at] = copy[at]! ^ 0xff;
    assert.is(kafkaErrorCode(() => splitAndValidateBatches(copy)), ErrorCode.CORRUPT_MESSAGE, `byte ${at}`);
  }
});

test('a corrupt second batch fails the whole request', () => {
  const a = encodeRecordBatch(sample());
  const b = encodeRecordBatch(sample());
  b[b.length - 2] = b[b.length - 2]! ^ 1;
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(Buffer.concat([a, b]))), ErrorCode.CORRUPT_MESSAGE);
});

test('magic 1 is UNSUPPORTED_FOR_MESSAGE_FORMAT (43)', () => {
  const batch = encodeRecordBatch(sample());
  batch.writeInt8(1, AT.magic);
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(batch)), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  assert.is(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 43);
});

/** A message set of one legacy message (format v0 or v1), as Produce v0-2 clients send it (kafka-go 0.2, old kafka-python). */
function legacyMessageSet(magic: 0 | 1, value: string): Buffer {
  const body = Buffer.concat([
    Buffer.from([magic, 0]), // magic, attributes
    magic === 1 ? Buffer.alloc(8) : Buffer.alloc(0), // timestamp (v1)
    Buffer.from([0xff, 0xff, 0xff, 0xff]), // null key
    Buffer.alloc(4),
    Buffer.from(value),
  ]);
  body.writeInt32BE(value.length, body.length - value.length - 4);
  const message = Buffer.concat([Buffer.alloc(4), body]); // crc (unchecked here) + body
  const head = Buffer.alloc(12);
  head.writeInt32BE(message.length, 8); // offset 0, message size
  return Buffer.concat([head, message]);
}

test('a v0 or v1 message set is UNSUPPORTED_FOR_MESSAGE_FORMAT, not CORRUPT_MESSAGE: magic is checked before lengths and CRC', () => {
  for (const magic of [0, 1] as const) {
    const set = legacyMessageSet(magic, 'hello');
    assert.ok(set.length < BATCH_HEADER_BYTES, 'shorter than a v2 header, so a length check first would call it corrupt');
    assert.is(kafkaErrorCode(() => splitAndValidateBatches(set)), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `magic ${magic}`);
    const long = legacyMessageSet(magic, 'x'.repeat(100));
    assert.is(kafkaErrorCode(() => splitAndValidateBatches(long)), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `magic ${magic}, longer than a v2 header`);
  }
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(Buffer.alloc(16))), ErrorCode.CORRUPT_MESSAGE, 'too short to carry a magic byte');
});

test('decodeRecordBatches refuses a batch of another format instead of misreading it', () => {
  const batch = encodeRecordBatch(sample());
  batch.writeInt8(1, AT.magic);
  assert.is(kafkaErrorCode(() => decodeRecordBatches(batch)), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
});

test('a batchLength larger than the buffer is CORRUPT_MESSAGE (2)', () => {
  const batch = encodeRecordBatch(sample());
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD + 1, AT.batchLength);
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(batch)), ErrorCode.CORRUPT_MESSAGE);
  batch.writeInt32BE(0x7fffffff, AT.batchLength);
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(batch)), ErrorCode.CORRUPT_MESSAGE);
});

test('a batchLength smaller than the header is CORRUPT_MESSAGE (2)', () => {
  const batch = encodeRecordBatch(sample());
  for (const len of [0, -1, BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD - 1]) {
    const copy = Buffer.from(batch);
    copy.writeInt32BE(len, AT.batchLength);
    assert.is(kafkaErrorCode(() => splitAndValidateBatches(copy)), ErrorCode.CORRUPT_MESSAGE, `batchLength ${len}`);
  }
});

test('a truncated header, or a batch cut short, is CORRUPT_MESSAGE (2)', () => {
  const batch = encodeRecordBatch(sample());
  for (const cut of [1, 12, 30, BATCH_HEADER_BYTES - 1, BATCH_HEADER_BYTES, batch.length - 1]) {
    assert.is(kafkaErrorCode(() => splitAndValidateBatches(batch.subarray(0, cut))), ErrorCode.CORRUPT_MESSAGE, `cut at ${cut}`);
  }
  // A good batch followed by a few stray bytes.
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(Buffer.concat([batch, Buffer.alloc(5)]))), ErrorCode.CORRUPT_MESSAGE);
});

test('lastOffsetDelta disagreeing with recordCount is INVALID_RECORD (87)', () => {
  const batch = encodeRecordBatch(sample());
  batch.writeInt32BE(7, AT.lastOffsetDelta);
  fixCrc(batch);
  assert.is(kafkaErrorCode(() => splitAndValidateBatches(batch)), ErrorCode.INVALID_RECORD);
});

/** Expects a rejection: Kafka's DefaultRecord.readFrom refuses such records (InvalidRecordException). */
function rejected(fn: () => unknown, what: string): void {
  const code = kafkaErrorCode(fn);
  assert.ok(code === ErrorCode.CORRUPT_MESSAGE || code === ErrorCode.INVALID_RECORD, `${what}: got error ${code}`);
}

test('a record length prefix that overruns the batch is rejected even with a valid CRC', () => {
  const batch = encodeRecordBatch([{ key: null, value: Buffer.from('value'), timestamp: T0 }]);
  const len = new Reader(batch, BATCH_HEADER_BYTES).varint();
  assert.ok(len < 63, 'one-byte varint in this fixture');
  batch[BATCH_HEADER_BYTES] = (len + 1) << 1; // zigzag of len + 1
  rejected(() => splitAndValidateBatches(fixCrc(batch)), 'length + 1');
});

test('bytes left over after recordCount records are rejected even with a valid CRC', () => {
  const good = encodeRecordBatch([{ key: null, value: Buffer.from('value'), timestamp: T0 }]);
  const padded = Buffer.concat([good, Buffer.from([0, 0, 0])]);
  padded.writeInt32BE(padded.length - BATCH_LOG_OVERHEAD, AT.batchLength);
  rejected(() => splitAndValidateBatches(fixCrc(padded)), 'trailing bytes');
});

test('a recordCount larger than the records present is rejected even with a valid CRC', () => {
  const batch = encodeRecordBatch([{ key: null, value: Buffer.from('value'), timestamp: T0 }]);
  batch.writeInt32BE(2, AT.recordCount);
  batch.writeInt32BE(1, AT.lastOffsetDelta);
  rejected(() => splitAndValidateBatches(fixCrc(batch)), 'recordCount 2 with 1 record');
});

// --- stamping ---------------------------------------------------------------------------------------

test('stampBatch sets baseOffset and leader epoch without breaking the CRC', () => {
  const batch = encodeRecordBatch(sample());
  const crcBefore = batch.readUInt32BE(AT.crc);
  const tail = Buffer.from(batch.subarray(AT.magic));
  stampBatch(batch, 1_000_000_007, 12);
  const h = readBatchHeader(batch);
  assert.is(h.baseOffset, 1_000_000_007);
  assert.is(h.partitionLeaderEpoch, 12);
  assert.is(h.crc, crcBefore, 'CRC field untouched');
  assert.ok(batch.subarray(AT.magic).equals(tail), 'nothing from magic on changed');
  assert.is(splitAndValidateBatches(batch).length, 1, 'still valid');
  const records = decodeRecordBatches(batch)[0]!.records;
  assert.equal(
    records.map((r) => r.offset),
    [1_000_000_007, 1_000_000_008, 1_000_000_009, 1_000_000_010],
  );
});

test('stamping a view returned by splitAndValidateBatches edits the request bytes in place', () => {
  const a = encodeRecordBatch([{ key: null, value: Buffer.from('a'), timestamp: T0 }]);
  const b = encodeRecordBatch([{ key: null, value: Buffer.from('b'), timestamp: T0 }]);
  const request = Buffer.concat([a, b]);
  const [va, vb] = splitAndValidateBatches(request);
  stampBatch(va!.bytes, 5, 2);
  stampBatch(vb!.bytes, 6, 2);
  assert.equal(
    decodeRecordBatches(request).map((x) => [x.header.baseOffset, x.header.partitionLeaderEpoch]),
    [
      [5, 2],
      [6, 2],
    ],
  );
  assert.is(splitAndValidateBatches(request).length, 2);
});

// --- kafkajs byte compatibility ---------------------------------------------------------------------

interface KafkajsEncoder {
  buffer: Buffer;
}
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (opts: object) => Promise<KafkajsEncoder>;
};
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (opts: object) => KafkajsEncoder;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as new (buf: Buffer) => unknown;
const kafkajsDecodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{
  firstOffset: string;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: { [k: string]: Buffer | Buffer[] } }[];
}>;

/** What kafkajs's Produce v3 builds for these messages (deltas from the first timestamp). */
async function kafkajsBatch(
  messages: { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: { [k: string]: Buffer } }[],
  extra: object = {},
): Promise<Buffer> {
  const first = Math.min(...messages.map((m) => m.timestamp));
  const max = Math.max(...messages.map((m) => m.timestamp));
  const records = messages.map((m, i) =>
    kafkajsRecord({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: m.timestamp - first }),
  );
  const enc = await kafkajsRecordBatch({ records, firstTimestamp: first, maxTimestamp: max, lastOffsetDelta: records.length - 1, ...extra });
  return enc.buffer;
}

const kjsMessages = [
  { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: T0, headers: { h: Buffer.from('x'), other: Buffer.from('yz') } },
  { key: null, value: null, timestamp: T0 + 5 },
  { key: Buffer.from('k3'), value: Buffer.from('a longer value, '.repeat(20)), timestamp: T0 + 2 },
];

test('kafkajs-encoded batch validates and decodes here', async () => {
  const buf = await kafkajsBatch(kjsMessages);
  const views = splitAndValidateBatches(buf);
  assert.is(views.length, 1);
  assert.is(views[0]!.header.recordCount, 3);
  assert.is(views[0]!.header.producerId, -1);
  const records = decodeRecordBatches(buf)[0]!.records;
  assert.is(records.length, 3);
  kjsMessages.forEach((m, i) => {
    const r = records[i]!;
    assert.is(r.offset, i);
    assert.is(r.timestamp, m.timestamp);
    assert.equal(r.key, m.key);
    assert.equal(r.value, m.value);
    assert.equal(
      r.headers,
      Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value })),
    );
  });
});

test('encodeRecordBatch is byte-identical to kafkajs for the same batch', async () => {
  // kafkajs defaults producerEpoch/firstSequence to 0 and the leader epoch to 0; YaK writes -1 for
  // the leader epoch. Pass the same values to both so every byte can be compared.
  const kjs = await kafkajsBatch(kjsMessages, { partitionLeaderEpoch: -1 });
  const yak = encodeRecordBatch(
    kjsMessages.map((m) => ({
      key: m.key,
      value: m.value,
      timestamp: m.timestamp,
      headers: Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value })),
    })),
    { producerEpoch: 0, baseSequence: 0 },
  );
  assert.is(yak.toString('hex'), kjs.toString('hex'));
});

test('byte-identical to kafkajs with timestamp deltas beyond 32 bits too', async () => {
  const messages = [
    { key: null, value: Buffer.from('a'), timestamp: T0 },
    { key: null, value: Buffer.from('b'), timestamp: T0 + 2 ** 31 + 5 },
    { key: null, value: Buffer.from('c'), timestamp: T0 + 2 ** 40 },
  ];
  const kjs = await kafkajsBatch(messages, { partitionLeaderEpoch: -1 });
  const yak = encodeRecordBatch(messages, { producerEpoch: 0, baseSequence: 0 });
  assert.is(yak.toString('hex'), kjs.toString('hex'));
});

test('kafkajs decodes a batch encoded and stamped here', async () => {
  const batch = encodeRecordBatch(sample());
  stampBatch(batch, 500, 7);
  const out = await kafkajsDecodeBatch(new KafkajsDecoder(batch));
  assert.is(out.firstOffset, '500');
  assert.is(out.partitionLeaderEpoch, 7);
  assert.is(out.lastOffsetDelta, 3);
  const input = sample();
  assert.is(out.records.length, input.length);
  out.records.forEach((r, i) => {
    const want = input[i]!;
    assert.is(r.offset, String(500 + i));
    assert.is(r.timestamp, String(want.timestamp));
    assert.equal(r.key, want.key);
    assert.equal(r.value, want.value);
  });
  assert.equal(out.records[2]!.headers, { trace: Buffer.from('abc') });
});

test.run();
