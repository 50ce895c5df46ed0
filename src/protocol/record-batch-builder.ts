import { CompressionCodec, compressRecords } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  OFF_ATTRIBUTES,
  OFF_BASE_SEQUENCE,
  OFF_BASE_TIMESTAMP,
  OFF_CRC,
  OFF_LAST_OFFSET_DELTA,
  OFF_LEADER_EPOCH,
  OFF_MAGIC,
  OFF_MAX_TIMESTAMP,
  OFF_PRODUCER_EPOCH,
  OFF_PRODUCER_ID,
  OFF_RECORD_COUNT,
  varintSize,
  varlongSize,
  writeInt64,
  type Record,
  type RecordHeader,
} from './record-batch-layout.js';

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

/** Encodes records into one v2 batch, its base timestamp the smallest of theirs. */
export function encodeRecordBatch(records: readonly Record[], opts: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new Error('a record batch needs at least one record');
  let baseTimestamp = records[0]!.timestamp;
  let bytes = BATCH_HEADER_BYTES;
  for (const r of records) {
    if (r.timestamp < baseTimestamp) baseTimestamp = r.timestamp;
    bytes += 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  }
  const builder = new RecordBatchBuilder(bytes, baseTimestamp);
  for (const r of records) builder.append(r.key, r.value, r.timestamp, r.headers);
  return builder.build(opts);
}

/**
 * Builds one v2 record batch in place, as Kafka's MemoryRecordsBuilder: each appended record is written
 * straight into one buffer allocated for the batch (its records section after a 61-byte header left
 * blank), so a producer keeps no object per record and encodes nothing twice; `build` fills the header
 * and the CRC. The buffer is sized for the batch the caller means to fill (batch.size) and grows only
 * for a record larger than that.
 *
 * Timestamps are deltas from the base timestamp: the first record's unless given (a delta may be
 * negative, as Kafka's are when a later record carries an earlier time).
 */
export class RecordBatchBuilder {
  private buf: Buffer;
  private pos = BATCH_HEADER_BYTES;
  private count = 0;
  private base: number;
  private maxTimestamp = -Infinity;

  /** `capacity`: the bytes to allocate, or the buffer to write into (a producer's, reused from an earlier batch). */
  constructor(capacity: number | Buffer, baseTimestamp?: number) {
    this.buf = typeof capacity === 'number' ? Buffer.allocUnsafe(Math.max(capacity, BATCH_HEADER_BYTES + 64)) : capacity;
    this.base = baseTimestamp ?? NaN;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the batch so far, header included. */
  get sizeInBytes(): number {
    return this.pos;
  }

  append(key: Buffer | null, value: Buffer | null, timestamp: number, headers?: readonly RecordHeader[]): void {
    if (this.count === 0 && Number.isNaN(this.base)) this.base = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    const timestampDelta = timestamp - this.base;
    const offsetDelta = this.count;
    const keyLen = key ? key.length : -1;
    const valueLen = value ? value.length : -1;
    const headerCount = headers?.length ?? 0;
    let bodyBytes = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta) + varintSize(keyLen) + Math.max(keyLen, 0);
    bodyBytes += varintSize(valueLen) + Math.max(valueLen, 0) + varintSize(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const h = headers![i]!;
      const hk = Buffer.byteLength(h.key);
      const hv = h.value ? h.value.length : -1;
      bodyBytes += varintSize(hk) + hk + varintSize(hv) + Math.max(hv, 0);
    }
    this.ensure(varintSize(bodyBytes) + bodyBytes);
    const buf = this.buf;
    let p = writeVarint(buf, this.pos, bodyBytes);
    buf[p++] = 0; // attributes
    p = writeVarlong(buf, p, timestampDelta);
    p = writeVarint(buf, p, offsetDelta);
    p = writeVarint(buf, p, keyLen);
    if (key) {
      buf.set(key, p);
      p += keyLen;
    }
    p = writeVarint(buf, p, valueLen);
    if (value) {
      buf.set(value, p);
      p += valueLen;
    }
    p = writeVarint(buf, p, headerCount);
    for (let i = 0; i < headerCount; i++) {
      const h = headers![i]!;
      const hk = Buffer.byteLength(h.key);
      p = writeVarint(buf, p, hk);
      p += buf.write(h.key, p, hk, 'utf8');
      p = writeVarint(buf, p, h.value ? h.value.length : -1);
      if (h.value) p += h.value.copy(buf, p);
    }
    this.pos = p;
    this.count++;
  }

  /** Writes the header and CRC over the records appended (compressing them first if asked) and returns the batch. */
  build(opts: EncodeBatchOptions = {}): Buffer {
    if (this.count === 0) throw new Error('a record batch needs at least one record');
    // A batch closed well short of its capacity (linger.ms expired) is copied into a buffer of its
    // size, so a batch waiting for its answer holds its bytes, not a whole batch.size.
    let out = this.pos * 2 < this.buf.length ? Buffer.from(this.buf.subarray(0, this.pos)) : this.buf.subarray(0, this.pos);
    const compression = opts.compression ?? CompressionCodec.none;
    if (compression !== CompressionCodec.none) {
      out = Buffer.concat([out.subarray(0, BATCH_HEADER_BYTES), compressRecords(compression, out.subarray(BATCH_HEADER_BYTES))]);
    }
    writeInt64(out, 0, opts.baseOffset ?? 0);
    out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD, 8);
    out.writeInt32BE(-1, OFF_LEADER_EPOCH); // set by the leader
    out.writeInt8(2, OFF_MAGIC);
    out.writeInt16BE(compression | (opts.transactional ? ATTR_TRANSACTIONAL : 0) | (opts.control ? ATTR_CONTROL : 0), OFF_ATTRIBUTES);
    out.writeInt32BE(this.count - 1, OFF_LAST_OFFSET_DELTA);
    writeInt64(out, OFF_BASE_TIMESTAMP, this.base);
    writeInt64(out, OFF_MAX_TIMESTAMP, this.maxTimestamp);
    out.writeInt32BE(this.count, OFF_RECORD_COUNT);
    setProducerState(out, opts.producerId ?? -1, opts.producerEpoch ?? -1, opts.baseSequence ?? -1);
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/**
 * Sets a built batch's producer id, epoch and base sequence and recomputes its CRC: a batch that goes
 * again under a renewed producer id keeps its records' bytes (compressed or not) and changes only these.
 */
export function setProducerState(batch: Buffer, producerId: number, producerEpoch: number, baseSequence: number): void {
  writeInt64(batch, OFF_PRODUCER_ID, producerId);
  batch.writeInt16BE(producerEpoch, OFF_PRODUCER_EPOCH);
  batch.writeInt32BE(baseSequence, OFF_BASE_SEQUENCE);
  batch.writeUInt32BE(crc32c(batch, OFF_ATTRIBUTES), OFF_CRC);
}

/** Zigzag varint at `at`; returns the position after it. */
function writeVarint(buf: Buffer, at: number, v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  while (z >= 0x80) {
    buf[at++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[at++] = z;
  return at;
}

/** Zigzag varlong (a timestamp delta may exceed 32 bits); BigInt only then. */
function writeVarlong(buf: Buffer, at: number, v: number): number {
  if (v >= -0x80000000 && v < 0x80000000) return writeVarint(buf, at, v);
  let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
  while (z >= 0x80n) {
    buf[at++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[at++] = Number(z);
  return at;
}
