import { ErrorCode, KafkaError } from '../common/errors.js';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, BATCH_HEADER_BYTES, encodeRecordBatch, readBatchHeader, type BatchHeader } from './record-batch.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * Transactions in the record batch format (KIP-98): batch attributes bit 4 marks a transactional
 * batch, bit 5 a control batch. A control batch holds one control record, never compressed:
 *
 *   key   => version int16 (0) | type int16 (0 = ABORT, 1 = COMMIT)
 *   value => version int16 (0) | coordinator_epoch int32
 *
 * written by a partition leader when the transaction coordinator ends a producer's transaction
 * (WriteTxnMarkers), with the producer's id and epoch in the batch header and base sequence -1.
 */

export const ControlType = { ABORT: 0, COMMIT: 1 } as const;

export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

export function isTransactional(h: Pick<BatchHeader, 'attributes'>): boolean {
  return (h.attributes & ATTR_TRANSACTIONAL) !== 0;
}

export function isControl(h: Pick<BatchHeader, 'attributes'>): boolean {
  return (h.attributes & ATTR_CONTROL) !== 0;
}

/** A transaction marker as one control batch at offset 0, timestamp `timestamp` (the leader stamps offset and epoch). */
export function encodeControlBatch(m: TxnMarker, timestamp: number): Buffer {
  const key = new Writer(4).int16(0).int16(m.commit ? ControlType.COMMIT : ControlType.ABORT).toBuffer();
  const value = new Writer(6).int16(0).int32(m.coordinatorEpoch).toBuffer();
  return encodeRecordBatch([{ key, value, timestamp }], { producerId: m.producerId, producerEpoch: m.producerEpoch, baseSequence: -1, transactional: true, control: true });
}

/**
 * The marker a stored control batch carries. A control batch that is not a transaction marker
 * (Kafka also has LEADER_CHANGE and snapshot control records, which YaK never writes) or that does
 * not parse is INVALID_RECORD.
 */
export function readControlBatch(batch: Buffer): TxnMarker {
  const fail = (why: string): never => {
    throw new KafkaError(ErrorCode.INVALID_RECORD, `control batch: ${why}`);
  };
  try {
    const r = new Reader(batch, BATCH_HEADER_BYTES, batch.length);
    r.varint();
    r.int8();
    r.varlong();
    r.varint();
    if (r.varint() < 4) fail('control record key shorter than 4 bytes');
    r.int16();
    const type = r.int16();
    if (type !== ControlType.ABORT && type !== ControlType.COMMIT) fail(`control record type ${type} is not a transaction marker`);
    if (r.varint() < 6) fail('transaction marker value shorter than 6 bytes');
    r.int16();
    const coordinatorEpoch = r.int32();
    const h = readBatchHeader(batch);
    return { producerId: h.producerId, producerEpoch: h.producerEpoch, commit: type === ControlType.COMMIT, coordinatorEpoch };
  } catch (err) {
    if (err instanceof KafkaError) throw err;
    return fail((err as Error).message);
  }
}
