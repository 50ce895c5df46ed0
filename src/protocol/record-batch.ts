import { ErrorCode, KafkaError } from '../common/errors.js';
import type { TimestampPolicy } from '../common/topic-configs.js';
import { CompressionCodec, compressRecords, decompressRecords } from './compression.js';
import { crc32c } from './crc32c.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * Kafka RecordBatch v2 (magic 2). The broker never decodes records into objects: it reads the 61-byte
 * header, checks the CRC, walks the records' framing (deriving their timestamps on the way), sets
 * baseOffset and partitionLeaderEpoch in place (both sit before the CRC'd range, so the CRC stays
 * valid) and, as leader, rewrites maxTimestamp and the timestamp type (inside the CRC'd range, so it
 * recomputes the CRC). Clients encode and decode records here.
 *
 *   baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 | crc u32 |
 *   attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 | maxTimestamp i64 |
 *   producerId i64 | producerEpoch i16 | baseSequence i32 | recordCount i32 | records...
 */
export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's coverage starts: baseOffset + batchLength. */
export const BATCH_LOG_OVERHEAD = 12;
const OFF_LEADER_EPOCH = 12;
const OFF_MAGIC = 16;
const OFF_CRC = 17;
const OFF_ATTRIBUTES = 21;
const OFF_LAST_OFFSET_DELTA = 23;
const OFF_BASE_TIMESTAMP = 27;
const OFF_MAX_TIMESTAMP = 35;
const OFF_PRODUCER_ID = 43;
const OFF_PRODUCER_EPOCH = 51;
const OFF_BASE_SEQUENCE = 53;
const OFF_RECORD_COUNT = 57;
/** Attributes bit 3: the batch's timestamps are the broker's (LogAppendTime), not the producer's. */
const ATTR_LOG_APPEND_TIME = 0x08;
/** Attributes bit 4: a transactional batch; bit 5: a control batch (transaction markers: control-batch.ts). */
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
/** A record or batch without a timestamp (Kafka's RecordBatch.NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1;

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface Record {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers?: RecordHeader[];
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** The timestamps a batch's records carry (firstTimestamp + each timestampDelta), found while validating. */
export interface RecordTimestamps {
  /** The largest, or NO_TIMESTAMP when no record has one: what a CreateTime batch's maxTimestamp must say. */
  max: number;
  /** The smallest other than NO_TIMESTAMP (Infinity when none): with `max`, what message.timestamp.*.max.ms checks. */
  min: number;
}

/** A batch located inside a larger buffer (a produce request's records field or a fetch response). */
export interface BatchView {
  header: BatchHeader;
  /** The whole batch, baseOffset through the last record. */
  bytes: Buffer;
  /** Its records' create times (for a LogAppendTime batch, readers see header.maxTimestamp instead). */
  recordTimestamps: RecordTimestamps;
}

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at)),
    batchLength: buf.readInt32BE(at + 8),
    partitionLeaderEpoch: buf.readInt32BE(at + OFF_LEADER_EPOCH),
    magic: buf.readInt8(at + OFF_MAGIC),
    crc: buf.readUInt32BE(at + OFF_CRC),
    attributes: buf.readInt16BE(at + OFF_ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(at + OFF_LAST_OFFSET_DELTA),
    baseTimestamp: Number(buf.readBigInt64BE(at + OFF_BASE_TIMESTAMP)),
    maxTimestamp: Number(buf.readBigInt64BE(at + OFF_MAX_TIMESTAMP)),
    producerId: Number(buf.readBigInt64BE(at + OFF_PRODUCER_ID)),
    producerEpoch: buf.readInt16BE(at + OFF_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(at + OFF_BASE_SEQUENCE),
    recordCount: buf.readInt32BE(at + OFF_RECORD_COUNT),
  };
}

/**
 * Splits a produced records field into batches and validates each the way a Kafka leader does:
 * magic 2 first (else UNSUPPORTED_FOR_MESSAGE_FORMAT), sizes consistent (else CORRUPT_MESSAGE), CRC32C
 * matches (else CORRUPT_MESSAGE), offsets deltas consistent with the record count (else INVALID_RECORD),
 * records well framed, once decompressed for a compressed batch (else CORRUPT_MESSAGE). The batch is
 * stored as it came, compressed or not (Kafka's compression.type=producer), except for the timestamp
 * fields a leader sets (`applyTimestampPolicy`).
 */
