/**
 * Kafka RecordBatch v2 (magic 2): the layout that `record-batch.ts` (validation, stamping, decoding)
 * and `record-batch-builder.ts` (encoding) share, and the record shapes.
 *
 *   baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 | crc u32 |
 *   attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 | maxTimestamp i64 |
 *   producerId i64 | producerEpoch i16 | baseSequence i32 | recordCount i32 | records...
 */
export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's coverage starts: baseOffset + batchLength. */
export const BATCH_LOG_OVERHEAD = 12;
export const OFF_LEADER_EPOCH = 12;
export const OFF_MAGIC = 16;
export const OFF_CRC = 17;
/** Where the CRC'd range starts: the attributes, through the end of the batch. */
export const OFF_ATTRIBUTES = 21;
export const OFF_LAST_OFFSET_DELTA = 23;
export const OFF_BASE_TIMESTAMP = 27;
export const OFF_MAX_TIMESTAMP = 35;
export const OFF_PRODUCER_ID = 43;
export const OFF_PRODUCER_EPOCH = 51;
export const OFF_BASE_SEQUENCE = 53;
export const OFF_RECORD_COUNT = 57;
/** Attributes bits 0-2: the compression codec of the records section. */
export const ATTR_COMPRESSION_MASK = 0x07;
/** Attributes bit 3: the batch's timestamps are the broker's (LogAppendTime), not the producer's. */
export const ATTR_LOG_APPEND_TIME = 0x08;
/** Attributes bit 4: the batch belongs to a transaction (KIP-98). */
export const ATTR_TRANSACTIONAL = 0x10;
/** Attributes bit 5: a control batch (transaction markers), never handed to applications as records. */
export const ATTR_CONTROL = 0x20;
/** Attributes bit 6: baseTimestamp holds the delete horizon the cleaner set (KIP-534). */
export const ATTR_DELETE_HORIZON = 0x40;
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

/**
 * Writes a whole number as a big-endian int64 at `at` without a BigInt for a safe integer (timestamps,
 * offsets, producer ids): BigInt() plus writeBigInt64BE allocated and cost more than the rest of a
 * batch header. Anything else takes the BigInt path, so it throws or writes as writeBigInt64BE does.
 */
export function writeInt64(buf: Buffer, at: number, v: number): void {
  if (!Number.isSafeInteger(v)) {
    buf.writeBigInt64BE(BigInt(v), at);
    return;
  }
  const hi = Math.floor(v / 0x1_0000_0000);
  buf.writeInt32BE(hi, at);
  buf.writeUInt32BE(v - hi * 0x1_0000_0000, at + 4);
}

export function varintSize(v: number): number {
  let z = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (z >= 0x80) {
    z >>>= 7;
    n++;
  }
  return n;
}

export function varlongSize(v: number): number {
  if (v >= -0x80000000 && v < 0x80000000) return varintSize(v);
  let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
  let n = 1;
  while (z >= 0x80n) {
    z >>= 7n;
    n++;
  }
  return n;
}
