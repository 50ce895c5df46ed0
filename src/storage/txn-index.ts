import type BetterSqlite3 from 'better-sqlite3';
import { isControl, readControlBatch } from '../protocol/control-batch.js';
import type { BatchView } from '../protocol/record-batch.js';
import type { ProducerStateTable } from './producer-state.js';

type Statement = BetterSqlite3.Statement;

/** The prepared statements over log.db's txn_boundaries and aborted_txns (LogStore prepares them). */
export interface TxnStatements {
  insertBoundary: Statement;
  loadBoundaries: Statement;
  deleteBoundariesFrom: Statement;
  deleteBoundariesBefore: Statement;
  boundaryOfMarker: Statement;
  deleteCleanedBoundaries: Statement;
  insertAborted: Statement;
  abortedIn: Statement;
  longestAbortedSpan: Statement;
  deleteAborted: Statement;
  deleteAbortedFrom: Statement;
  deleteAbortedBefore: Statement;
}

/** An aborted transaction as Fetch lists it for read_committed readers: drop P's records from firstOffset to its ABORT marker (at lastOffset). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

/**
 * One partition's transactions in log.db (KIP-98), beside its batches: each transaction's first
 * batch and each marker (txn_boundaries), and the aborted transactions (aborted_txns, Kafka's
 * aborted transaction index). It keeps the partition's producer state in step with every stored
 * batch, and puts the transactional part of that state back after a reopen or a truncation. The
 * deletes run inside PartitionLog's rewrites, so rows and batches always go together.
 */
export class TxnIndex {
  /**
   * At least the longest (last - first offset) of an aborted transaction stored: bounds the lookup
   * of those overlapping a fetch. Never lowered by deletes (a bound too high only costs a longer scan).
   */
  private maxAbortedSpan: number;

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly stmts: TxnStatements,
    private readonly producers: ProducerStateTable,
  ) {
    this.maxAbortedSpan = (stmts.longestAbortedSpan.get(topic, partition) as { span: number }).span;
  }

  /** A batch was stored at [baseOffset, lastOffset] (leader or follower): the producer state and the rows it needs. */
  recordBatch(batch: BatchView, baseOffset: number, lastOffset: number): void {
    const h = batch.header;
    const row = (marker: number, coordinatorEpoch: number, firstOffset: number) =>
      this.stmts.insertBoundary.run(this.topic, this.partition, baseOffset, h.producerId, h.producerEpoch, marker, coordinatorEpoch, firstOffset);
    if (!isControl(h)) {
      if (this.producers.record(h, baseOffset, lastOffset)) row(-1, -1, baseOffset);
      return;
    }
    const marker = readControlBatch(batch.bytes);
    const closed = this.producers.recordMarker(marker, baseOffset, h.maxTimestamp);
    row(marker.commit ? 1 : 0, marker.coordinatorEpoch, closed?.firstOffset ?? -1);
    if (closed?.aborted) {
      this.stmts.insertAborted.run(this.topic, this.partition, closed.producerId, closed.firstOffset, closed.lastOffset);
      this.maxAbortedSpan = Math.max(this.maxAbortedSpan, closed.lastOffset - closed.firstOffset);
    }
  }

  /** Puts back open transactions, markers the high watermark does not cover yet, and coordinator epochs (after the sequences). */
  restore(highWatermark: number): void {
    const rows = this.stmts.loadBoundaries.all({ topic: this.topic, partition: this.partition, highWatermark }) as {
      producer_id: number;
      producer_epoch: number;
      base_offset: number;
      marker: number;
      coordinator_epoch: number;
      first_offset: number;
    }[];
    for (const b of rows) {
      this.producers.restoreBoundary(
        { producerId: b.producer_id, producerEpoch: b.producer_epoch, offset: b.base_offset, marker: b.marker, coordinatorEpoch: b.coordinator_epoch, firstOffset: b.first_offset },
        highWatermark,
      );
    }
  }

  /** The aborted transactions a read of [fetchOffset, upToOffset) must tell a read_committed reader of, by first offset. */
  abortedTransactions(fetchOffset: number, upToOffset: number): AbortedTxn[] {
    const rows = this.stmts.abortedIn.all({ topic: this.topic, partition: this.partition, from: fetchOffset, upTo: upToOffset, maxSpan: this.maxAbortedSpan }) as {
      producer_id: number;
      first_offset: number;
      last_offset: number;
    }[];
    return rows.map((r) => ({ producerId: r.producer_id, firstOffset: r.first_offset, lastOffset: r.last_offset }));
  }

  /**
   * The log cleaner removed every batch of an aborted transaction and may now remove its marker: the
   * row goes with it (in the same SQLite transaction as the cleaner's rewrite). A row left without
   * its marker would make read_committed readers drop the producer's next, committed, transaction.
   */
  forgetAborted(txn: AbortedTxn): void {
    this.stmts.deleteAborted.run(this.topic, this.partition, txn.lastOffset);
  }

  /**
   * The log cleaner removed the marker at `markerOffset`, the last of its transaction's batches: the
   * transaction's rows go (same SQLite transaction, after the batches), as they can no longer matter:
   * the rebuild reads each producer's latest row and the markers at or above the high watermark, and
   * a truncation into the transaction's range finds none of its batches left (its first-batch row
   * would reopen it, stalling the last stable offset there). The producer's latest row stays: it
   * carries the producer and coordinator epochs to a rebuild. Without this a compacted topic, whose
   * log start does not move, kept two rows per transaction forever.
   */
  forgetCleaned(producerId: number, markerOffset: number): void {
    const params = { topic: this.topic, partition: this.partition, producerId, marker: markerOffset };
    const row = this.stmts.boundaryOfMarker.get(params) as { first_offset: number; latest: number } | undefined;
    if (!row) return;
    this.stmts.deleteCleanedBoundaries.run({ ...params, from: row.first_offset >= 0 ? row.first_offset : markerOffset, latest: row.latest });
  }

  /** Truncation: the rows of batches at or above `offset` go (a transaction whose marker went is open again). */
  deleteFrom(offset: number): void {
    this.stmts.deleteBoundariesFrom.run(this.topic, this.partition, offset);
    this.stmts.deleteAbortedFrom.run(this.topic, this.partition, offset);
  }

  /** A new log start: boundaries below it, and aborted transactions that end below it, go. */
  deleteBefore(offset: number): void {
    this.stmts.deleteBoundariesBefore.run(this.topic, this.partition, offset);
    this.stmts.deleteAbortedBefore.run(this.topic, this.partition, offset);
  }
}
