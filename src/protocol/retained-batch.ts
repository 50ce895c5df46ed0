import { compressRecords, CompressionCodec } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_DELETE_HORIZON,
  ATTR_LOG_APPEND_TIME,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD,
  OFF_ATTRIBUTES,
  OFF_CRC,
  readBatchHeader,
  recordsReader,
  varintSize,
  varlongSize,
  type BatchHeader,
} from './record-batch.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * What the log cleaner needs of a stored batch's records, and how it writes back the ones it keeps
 * (Kafka's MemoryRecords.filterTo and buildRetainedRecordsInto). A kept record's key, value and
 * headers are copied byte for byte; only its two deltas are written again. The rebuilt batch keeps
 * its base offset, last offset delta (so the producer's last sequence, baseSequence + lastOffsetDelta,
 * survives, as Kafka keeps it), leader epoch, producer fields, compression codec and flags; its record
 * count, timestamps and CRC are new.
 */

/** One record of a stored batch, located but not copied. */
export interface StoredRecord {
  offset: number;
  offsetDelta: number;
  /** baseTimestamp + timestampDelta, as stored (for a LogAppendTime batch readers see maxTimestamp instead). */
  timestamp: number;
  /** The record's attributes byte (unused by Kafka so far, kept). */
  attributes: number;
  key: Buffer | null;
  /** A null value: a delete marker for its key. */
  tombstone: boolean;
  /** Key, value and headers, as stored. */
  body: Buffer;
}

/** The delete horizon a cleaner stamped on the batch (KIP-534), or null if none. */
export function deleteHorizonOf(h: BatchHeader): number | null {
  return h.attributes & ATTR_DELETE_HORIZON ? h.baseTimestamp : null;
}

/** The records of one stored (validated) batch, decompressed if need be. */
export function storedRecords(batch: Buffer): StoredRecord[] {
  const h = readBatchHeader(batch);
  const r = recordsReader(batch, BATCH_HEADER_BYTES, batch.length, h.attributes & ATTR_COMPRESSION_MASK);
  const out: StoredRecord[] = [];
  for (let i = 0; i < h.recordCount; i++) {
    const len = r.varint();
    const end = r.offset + len;
    const attributes = r.int8();
    const timestamp = h.baseTimestamp + r.varlong();
    const offsetDelta = r.varint();
    const body = r.raw(end - r.offset);
    const fields = new Reader(body, 0, body.length);
    const keyLen = fields.varint();
    const key = keyLen < 0 ? null : fields.raw(keyLen);
    const tombstone = fields.varint() < 0;
    out.push({ offset: h.baseOffset + offsetDelta, offsetDelta, timestamp, attributes, key, tombstone, body });
  }
  return out;
}

/**
 * The batch `batch` rewritten to hold only `keep` (some of its own records, in order), with
 * `deleteHorizonMs` stamped (KIP-534: the flag, and baseTimestamp = the horizon) if given, else the
 * horizon it already had. With nothing kept it is an empty batch (Kafka's writeEmptyHeader): header
 * only, uncompressed, both timestamps its old max timestamp; the caller keeps one only for the
 * producer state it carries.
 */
export function rebuildBatch(batch: Buffer, keep: readonly StoredRecord[], deleteHorizonMs: number | null): Buffer {
  const h = readBatchHeader(batch);
  const flags = h.attributes & (ATTR_LOG_APPEND_TIME | ATTR_TRANSACTIONAL | ATTR_CONTROL);
  if (keep.length === 0) return writeBatch(h, flags, h.maxTimestamp, h.maxTimestamp, 0, Buffer.alloc(0));
  const horizon = deleteHorizonMs ?? deleteHorizonOf(h);
  let minTimestamp = Infinity;
  let maxTimestamp = -Infinity;
  for (const k of keep) {
    minTimestamp = Math.min(minTimestamp, k.timestamp);
    maxTimestamp = Math.max(maxTimestamp, k.timestamp);
  }
  const baseTimestamp = horizon ?? minTimestamp;
  const codec = h.attributes & ATTR_COMPRESSION_MASK;
  const w = new Writer(keep.reduce((n, k) => n + k.body.length + 24, 0));
  for (const k of keep) {
    const timestampDelta = k.timestamp - baseTimestamp;
    w.varint(1 + varlongSize(timestampDelta) + varintSize(k.offsetDelta) + k.body.length);
    w.int8(k.attributes).varlong(timestampDelta).varint(k.offsetDelta).raw(k.body);
  }
  const plain = w.toBuffer();
  const records = codec === CompressionCodec.none ? plain : compressRecords(codec, plain);
  const attributes = flags | codec | (horizon !== null ? ATTR_DELETE_HORIZON : 0);
  return writeBatch(h, attributes, baseTimestamp, h.attributes & ATTR_LOG_APPEND_TIME ? h.maxTimestamp : maxTimestamp, keep.length, records);
}

function writeBatch(h: BatchHeader, attributes: number, baseTimestamp: number, maxTimestamp: number, recordCount: number, records: Buffer): Buffer {
  const w = new Writer(BATCH_HEADER_BYTES + records.length);
  w.int64(h.baseOffset);
  w.int32(BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD + records.length);
  w.int32(h.partitionLeaderEpoch);
  w.int8(2);
  w.reserveInt32(); // crc
  w.int16(attributes);
  w.int32(h.lastOffsetDelta);
  w.int64(baseTimestamp);
  w.int64(maxTimestamp);
  w.int64(h.producerId);
  w.int16(h.producerEpoch);
  w.int32(h.baseSequence);
  w.int32(recordCount);
  w.raw(records);
  const out = w.toBuffer();
  out.writeUInt32BE(crc32c(out, OFF_ATTRIBUTES), OFF_CRC);
  return out;
}