export function splitAndValidateBatches(records: Buffer): BatchView[] {
  const batches: BatchView[] = [];
  let at = 0;
  while (at < records.length) {
    checkMagic(records, at);
    if (records.length - at < BATCH_HEADER_BYTES) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'record batch shorter than its header');
    }
    const batchLength = records.readInt32BE(at + 8);
    const size = BATCH_LOG_OVERHEAD + batchLength;
    if (batchLength < BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD || at + size > records.length) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `record batch length ${batchLength} does not fit the data`);
    }
    const bytes = records.subarray(at, at + size);
    const header = readBatchHeader(bytes);
    if (crc32c(bytes, OFF_ATTRIBUTES) !== header.crc) {
      throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'record batch CRC32C mismatch');
    }
    if (header.recordCount <= 0 || header.lastOffsetDelta !== header.recordCount - 1) {
      throw new KafkaError(ErrorCode.INVALID_RECORD, 'record count and last offset delta disagree');
    }
    const recordTimestamps = checkRecordFraming(recordsReader(bytes, BATCH_HEADER_BYTES, bytes.length, header.attributes & 0x07), header.recordCount, header.baseTimestamp);
    batches.push({ header, bytes, recordTimestamps });
    at += size;
  }
  return batches;
}

/**
 * The magic byte sits at offset 16 in every message format (v0/v1 messages: offset, size, crc; v2
 * batches: baseOffset, batchLength, partitionLeaderEpoch), so it is read before anything whose layout
 * depends on it: a v0/v1 message set checked as a v2 batch fails its length or CRC check, and the
 * producer is told CORRUPT_MESSAGE ("does not match its CRC") instead of the real reason.
 */
function checkMagic(buf: Buffer, at: number): void {
  if (buf.length - at <= OFF_MAGIC) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `record batch of ${buf.length - at} bytes is too short to carry a magic byte`);
  const magic = buf.readInt8(at + OFF_MAGIC);
  if (magic !== 2) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format v${magic} (magic ${magic}): only v2 record batches are supported, as in Kafka 4.0; upgrade the client`);
  }
}

/**
 * Parses every record's framing (lengths, deltas, header counts) without copying keys or values, as
 * Kafka's LogValidator does: exactly `recordCount` well-formed records must fill the batch. A CRC
 * only proves the bytes arrived as sent, not that the sender framed them right; this keeps a batch
 * no consumer could parse out of the log, at a few varints per record. The same walk yields the
 * records' timestamps, so deriving the batch's max timestamp costs no second pass.
 */
function checkRecordFraming(r: Reader, recordCount: number, baseTimestamp: number): RecordTimestamps {
  const fail = (why: string): never => {
    throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `malformed record in batch: ${why}`);
  };
  const skipBytes = (i: number, what: string, end: number, nullable: boolean) => {
    const n = r.varint();
    if (n < (nullable ? -1 : 0) || r.offset + Math.max(n, 0) > end) fail(`record ${i} ${what} length ${n}`);
    if (n > 0) r.skip(n);
  };
  let max = NO_TIMESTAMP;
  let min = Infinity;
  try {
    for (let i = 0; i < recordCount; i++) {
      const len = r.varint();
      const end = r.offset + len;
      if (len < 6 || end > r.offset + r.remaining) fail(`record ${i} length ${len}`);
      r.int8();
      const timestamp = baseTimestamp + r.varlong();
      if (timestamp !== NO_TIMESTAMP) {
        if (timestamp > max) max = timestamp;
        if (timestamp < min) min = timestamp;
      }
      if (r.varint() !== i) fail(`record ${i} offset delta`);
      skipBytes(i, 'key', end, true);
      skipBytes(i, 'value', end, true);
      const headers = r.varint();
      if (headers < 0 || headers > end - r.offset) fail(`record ${i} header count ${headers}`);
      for (let h = 0; h < headers; h++) {
        skipBytes(i, 'header key', end, false);
        skipBytes(i, 'header value', end, true);
      }
      if (r.offset !== end) fail(`record ${i} length ${len} disagrees with its fields`);
    }
  } catch (err) {
    if (err instanceof KafkaError) throw err;
    fail((err as Error).message);
  }
  if (r.remaining !== 0) fail(`${r.remaining} bytes after the batch's ${recordCount} records`);
  return { max, min };
}

/**
 * The leader's timestamp rules (Kafka's LogValidator), applied to validated batches before they are
 * stored; followers store the result as they get it, so every replica holds the same bytes.
 * - A producer may not claim LogAppendTime: INVALID_TIMESTAMP. (Kafka lets such a batch through on a
 *   CreateTime topic when its records have timestamps; no producer library sets the bit.)
 * - CreateTime: every record timestamp other than NO_TIMESTAMP must lie within
 *   [now - beforeMaxMs, now + afterMaxMs], else the whole batch is INVALID_TIMESTAMP; the header's
 *   maxTimestamp is set to the largest record timestamp where it says otherwise (a client that writes
 *   -1 there, as Sarama 1.22 does, would otherwise have retention and ListOffsets misjudge the batch).
 * - LogAppendTime: the timestamp type bit is set and maxTimestamp is `now`, which readers then take
 *   as every record's timestamp; the records' own timestamps are neither checked nor changed.
 * Returns the log append time for the Produce response (-1 for CreateTime), as Kafka does.
 */
