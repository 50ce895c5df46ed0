import type BetterSqlite3 from 'better-sqlite3';
import { ErrorCode, KafkaError } from '../common/errors.js';
import type { RetentionLimits } from '../common/topic-configs.js';
import { isControl, readControlBatch } from '../protocol/control-batch.js';
import { decodeRecordBatches, readBatchHeader, stampBatch, type BatchView } from '../protocol/record-batch.js';
import { ProducerStateTable } from './producer-state.js';
import { bytesPerBuffer, type AppendedPerBuffer, type PartitionTail, type RecentBatches } from './recent-batches.js';
import { TxnIndex, type AbortedTxn, type TxnStatements } from './txn-index.js';

type Statement = BetterSqlite3.Statement;

export interface LogStatements extends TxnStatements {
  insertBatch: Statement;
  lastBatch: Statement;
  batchStartAtOrBefore: Statement;
  batchesFrom: Statement;
  recentProducerBatches: Statement;
  firstBatchAfterTimestamp: Statement;
  maxTimestampBatch: Statement;
  batchAt: Statement;
  deleteFrom: Statement;
  deleteBefore: Statement;
  batchSizes: Statement;
  logBytes: Statement;
  upsertPartition: Statement;
  loadPartition: Statement;
  loadEpochs: Statement;
  insertEpoch: Statement;
  deleteEpochsFrom: Statement;
  deleteEpochsBefore: Statement;
  batchHeaders: Statement;
  updateBatch: Statement;
  deleteBatch: Statement;
  bytesBefore: Statement;
}

/** A stored batch as the log cleaner plans with it: its row's columns, not its bytes. */
export interface StoredBatchInfo {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  size: number;
}


/** A record found by time (ListOffsets), with the leader epoch of its batch. */
export interface TimestampAndOffset {
  offset: number;
  timestamp: number;
  leaderEpoch: number;
}

/** What a PartitionLog needs of the LogStore that holds it. */
export interface LogStoreHooks {
  /** Runs `fn` in one SQLite transaction (nested: a savepoint); throws KAFKA_STORAGE_ERROR if the file fails. */
  transaction<T>(fn: () => T): T;
  /** Called when the high watermark moved: the store checkpoints it soon, in a batch. */
  markDirty(log: PartitionLog): void;
  /** The store's cache of recently appended batches (each log's tail of it serves reads of the log end). */
  recent: RecentBatches;
}

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

/** How far back a restarted replica looks for idempotent producers' last batches. */
const PRODUCER_STATE_LOOKBACK_OFFSETS = 1_000_000;

/**
 * One partition's log: an ordered run of record batches stored as their wire bytes.
 * Invariants: batches are in offset order and contiguous (each base offset = previous last offset
 * + 1) except where the log cleaner removed a batch whose records were all compacted away (a gap:
 * readers and followers go on at the next batch, as Kafka's do);
 * logStartOffset <= highWatermark <= logEndOffset; the epoch cache is ordered by epoch and by offset.
 * The high watermark is owned by the replication layer; this class only stores and checkpoints it.
 */
