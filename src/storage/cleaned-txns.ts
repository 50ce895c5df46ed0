import { readBatchHeader } from '../protocol/record-batch.js';
import { deleteHorizonOf, rebuildBatch, storedRecords } from '../protocol/retained-batch.js';
import type { CleanedBatch } from './log-cleaner.js';
import type { AbortedTxn } from './txn-index.js';

/** What a cleaner pass does with a transaction marker it walks. */
export interface MarkerVerdict {
  /** No batch of the marker's transaction is left: the marker may go once its delete horizon passed. */
  discardable: boolean;
  /** The aborted transaction whose index row goes now, with the last of its batches (null if none). */
  forget: AbortedTxn | null;
}

/**
 * What one log cleaner pass knows of the transactions in the batches it walks in offset order
 * (Kafka's CleanedTransactionMetadata). A pass only walks below the last stable offset, so every
 * transaction there has ended: a transactional batch is aborted if the aborted index has its
 * producer's transaction around it, else committed.
 * - An aborted transaction's batches are removed whole (records of an aborted transaction never
 *   stand for a key), as Kafka discards them.
 * - A marker stays while a batch of its transaction is left (removed earlier in this pass counts as
 *   gone: each chunk's rewrite committed before the next is walked). Otherwise it is discardable:
 *   the cleaner stamps a delete horizon (now + delete.retention.ms, as for tombstones) and removes it
 *   once that passed, so a reader that saw the transaction's first records still meets its marker.
 * - An ABORT marker becomes discardable in the same rewrite that drops the transaction's row from the
 *   aborted index: a row must not outlive its marker (a read_committed reader told of it drops the
 *   producer's records until an ABORT marker, so it would drop the producer's next, committed,
 *   transaction), and must not go while any of its records is left (they would be read as committed).
 * - A committed transaction's marker goes the same way once its batches are all compacted away: a
 *   marker left with no data is harmless, data left with no marker would be an open transaction to a
 *   replica that fetches it (its last stable offset stuck there).
 */
export class CleanedTransactions {
  /** Aborted transactions of the walked range, by producer, each ending at its marker. */
  private readonly aborted = new Map<number, Map<number, AbortedTxn>>();
  /** Per producer, whether a batch of the transaction the walk is in (since its last marker) is left. */
  private readonly batchesLeft = new Map<number, boolean>();

  /** The aborted index's rows overlapping the next chunk (a row already known is ignored). */
  addAborted(txns: readonly AbortedTxn[]): void {
    for (const t of txns) {
      let byMarker = this.aborted.get(t.producerId);
      if (!byMarker) this.aborted.set(t.producerId, (byMarker = new Map()));
      byMarker.set(t.lastOffset, t);
    }
  }

  /** Whether the transactional data batch of `producerId` at `offset` belongs to an aborted transaction. */
  isAborted(producerId: number, offset: number): boolean {
    for (const t of this.aborted.get(producerId)?.values() ?? []) if (t.firstOffset <= offset && offset < t.lastOffset) return true;
    return false;
  }

  /** A transactional data batch was walked; `left` if the pass keeps it (with records, or empty for its producer's state). */
  onDataBatch(producerId: number, left: boolean): void {
    this.batchesLeft.set(producerId, (this.batchesLeft.get(producerId) ?? false) || left);
  }

  /** A marker of `producerId` at `offset` was walked: it ends the producer's transaction here. */
  onMarker(producerId: number, offset: number): MarkerVerdict {
    const left = this.batchesLeft.get(producerId) ?? false;
    this.batchesLeft.delete(producerId);
    const byMarker = this.aborted.get(producerId);
    const aborted = byMarker?.get(offset) ?? null;
    byMarker?.delete(offset);
    if (left) return { discardable: false, forget: null };
    return { discardable: true, forget: aborted };
  }
}

/**
 * A transaction marker as a pass leaves it: kept while its transaction has batches left; once
 * `discardable`, stamped with a delete horizon (now + delete.retention.ms, KIP-534, as for tombstones)
 * and removed by the first pass after it (see CleanedTransactions).
 */
export function cleanMarker(bytes: Buffer, discardable: boolean, now: number, deleteRetentionMs: number): CleanedBatch {
  const h = readBatchHeader(bytes);
  const horizon = deleteHorizonOf(h);
  if (!discardable) return { bytes: 'unchanged', recordsRemoved: 0, deleteHorizonMs: null };
  if (horizon !== null && horizon <= now) return { bytes: null, recordsRemoved: h.recordCount, deleteHorizonMs: null };
  if (horizon !== null) return { bytes: 'unchanged', recordsRemoved: 0, deleteHorizonMs: horizon };
  const stamped = now + deleteRetentionMs;
  return { bytes: rebuildBatch(bytes, storedRecords(bytes), stamped), recordsRemoved: 0, deleteHorizonMs: stamped };
}