export function applyTimestampPolicy(batches: readonly BatchView[], policy: TimestampPolicy, now: number): number {
  for (const b of batches) {
    if (b.header.attributes & ATTR_LOG_APPEND_TIME) {
      throw new KafkaError(ErrorCode.INVALID_TIMESTAMP, 'the producer set timestamp type LogAppendTime; only the broker may');
    }
    if (policy.type === 'CreateTime') {
      const { min, max } = b.recordTimestamps;
      const earliest = now - policy.beforeMaxMs;
      const latest = now + policy.afterMaxMs;
      if (min < earliest || max > latest) {
        const bad = min < earliest ? min : max;
        throw new KafkaError(ErrorCode.INVALID_TIMESTAMP, `timestamp ${bad} is out of range: it should be within [${earliest}, ${latest}] (message.timestamp.before.max.ms / after.max.ms)`);
      }
    }
  }
  for (const b of batches) {
    if (policy.type === 'LogAppendTime') setMaxTimestamp(b, true, now);
    else setMaxTimestamp(b, false, b.recordTimestamps.max);
  }
  return policy.type === 'LogAppendTime' ? now : NO_TIMESTAMP;
}

/**
 * Sets a batch's timestamp type and maxTimestamp in place and recomputes its CRC, only where they
 * differ from what it says (Kafka's DefaultRecordBatch.setMaxTimestamp): most batches are left alone.
 */
function setMaxTimestamp(batch: BatchView, logAppendTime: boolean, maxTimestamp: number): void {
  const h = batch.header;
  const attributes = logAppendTime ? h.attributes | ATTR_LOG_APPEND_TIME : h.attributes & ~ATTR_LOG_APPEND_TIME;
  if (attributes === h.attributes && maxTimestamp === h.maxTimestamp) return;
  batch.bytes.writeInt16BE(attributes, OFF_ATTRIBUTES);
  batch.bytes.writeBigInt64BE(BigInt(maxTimestamp), OFF_MAX_TIMESTAMP);
  h.attributes = attributes;
  h.maxTimestamp = maxTimestamp;
  h.crc = crc32c(batch.bytes, OFF_ATTRIBUTES);
  batch.bytes.writeUInt32BE(h.crc, OFF_CRC);
}

/** Sets the offset and leader epoch the leader assigns; the CRC does not cover them. */
export function stampBatch(bytes: Buffer, baseOffset: number, leaderEpoch: number): void {
  bytes.writeBigInt64BE(BigInt(baseOffset), 0);
  bytes.writeInt32BE(leaderEpoch, OFF_LEADER_EPOCH);
}

export interface EncodeBatchOptions {
  baseOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** A CompressionCodec; none by default. */
  compression?: number;
  /** Sets the transactional attribute bit (KIP-98): the batch belongs to its producer's open transaction. */
  transactional?: boolean;
  /** Sets the control attribute bit: a transaction marker (control-batch.ts builds those). */
  control?: boolean;
}

/** Encodes records into one v2 batch (the client side of Produce). */
export function encodeRecordBatch(records: readonly Record[], opts: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new Error('a record batch needs at least one record');
  let baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  for (const r of records) {
    if (r.timestamp < baseTimestamp) baseTimestamp = r.timestamp;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  }
  let estimate = BATCH_HEADER_BYTES;
  for (const r of records) estimate += 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const w = new Writer(estimate);
  w.int64(opts.baseOffset ?? 0);
  w.reserveInt32(); // batchLength
  w.int32(-1); // partitionLeaderEpoch: set by the leader
  w.int8(2);
  w.reserveInt32(); // crc
  w.int16((opts.compression ?? CompressionCodec.none) | (opts.transactional ? ATTR_TRANSACTIONAL : 0) | (opts.control ? ATTR_CONTROL : 0));
  w.int32(records.length - 1);
  w.int64(baseTimestamp);
  w.int64(maxTimestamp);
  w.int64(opts.producerId ?? -1);
  w.int16(opts.producerEpoch ?? -1);
  w.int32(opts.baseSequence ?? -1);
  w.int32(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    encodeRecord(w, r, i, r.timestamp - baseTimestamp);
  }
  let out = w.toBuffer();
  if (opts.compression !== undefined && opts.compression !== CompressionCodec.none) {
    out = Buffer.concat([out.subarray(0, BATCH_HEADER_BYTES), compressRecords(opts.compression, out.subarray(BATCH_HEADER_BYTES))]);
  }
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD, 8);
  out.writeUInt32BE(crc32c(out, OFF_ATTRIBUTES), OFF_CRC);
  return out;
}