export class PartitionLog {
  logStartOffset = 0;
  logEndOffset = 0;
  highWatermark = 0;
  /** Leader-epoch cache (KIP-101): the first offset written in each epoch. */
  epochs: EpochEntry[] = [];
  readonly producers = new ProducerStateTable();
  private readonly txns: TxnIndex;
  /** Bumped whenever the log loses its tail (truncation): a log cleaner pass planned before it gives up. */
  truncations = 0;
  /** The last appended batches, in memory (cleared whenever the log changes other than by an append). */
  private readonly tail: PartitionTail;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly stmts: LogStatements,
    private readonly store: LogStoreHooks,
  ) {
    this.txns = new TxnIndex(topic, partition, stmts, this.producers);
    this.tail = store.recent.tail();
    const last = stmts.lastBatch.get(topic, partition) as { base_offset: number; last_offset: number } | undefined;
    const state = stmts.loadPartition.get(topic, partition) as { log_start_offset: number; high_watermark: number } | undefined;
    this.logStartOffset = state?.log_start_offset ?? 0;
    this.logEndOffset = last ? last.last_offset + 1 : this.logStartOffset;
    this.highWatermark = Math.min(state?.high_watermark ?? 0, this.logEndOffset);
    this.epochs = (stmts.loadEpochs.all(topic, partition) as { epoch: number; start_offset: number }[]).map((e) => ({
      epoch: e.epoch,
      startOffset: e.start_offset,
    }));
    this.rebuildProducerState();
  }

  /** In-memory state to put back if the transaction around an append rolls back. */
  /** Bytes of the stored batches (retention.bytes counts these; DescribeLogDirs reports them). */
  sizeBytes(): number {
    return (this.stmts.logBytes.get(this.topic, this.partition) as { size: number }).size;
  }

  /** Drops this log's batches from the store's recent-batch cache (the partition is being deleted). */
  forgetRecentBatches(): void {
    this.tail.clear();
  }

  snapshot(): { logEndOffset: number; epochs: EpochEntry[] } {
    return { logEndOffset: this.logEndOffset, epochs: [...this.epochs] };
  }

  restore(s: { logEndOffset: number; epochs: EpochEntry[] }): void {
    this.tail.clear();
    this.logEndOffset = s.logEndOffset;
    this.epochs = s.epochs;
    this.rebuildProducerState();
  }

  /**
   * Reloads producer state (after opening, truncating or a rollback): idempotent sequences from the
   * stored batch headers (markers, base sequence -1, skipped), open and unreplicated transactions
   * and coordinator epochs from txn_boundaries.
   */
  private rebuildProducerState(): void {
    this.producers.clear();
    const rows = this.stmts.recentProducerBatches.all(this.topic, this.partition, Math.max(0, this.logEndOffset - PRODUCER_STATE_LOOKBACK_OFFSETS)) as {
      base_offset: number;
      last_offset: number;
      producer_id: number;
      producer_epoch: number;
      base_sequence: number;
      record_count: number;
      max_timestamp: number;
    }[];
    for (const r of rows) {
      if (r.base_sequence < 0) continue;
      this.producers.record({ producerId: r.producer_id, producerEpoch: r.producer_epoch, baseSequence: r.base_sequence, recordCount: r.record_count, maxTimestamp: r.max_timestamp }, r.base_offset, r.last_offset);
    }
    this.txns.restore(this.highWatermark);
  }

  /**
   * The last stable offset (KIP-98): read_committed readers see up to here, the high watermark or
   * the first offset of the earliest transaction still open (or closed by a marker the high
   * watermark does not cover yet), whichever is lower.
   */
  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset();
    return unstable === null ? this.highWatermark : Math.min(unstable, this.highWatermark);
  }

  /** The aborted transactions a read of [fetchOffset, upToOffset) must tell a read_committed reader of, by first offset. */
  abortedTransactions(fetchOffset: number, upToOffset: number): AbortedTxn[] {
    return this.txns.abortedTransactions(fetchOffset, upToOffset);
  }

  get latestEpoch(): number {
    return this.epochs.length > 0 ? this.epochs[this.epochs.length - 1]!.epoch : -1;
  }

  /**
   * Leader append: assigns offsets from the log end and stamps each batch in place. Call inside
   * LogStore.transaction so a request's batches commit together. `appendedPerBuffer`: the bytes of
   * every batch the transaction appends, per buffer they lie in (`bytesPerBuffer` of all its
   * writes), so batches that together fill a buffer (a socket read of several produce frames) are
   * cached without a copy.
   */
  appendAsLeader(batches: readonly BatchView[], leaderEpoch: number, appendedPerBuffer: AppendedPerBuffer = bytesPerBuffer(batches)): AppendResult {
    // A retried idempotent batch that is already stored is answered with its original offsets.
    if (batches.length === 1) {
      const stored = this.checkProducer(batches[0]!);
      if (stored) return stored;
    } else {
      for (const b of batches) if (this.checkProducer(b)) throw new KafkaError(ErrorCode.DUPLICATE_SEQUENCE_NUMBER);
    }
    const baseOffset = this.logEndOffset;
    for (const batch of batches) {
      stampBatch(batch.bytes, this.logEndOffset, leaderEpoch);
      this.insert(batch, this.logEndOffset, this.logEndOffset + batch.header.lastOffsetDelta, leaderEpoch, appendedPerBuffer);
    }
    return { baseOffset, lastOffset: this.logEndOffset - 1 };
  }

  /** The producer state's verdict on a batch to append: a stored duplicate's offsets, or null; throws if it is refused (a marker: if fenced). */
  private checkProducer(b: BatchView): AppendResult | null {
    if (!isControl(b.header)) return this.producers.check(b.header);
    this.producers.checkMarker(readControlBatch(b.bytes));
    return null;
  }

  /**
   * Follower append: batches keep the offsets and epochs the leader gave them. They are not cached
   * (the recent-batch tail is dropped, so it never skips them): the tail serves the reads of a
   * leader's log end, its followers' fetches and consumers keeping up, and a follower's log is read
   * only by consumers of a rack-aware selector (KIP-392). At RF 3 a broker's follower appends are
   * two thirds of its writes: cached, they took two thirds of the budget and kept each fetch answer
   * they came in alive until evicted, into V8's old space. Not caching them, a 3-broker acks=all
   * bench's second 1M records cost each broker 2.26 -> 1.89 s CPU (median of 7 alternated runs); a
   * fresh cluster's first 1M, where V8's compiler dominates the difference, about the same.
   */
  appendAsFollower(batches: readonly BatchView[]): void {
    for (const batch of batches) {
      const { baseOffset, lastOffsetDelta, partitionLeaderEpoch } = batch.header;
      // Past the log end is a gap the leader's cleaner left (it removed a compacted-away batch).
      if (baseOffset < this.logEndOffset) {
        throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `follower append at ${baseOffset}, log end is ${this.logEndOffset}`);
      }
      this.insert(batch, baseOffset, baseOffset + lastOffsetDelta, partitionLeaderEpoch, null);
    }
  }

  /**
   * Stores one batch; `appendedPerBuffer`: what the recent-batch tail weighs it against
   * (PartitionTail.append), or null to leave it uncached (the tail, which must end at the log end, is dropped).
   */
  private insert(batch: BatchView, baseOffset: number, lastOffset: number, epoch: number, appendedPerBuffer: AppendedPerBuffer | null): void {
    if (epoch > this.latestEpoch) {
      this.epochs.push({ epoch, startOffset: baseOffset });
      this.stmts.insertEpoch.run(this.topic, this.partition, epoch, baseOffset);
    }
    const h = batch.header;
    this.stmts.insertBatch.run(this.topic, this.partition, baseOffset, lastOffset, epoch, h.maxTimestamp, h.producerId, h.producerEpoch, h.baseSequence, h.recordCount, batch.bytes);
    this.txns.recordBatch(batch, baseOffset, lastOffset);
    if (appendedPerBuffer) this.tail.append(baseOffset, lastOffset, batch.bytes, appendedPerBuffer.get(batch.bytes.buffer) ?? batch.bytes.length);
    else this.tail.clear();
    this.logEndOffset = lastOffset + 1;
  }

  /**
   * Stored batches from the one holding `fetchOffset` up to (excluding) `upToOffset`, at most
   * `maxBytes` except that the first batch is always returned whole (KIP-74), so a consumer can
   * never be stuck behind a batch larger than its fetch size.
   */
  read(fetchOffset: number, upToOffset: number, maxBytes: number): Buffer[] {
    if (fetchOffset >= upToOffset || maxBytes <= 0) return [];
    const recent = this.tail.read(fetchOffset, upToOffset, maxBytes);
    if (recent) return recent;
    const start = this.stmts.batchStartAtOrBefore.get(this.topic, this.partition, fetchOffset) as { base_offset: number } | undefined;
    const out: Buffer[] = [];
    let size = 0;
    for (const row of this.stmts.batchesFrom.iterate(this.topic, this.partition, start?.base_offset ?? fetchOffset) as IterableIterator<{
      base_offset: number;
      last_offset: number;
      bytes: Buffer;
    }>) {
      if (row.last_offset >= upToOffset || (out.length > 0 && size + row.bytes.length > maxBytes)) break;
      if (row.last_offset < fetchOffset) continue;
      out.push(row.bytes);
      size += row.bytes.length;
      if (size >= maxBytes) break;
    }
    return out;
  }

  /**
   * The first record with a timestamp >= `timestamp` and that timestamp (ListOffsets by time), or
   * null if none. Batches are found by their stored max timestamp, which the leader derived from the
   * records (or stamped, for LogAppendTime), so a batch whose producer wrote -1 there is still found.
   * `leaderEpoch` is the epoch of the batch holding it.
   */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | null {
    const row = this.stmts.firstBatchAfterTimestamp.get(this.topic, this.partition, timestamp) as { base_offset: number; leader_epoch: number; max_timestamp: number; bytes: Buffer } | undefined;
    if (!row) return null;
    return this.recordIn(row, row.bytes, (r) => r.timestamp >= timestamp);
  }

  /**
   * The record with the largest timestamp (the first of them in offset order), its timestamp and its
   * batch's epoch (ListOffsets -3, KIP-734), or null for an empty log: the batch is found by the max
   * timestamp every batch row stores, then the record inside it.
   */
  maxTimestampRecord(): TimestampAndOffset | null {
    const row = this.stmts.maxTimestampBatch.get(this.topic, this.partition) as { base_offset: number; leader_epoch: number; max_timestamp: number } | undefined;
    if (!row) return null;
    const { bytes } = this.stmts.batchAt.get(this.topic, this.partition, row.base_offset) as { bytes: Buffer };
    return this.recordIn(row, bytes, (r) => r.timestamp === row.max_timestamp);
  }

  /** The first record of a stored batch that `matches` (and is not before the log start); the batch start if none does or it does not decode. */
  private recordIn(row: { base_offset: number; leader_epoch: number; max_timestamp: number }, bytes: Buffer, matches: (r: { offset: number; timestamp: number }) => boolean): TimestampAndOffset {
    // Rare (ListOffsets by time): decoding the one batch that holds the answer is fine here. The
    // leader checked every batch decodes before storing it; should one still not, its start answers.
    let found = { offset: row.base_offset, timestamp: row.max_timestamp };
    try {
      const [batch] = decodeRecordBatches(bytes);
      const record = batch?.records.find((r) => matches(r) && r.offset >= this.logStartOffset);
      if (record) found = { offset: record.offset, timestamp: record.timestamp };
    } catch {
      // keep the batch start
    }
    return { offset: Math.max(found.offset, this.logStartOffset), timestamp: found.timestamp, leaderEpoch: row.leader_epoch };
  }

  /** The epoch in force at `offset` (of the last epoch that began at or before it), or -1 if none did. */
  epochAt(offset: number): number {
    let epoch = -1;
    for (const e of this.epochs) if (e.startOffset <= offset) epoch = e.epoch;
    return epoch;
  }

  /**
   * Removes every batch holding an offset >= `offset` (whole batches), and the epochs that began
   * there. Atomic (see `rewrite`): a crash or a failed write leaves the log as it was, to be truncated again.
   */
  truncateTo(offset: number): void {
    if (offset >= this.logEndOffset) return;
    const start = this.stmts.batchStartAtOrBefore.get(this.topic, this.partition, offset) as { base_offset: number; last_offset: number } | undefined;
    // The batch holding `offset` goes whole; one ending before it (a cleaner's gap follows) stays.
    const holding = start && start.last_offset >= offset ? start.base_offset : offset;
    const cut = Math.max(this.logStartOffset, Math.min(offset, holding));
    const highWatermark = Math.min(this.highWatermark, cut);
    this.rewrite(
      () => {
        this.stmts.deleteFrom.run(this.topic, this.partition, cut);
        this.stmts.deleteEpochsFrom.run(this.topic, this.partition, cut);
        this.txns.deleteFrom(cut);
        this.stmts.upsertPartition.run(this.topic, this.partition, this.logStartOffset, highWatermark);
      },
      () => {
        this.truncations++;
        this.tail.clear();
        this.epochs = this.epochs.filter((e) => e.startOffset < cut);
        this.logEndOffset = cut;
        this.highWatermark = highWatermark;
        this.rebuildProducerState();
      },
    );
  }

  /**
   * The one way this log deletes rows (truncation at either end): the file's statements run in one
   * transaction, and the in-memory state changes only once it committed. Otherwise a statement (or
   * the commit: a full disk shows there) failing half-way, or a crash, would leave rows and memory
   * disagreeing: a log end past the stored batches, or epochs that no longer match them.
   */
  private rewrite(statements: () => void, apply: () => void): void {
    this.store.transaction(statements);
    apply();
  }

  /**
   * Where retention would start the log now: past the leading batches that are older than
   * retention.ms (by their max timestamp), or past those the log can lose and still keep
   * retention.bytes, whichever goes further, as Kafka's two retention passes over segments do. Only
   * whole batches below the last stable offset go (the high watermark, or an open transaction's
   * start), so no replica can need what retention deleted, a consumer never loses a record it could
   * not yet read, and an open transaction keeps its first batch.
   *
   * A batch without a timestamp (max timestamp -1: its records have none, or it was stored before
   * leaders derived the max from the records) never expires by itself: it goes with the next batch
   * that has a timestamp and has expired, as Kafka judges a whole segment by its largest timestamp.
   * With no such batch after it, it stays (retention.bytes still applies). Treating -1 as "1970"
   * would delete acknowledged records at once; Kafka's own fallback, the segment file's mtime, has
   * no equivalent in a table of batches.
   */
  retentionCut(now: number, limits: RetentionLimits): number {
    const { retentionMs, retentionBytes } = limits;
    let cut = this.logStartOffset;
    const stable = this.lastStableOffset;
    if (retentionMs >= 0) {
      for (const b of this.batchSizes()) {
        if (b.last_offset >= stable) break;
        if (b.max_timestamp < 0) continue;
        if (b.max_timestamp >= now - retentionMs) break;
        cut = b.last_offset + 1;
      }
    }
    if (retentionBytes >= 0) {
      let total = this.sizeBytes();
      for (const b of this.batchSizes()) {
        if (b.last_offset >= stable || total - b.size < retentionBytes) break;
        cut = Math.max(cut, b.last_offset + 1);
        total -= b.size;
      }
    }
    return cut;
  }

  private batchSizes(): IterableIterator<{ last_offset: number; max_timestamp: number; size: number }> {
    return this.stmts.batchSizes.iterate(this.topic, this.partition) as IterableIterator<{ last_offset: number; max_timestamp: number; size: number }>;
  }

  /**
   * Moves the log start forward to `offset` (retention, or a follower following its leader's start),
   * deleting the batches wholly before it. Never past the last stable offset: an open transaction's
   * first batch stays, so its records and its start (which the rebuild reads from txn_boundaries)
   * are there until its marker; the coordinator aborts a transaction that outlives its timeout. The
   * epoch cache keeps the epoch in force at the new start (Kafka's truncateFromStart); producers'
   * state stays in memory, as Kafka keeps it past segment deletion; the aborted index keeps only the
   * transactions that end at or after the new start. Atomic (see `rewrite`).
   */
  advanceStartOffset(offset: number): boolean {
    const start = Math.min(offset, this.lastStableOffset);
    if (start <= this.logStartOffset) return false;
    const inForce = this.epochs.filter((e) => e.startOffset <= start).pop();
    const epochs = [...(inForce ? [{ epoch: inForce.epoch, startOffset: start }] : []), ...this.epochs.filter((e) => e.startOffset > start)];
    this.rewrite(
      () => {
        this.stmts.deleteBefore.run(this.topic, this.partition, start);
        this.stmts.deleteEpochsBefore.run(this.topic, this.partition, start + 1);
        this.txns.deleteBefore(start);
        if (inForce) this.stmts.insertEpoch.run(this.topic, this.partition, inForce.epoch, start);
        this.stmts.upsertPartition.run(this.topic, this.partition, start, this.highWatermark);
      },
      () => {
        this.epochs = epochs;
        this.logStartOffset = start;
      },
    );
    return true;
  }

  /**
   * A follower whose whole log lies before its leader's log start (it was away longer than the
   * leader's retention): drops everything and continues from `offset`, as Kafka's
   * truncateFullyAndStartAt. Atomic (see `rewrite`).
   */
  truncateFullyAndStartAt(offset: number): void {
    this.rewrite(
      () => {
        this.stmts.deleteFrom.run(this.topic, this.partition, 0);
        this.stmts.deleteEpochsFrom.run(this.topic, this.partition, 0);
        this.txns.deleteFrom(0);
        this.stmts.upsertPartition.run(this.topic, this.partition, offset, offset);
      },
      () => {
        this.truncations++;
        this.tail.clear();
        this.epochs = [];
        this.logStartOffset = offset;
        this.logEndOffset = offset;
        this.highWatermark = offset;
        this.rebuildProducerState();
      },
    );
  }

  /** Up to `limit` stored batches from `fromOffset` on, in offset order, as the log cleaner plans with them (no record bytes read). */
  batchInfos(fromOffset: number, limit: number): StoredBatchInfo[] {
    const rows = this.stmts.batchHeaders.all(this.topic, this.partition, fromOffset, limit) as { base_offset: number; last_offset: number; max_timestamp: number; size: number }[];
    return rows.map((r) => ({ baseOffset: r.base_offset, lastOffset: r.last_offset, maxTimestamp: r.max_timestamp, size: r.size }));
  }

  /** Bytes of the stored batches that begin before `offset` (summed by SQLite, no batch read). */
  bytesBefore(offset: number): number {
    return (this.stmts.bytesBefore.get(this.topic, this.partition, offset) as { size: number }).size;
  }

  /** Stored batches with their bytes from `fromOffset` on, in offset order (the cleaner reads them a chunk at a time). */
  batchesFrom(fromOffset: number): IterableIterator<{ base_offset: number; last_offset: number; bytes: Buffer }> {
    return this.stmts.batchesFrom.iterate(this.topic, this.partition, fromOffset) as IterableIterator<{ base_offset: number; last_offset: number; bytes: Buffer }>;
  }

  /**
   * The log cleaner's write: each batch is replaced by its rebuilt bytes (same base and last offset)
   * or, given null, removed, the aborted index forgets the `forgotten` transactions (their batches
   * are gone) and txn_boundaries those whose marker is in `removedMarkers`, all in one transaction, so a reader sees the batches before or after, never half.
   * Offsets, the log's start and end, epochs and producer state do not change.
   */
  replaceBatches(changes: readonly { baseOffset: number; bytes: Buffer | null }[], forgotten: readonly AbortedTxn[] = [], removedMarkers: readonly { producerId: number; offset: number }[] = []): void {
    this.tail.clear();
    this.store.transaction(() => {
      for (const txn of forgotten) this.txns.forgetAborted(txn);
      for (const c of changes) {
        if (c.bytes === null) this.stmts.deleteBatch.run(this.topic, this.partition, c.baseOffset);
        else {
          const h = readBatchHeader(c.bytes);
          this.stmts.updateBatch.run(c.bytes, h.recordCount, h.maxTimestamp, this.topic, this.partition, c.baseOffset);
        }
      }
      for (const m of removedMarkers) this.txns.forgetCleaned(m.producerId, m.offset);
    });
  }

  /**
   * Sets the high watermark (never past what is stored). It is checkpointed lazily, as Kafka does:
   * after a restart a lower one is only a delay for consumers, and followers never truncate by it.
   */
  setHighWatermark(offset: number): void {
    const hw = Math.min(offset, this.logEndOffset);
    if (hw === this.highWatermark) return;
    this.highWatermark = hw;
    this.producers.onHighWatermark(hw);
    this.store.markDirty(this);
  }

  checkpoint(): void {
    this.stmts.upsertPartition.run(this.topic, this.partition, this.logStartOffset, this.highWatermark);
  }
}
