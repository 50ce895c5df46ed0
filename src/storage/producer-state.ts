import { ErrorCode, KafkaError } from '../common/errors.js';
import { producerStateBatchesRemembered } from '../common/limits.js';
import { isTransactional, type TxnMarker } from '../protocol/control-batch.js';

/** What a replica remembers of one idempotent producer on one partition. */
interface ProducerEntry {
  epoch: number;
  /** Max timestamp of its latest batch or marker (-1 if unknown). */
  lastTimestamp: number;
  /** Up to producerStateBatchesRemembered batches, oldest first: enough to recognise any retry of an in-flight batch. */
  batches: { firstSequence: number; lastSequence: number; baseOffset: number; lastOffset: number }[];
  /** The coordinator epoch of its latest marker (-1 before any): markers from an older coordinator are fenced. */
  coordinatorEpoch: number;
  /** The first offset of its ongoing transaction on this partition, -1 if none. */
  txnFirstOffset: number;
}

export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  /** The batch's max timestamp; -1 if unknown. */
  maxTimestamp?: number;
  /** The batch attributes (the transactional bit); 0 if absent. */
  attributes?: number;
}

/** A transaction ended on this partition by a marker: its records are [firstOffset, lastOffset], the marker at lastOffset. */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  aborted: boolean;
}

/** One active idempotent producer, as DescribeProducers lists it. */
export interface ActiveProducer {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  currentTxnStartOffset: number;
}

/** A row of log.db's txn_boundaries, as the rebuild reads it back (storage/partition-log.ts). */
export interface TxnBoundary {
  producerId: number;
  producerEpoch: number;
  /** The offset of the txn's first batch (a start row), or of the marker. */
  offset: number;
  /** -1 for a transaction's first batch, else the marker's ControlType. */
  marker: number;
  coordinatorEpoch: number;
  /** The transaction's first offset (-1 for a marker that ended none here). */
  firstOffset: number;
}

const INT32_MAX = 0x7fffffff;

