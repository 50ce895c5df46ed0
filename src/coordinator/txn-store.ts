import type { Database } from '../storage/database.js';

/**
 * Kafka's transaction states (TransactionState.scala), by the names DescribeTransactions and
 * ListTransactions use. YaK goes from Ongoing straight to PrepareAbort with a bumped epoch where
 * Kafka passes through PrepareEpochFence, and never expires a transactional id (no Dead).
 */
export const TXN_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort'] as const;
export type TxnState = (typeof TXN_STATES)[number];
/** Every state name Kafka knows, so ListTransactions tells a filter it does not serve from a misspelt one. */
export const KAFKA_TXN_STATE_NAMES: ReadonlySet<string> = new Set([...TXN_STATES, 'Dead', 'PrepareEpochFence']);

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One transactional id's producer and its transaction, as Kafka's TransactionMetadata. */
export interface StoredTxn {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /**
   * The epoch before InitProducerId last bumped it (-1 after a fence or a new producer id), so a
   * producer whose InitProducerId answer was lost, asking again with its old epoch (KIP-360), gets
   * the same answer rather than PRODUCER_FENCED.
   */
  lastProducerEpoch: number;
  /** transaction.timeout.ms the producer asked for. */
  timeoutMs: number;
  state: TxnState;
  /** When the ongoing transaction added its first partition or group (wall clock ms); -1 when none is ongoing. */
  startTimeMs: number;
  updateTimeMs: number;
  /** Ongoing: the partitions written in the transaction. PrepareCommit/PrepareAbort: those still without their marker. */
  partitions: TopicPartition[];
  /** Groups whose offsets the transaction commits (AddOffsetsToTxn). */
  groups: string[];
}

interface TxnRow {
  transactional_id: string;
  producer_id: number;
  producer_epoch: number;
  last_producer_epoch: number;
  timeout_ms: number;
  state: TxnState;
  start_time_ms: number;
  update_time_ms: number;
  partitions: string;
  groups: string;
}

/** coordinator.db's meta counter of transaction coordinator starts: the coordinator epoch of its markers. */
export const TXN_COORDINATOR_EPOCH_KEY = 'txn_coordinator_epoch';

/**
 * The transactional ids in coordinator.db, as Kafka keeps them in `__transaction_state`: every
 * change of state is written before it is answered or acted on, so a restarted coordinator resumes
 * ongoing transactions (or times them out) and finishes the markers of those it was ending.
 */
export class TxnStore {
  constructor(private readonly db: Database) {}

  all(): StoredTxn[] {
    return (this.db.prepare('SELECT * FROM transactions ORDER BY transactional_id').all() as TxnRow[]).map((r) => ({
      transactionalId: r.transactional_id,
      producerId: r.producer_id,
      producerEpoch: r.producer_epoch,
      lastProducerEpoch: r.last_producer_epoch,
      timeoutMs: r.timeout_ms,
      state: r.state,
      startTimeMs: r.start_time_ms,
      updateTimeMs: r.update_time_ms,
      partitions: JSON.parse(r.partitions) as TopicPartition[],
      groups: JSON.parse(r.groups) as string[],
    }));
  }

  delete(transactionalId: string): void {
    this.db.prepare('DELETE FROM transactions WHERE transactional_id = ?').run(transactionalId);
  }

  save(t: StoredTxn): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO transactions (transactional_id, producer_id, producer_epoch, last_producer_epoch, timeout_ms, state, start_time_ms, update_time_ms, partitions, groups)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.transactionalId, t.producerId, t.producerEpoch, t.lastProducerEpoch, t.timeoutMs, t.state, t.startTimeMs, t.updateTimeMs, JSON.stringify(t.partitions), JSON.stringify(t.groups));
  }
}