function varintSize(v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (z >= 0x80) {
    z >>>= 7;
    n++;
  }
  return n;
}

function varlongSize(v: number): number {
  if (v >= -0x80000000 && v < 0x80000000) return varintSize(v);
  let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
  let n = 1;
  while (z >= 0x80n) {
    z >>= 7n;
    n++;
  }
  return n;
}

const NO_HEADERS: { key: Buffer; value: Buffer | null }[] = [];

function encodeRecord(w: Writer, r: Record, offsetDelta: number, timestampDelta: number): void {
  const keyLen = r.key ? r.key.length : -1;
  const valueLen = r.value ? r.value.length : -1;
  const headers = r.headers;
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta) + varintSize(keyLen) + Math.max(keyLen, 0);
  size += varintSize(valueLen) + Math.max(valueLen, 0) + varintSize(headers?.length ?? 0);
  const headerBytes = headers && headers.length > 0 ? headers.map((h) => ({ key: Buffer.from(h.key), value: h.value })) : NO_HEADERS;
  for (const h of headerBytes) {
    const hv = h.value ? h.value.length : -1;
    size += varintSize(h.key.length) + h.key.length + varintSize(hv) + Math.max(hv, 0);
  }
  w.varint(size);
  w.int8(0);
  w.varlong(timestampDelta);
  w.varint(offsetDelta);
  w.varint(keyLen);
  if (r.key) w.raw(r.key);
  w.varint(valueLen);
  if (r.value) w.raw(r.value);
  w.varint(headerBytes.length);
  for (const h of headerBytes) {
    w.varint(h.key.length).raw(h.key);
    w.varint(h.value ? h.value.length : -1);
    if (h.value) w.raw(h.value);
  }
}

export interface DecodedRecord extends Record {
  offset: number;
  headers: RecordHeader[];
}

/** A reader over a batch's records section, decompressed first when the batch is compressed. */
function recordsReader(buf: Buffer, start: number, end: number, codec: number): Reader {
  if (codec === CompressionCodec.none) return new Reader(buf, start, end);
  const records = decompressRecords(codec, buf.subarray(start, end));
  return new Reader(records, 0, records.length);
}

/**
 * Decodes the records of every batch in a fetched buffer, decompressing compressed ones. A trailing
 * partial batch (Fetch may cut one at maxBytes) is ignored, as Kafka clients do.
 */
export function decodeRecordBatches(buf: Buffer): { header: BatchHeader; records: DecodedRecord[] }[] {
  const out: { header: BatchHeader; records: DecodedRecord[] }[] = [];
  let at = 0;
  while (buf.length - at >= BATCH_HEADER_BYTES) {
    checkMagic(buf, at);
    const header = readBatchHeader(buf, at);
    const size = BATCH_LOG_OVERHEAD + header.batchLength;
    if (at + size > buf.length) break;
    const isControl = (header.attributes & ATTR_CONTROL) !== 0;
    // A LogAppendTime batch's records all carry the time the leader stamped in maxTimestamp.
    const appendTime = header.attributes & ATTR_LOG_APPEND_TIME ? header.maxTimestamp : null;
    const r = recordsReader(buf, at + BATCH_HEADER_BYTES, at + size, header.attributes & 0x07);
    const records: DecodedRecord[] = [];
    for (let i = 0; i < header.recordCount; i++) {
      const len = r.varint();
      const end = r.offset + len;
      r.int8();
      const timestampDelta = r.varlong();
      const offsetDelta = r.varint();
      const keyLen = r.varint();
      const key = keyLen < 0 ? null : Buffer.from(r.raw(keyLen));
      const valueLen = r.varint();
      const value = valueLen < 0 ? null : Buffer.from(r.raw(valueLen));
      const headerCount = r.varint();
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const hk = r.raw(r.varint()).toString('utf8');
        const hvLen = r.varint();
        headers.push({ key: hk, value: hvLen < 0 ? null : Buffer.from(r.raw(hvLen)) });
      }
      if (r.offset !== end) r.skip(end - r.offset);
      if (!isControl) {
        records.push({ offset: header.baseOffset + offsetDelta, timestamp: appendTime ?? header.baseTimestamp + timestampDelta, key, value, headers });
      }
    }
    out.push({ header, records });
    at += size;
  }
  return out;
}