function lastSequenceOf(b: ProducerBatch): number {
  return (b.baseSequence + b.recordCount - 1) % (INT32_MAX + 1);
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/**
 * Idempotent and transactional producer state of one partition (Kafka's ProducerStateManager):
 * rebuilt from log.db on open, updated on every append, leader or follower, so a new leader knows it too.
 * Rules for a batch from producer P at epoch E with sequences [s, t]:
 * - a batch already stored (same P, E, s, t) is a duplicate: answer with its original offset;
 * - otherwise s must follow P's last sequence at epoch E (or be 0 for a new P, a newer E, or after a
 *   marker bumped the epoch);
 * - anything else is OUT_OF_ORDER_SEQUENCE_NUMBER, and an older epoch INVALID_PRODUCER_EPOCH (as
 *   Kafka answers Produce since KIP-588): a marker at epoch E fences every batch of an older epoch;
 * - a non-transactional batch from P while P's transaction is open here is INVALID_TXN_STATE.
 * Transactions: P's first transactional batch opens its transaction at that offset; a marker
 * (COMMIT/ABORT, epoch >= P's, coordinator epoch >= the last marker's, else INVALID_PRODUCER_EPOCH /
 * TRANSACTION_COORDINATOR_FENCED) closes it. A closed transaction stays unstable until the high
 * watermark passes its marker (Kafka's unreplicatedTxns): a new leader without the marker would
 * still have it open, so read_committed readers must not have been shown its records yet.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();
  /** Completed transactions whose marker the high watermark does not cover yet, in marker order. */
  private unreplicated: CompletedTxn[] = [];

  /** Returns the stored batch's offsets if this is a retry of it, null if it is new; throws if out of order. */
  check(b: ProducerBatch): { baseOffset: number; lastOffset: number } | null {
    if (b.producerId < 0) {
      if (isTransactional({ attributes: b.attributes ?? 0 })) throw new KafkaError(ErrorCode.INVALID_RECORD, 'a transactional batch needs a producer id');
      return null;
    }
    const entry = this.producers.get(b.producerId);
    const last = lastSequenceOf(b);
    if (!entry || b.producerEpoch > entry.epoch) {
      if (b.baseSequence !== 0) throw new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${b.producerId} starts at sequence ${b.baseSequence}, expected 0`);
      return null;
    }
    if (b.producerEpoch < entry.epoch) throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${b.producerId} epoch ${b.producerEpoch} is older than ${entry.epoch}`);
    const dup = entry.batches.find((x) => x.firstSequence === b.baseSequence && x.lastSequence === last);
    if (dup) return { baseOffset: dup.baseOffset, lastOffset: dup.lastOffset };
    const latest = entry.batches[entry.batches.length - 1];
    const expected = latest ? nextSequence(latest.lastSequence) : 0;
    if (b.baseSequence !== expected) {
      throw new KafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${b.producerId} sent sequence ${b.baseSequence}, expected ${expected}`);
    }
    if (entry.txnFirstOffset >= 0 && !isTransactional({ attributes: b.attributes ?? 0 })) {
      throw new KafkaError(ErrorCode.INVALID_TXN_STATE, `producer ${b.producerId} sent a non-transactional batch while its transaction from offset ${entry.txnFirstOffset} is open`);
    }
    return null;
  }

  /** Throws if a marker from this coordinator for this producer epoch must not be written (leader side). */
  checkMarker(m: TxnMarker): void {
    const entry = this.producers.get(m.producerId);
    if (!entry) return;
    if (m.producerEpoch < entry.epoch) throw new KafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `marker for producer ${m.producerId} at epoch ${m.producerEpoch}, older than ${entry.epoch}`);
    if (m.coordinatorEpoch < entry.coordinatorEpoch) {
      throw new KafkaError(ErrorCode.TRANSACTION_COORDINATOR_FENCED, `marker for producer ${m.producerId} from coordinator epoch ${m.coordinatorEpoch}, older than ${entry.coordinatorEpoch}`);
    }
  }

  /**
   * Records a stored data batch; returns true if it opened its producer's transaction here. Its last
   * sequence is baseSequence + (lastOffset - baseOffset), as Kafka's DefaultRecordBatch.lastSequence
   * counts it: the same as from the record count for a producer's batch, and still right for one the
   * cleaner emptied or thinned (it keeps the offsets).
   */
  record(b: ProducerBatch, baseOffset: number, lastOffset: number): boolean {
    if (b.producerId < 0) return false;
    const entry = this.entryAt(b.producerId, b.producerEpoch);
    entry.lastTimestamp = b.maxTimestamp ?? -1;
    entry.batches.push({ firstSequence: b.baseSequence, lastSequence: lastSequenceOf({ ...b, recordCount: lastOffset - baseOffset + 1 }), baseOffset, lastOffset });
    if (entry.batches.length > producerStateBatchesRemembered) entry.batches.shift();
    if (!isTransactional({ attributes: b.attributes ?? 0 }) || entry.txnFirstOffset >= 0) return false;
    entry.txnFirstOffset = baseOffset;
    return true;
  }

  /** Records a stored marker at `offset`; returns the transaction it closed here, or null if none was open. */
  recordMarker(m: TxnMarker, offset: number, timestamp: number): CompletedTxn | null {
    const entry = this.entryAt(m.producerId, m.producerEpoch);
    entry.lastTimestamp = timestamp;
    entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, m.coordinatorEpoch);
    if (entry.txnFirstOffset < 0) return null;
    const txn: CompletedTxn = { producerId: m.producerId, firstOffset: entry.txnFirstOffset, lastOffset: offset, aborted: !m.commit };
    entry.txnFirstOffset = -1;
    this.unreplicated.push(txn);
    return txn;
  }

  /** Puts back what log.db's txn_boundaries say (rebuild): a producer's latest boundary, or a marker not yet under the high watermark. */
  restoreBoundary(row: TxnBoundary, highWatermark: number): void {
    const entry = this.entryAt(row.producerId, row.producerEpoch);
    entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, row.coordinatorEpoch);
    if (row.marker < 0) {
      entry.txnFirstOffset = row.firstOffset;
    } else if (row.firstOffset >= 0 && row.offset >= highWatermark) {
      this.unreplicated.push({ producerId: row.producerId, firstOffset: row.firstOffset, lastOffset: row.offset, aborted: row.marker === 0 });
      this.unreplicated.sort((a, b) => a.lastOffset - b.lastOffset);
    }
  }

  /** P's entry at epoch E: a newer epoch starts afresh (sequences from 0), as a bumping marker does. */
  private entryAt(producerId: number, epoch: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (!entry || epoch > entry.epoch) {
      entry = { epoch, lastTimestamp: -1, batches: [], coordinatorEpoch: entry?.coordinatorEpoch ?? -1, txnFirstOffset: entry?.txnFirstOffset ?? -1 };
      this.producers.set(producerId, entry);
    }
    return entry;
  }

  /**
   * The first offset a read_committed reader may not see yet: the earliest first offset of an open
   * transaction or of a closed one whose marker the high watermark does not cover; null if none.
   * The last stable offset is the smaller of this and the high watermark.
   */
  firstUnstableOffset(): number | null {
    let first: number | null = null;
    for (const e of this.producers.values()) if (e.txnFirstOffset >= 0 && (first === null || e.txnFirstOffset < first)) first = e.txnFirstOffset;
    for (const t of this.unreplicated) if (first === null || t.firstOffset < first) first = t.firstOffset;
    return first;
  }

  /** The high watermark moved: closed transactions whose marker it covers are stable. */
  onHighWatermark(highWatermark: number): void {
    if (this.unreplicated.length > 0) this.unreplicated = this.unreplicated.filter((t) => t.lastOffset >= highWatermark);
  }

  /** Every producer this replica remembers, by producer id, with its latest batch and open transaction. */
  active(): ActiveProducer[] {
    return [...this.producers].sort(([a], [b]) => a - b).map(([producerId, e]) => ({
      producerId,
      producerEpoch: e.epoch,
      lastSequence: e.batches[e.batches.length - 1]?.lastSequence ?? -1,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: e.txnFirstOffset,
    }));
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
    this.unreplicated = [];
  }
}
