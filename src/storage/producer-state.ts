import { ErrorCode, KafkaError } from '../common/errors.js';
import { producerStateBatchesRemembered } from '../common/limits.js';

/** What a replica remembers of one idempotent producer's recent batches on one partition. */
interface ProducerEntry {
  epoch: number;
  /** Max timestamp of its latest batch (-1 if unknown). */
  lastTimestamp: number;
  /** Up to producerStateBatchesRemembered batches, oldest first: enough to recognise any retry of an in-flight batch. */
  batches: { firstSequence: number; lastSequence: number; baseOffset: number; lastOffset: number }[];
}

export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  /** The batch's max timestamp; -1 if unknown. */
  maxTimestamp?: number;
}

/** One active idempotent producer, as DescribeProducers lists it. */
export interface ActiveProducer {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
}

const INT32_MAX = 0x7fffffff;

function lastSequenceOf(b: ProducerBatch): number {
  return (b.baseSequence + b.recordCount - 1) % (INT32_MAX + 1);
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/**
 * Idempotent producer state of one partition (Kafka's ProducerStateManager): rebuilt from stored
 * batch headers, updated on every append, leader or follower, so a new leader knows it too.
 * Rules for a batch from producer P at epoch E with sequences [s, t]:
 * - a batch already stored (same P, E, s, t) is a duplicate: answer with its original offset;
 * - otherwise s must follow P's last sequence at epoch E (or be 0 for a new P or a newer E);
 * - anything else is OUT_OF_ORDER_SEQUENCE_NUMBER, and an older epoch INVALID_PRODUCER_EPOCH.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  /** Returns the stored batch's offsets if this is a retry of it, null if it is new; throws if out of order. */
  check(b: ProducerBatch): { baseOffset: number; lastOffset: number } | null {
    if (b.producerId < 0) return null;
    const entry = this.producers.get(b.producerId);
    const last = lastSequenceOf(b);
    if (!entry || b.producerEpoch > entry.epoch) {
      if (b.baseSequence !== 0) throw new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${b.producerId} starts at sequence ${b.baseSequence}, expected 0`);
      return null;
    }
    if (b.producerEpoch < entry.epoch) throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${b.producerId} epoch ${b.producerEpoch} is older than ${entry.epoch}`);
    const dup = entry.batches.find((x) => x.firstSequence === b.baseSequence && x.lastSequence === last);
    if (dup) return { baseOffset: dup.baseOffset, lastOffset: dup.lastOffset };
    const expected = nextSequence(entry.batches[entry.batches.length - 1]!.lastSequence);
    if (b.baseSequence !== expected) {
      throw new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${b.producerId} sent sequence ${b.baseSequence}, expected ${expected}`);
    }
    return null;
  }

  /**
   * Remembers a stored batch. Its last sequence is baseSequence + (lastOffset - baseOffset), as
   * Kafka's DefaultRecordBatch.lastSequence counts it: the same as from the record count for a
   * producer's batch, and still right for one the cleaner emptied or thinned (it keeps the offsets).
   */
  record(b: ProducerBatch, baseOffset: number, lastOffset: number): void {
    if (b.producerId < 0) return;
    let entry = this.producers.get(b.producerId);
    if (!entry || b.producerEpoch > entry.epoch) {
      entry = { epoch: b.producerEpoch, lastTimestamp: -1, batches: [] };
      this.producers.set(b.producerId, entry);
    }
    entry.lastTimestamp = b.maxTimestamp ?? -1;
    entry.batches.push({ firstSequence: b.baseSequence, lastSequence: lastSequenceOf({ ...b, recordCount: lastOffset - baseOffset + 1 }), baseOffset, lastOffset });
    if (entry.batches.length > producerStateBatchesRemembered) entry.batches.shift();
  }

  /** Every producer this replica remembers, by producer id, with its latest batch. */
  active(): ActiveProducer[] {
    return [...this.producers]
      .sort(([a], [b]) => a - b)
      .map(([producerId, e]) => ({ producerId, producerEpoch: e.epoch, lastSequence: e.batches[e.batches.length - 1]!.lastSequence, lastTimestamp: e.lastTimestamp }));
  }

  /**
   * The last offset of each remembered producer's latest data batch: the batch the cleaner keeps (if
   * only empty) so the producer's state survives a rebuild. A producer known only by a transaction
   * marker has none (the cleaner keeps markers anyway).
   */
  lastBatchOffsets(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, e] of this.producers) {
      const last = e.batches[e.batches.length - 1];
      if (last) out.set(id, last.lastOffset);
    }
    return out;
  }

  clear(): void {
    this.producers.clear();
  }
}
