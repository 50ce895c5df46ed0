import { ErrorCode, KafkaError } from '../common/errors.js';
import { logCleanerBackoffMs, logCleanerChunkBytes, logCleanerDirtyBytesPerPass, logCleanerPlanBatchesPerStep } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import type { CompactionConfig } from '../common/topic-configs.js';
import { readBatchHeader } from '../protocol/record-batch.js';
import { isControl, isTransactional } from '../protocol/control-batch.js';
import { deleteHorizonOf, rebuildBatch, storedRecords } from '../protocol/retained-batch.js';
import { CleanedTransactions, cleanMarker } from './cleaned-txns.js';
import type { PartitionLog } from './partition-log.js';
import type { AbortedTxn } from './txn-index.js';

/**
 * Log compaction (Kafka's LogCleaner), one cleaner per broker over the logs it holds, leader or
 * follower alike (each replica cleans its own copy, as in Kafka).
 *
 * **Segments.** YaK stores batches as rows, not segment files. A segment is a run of consecutive
 * batch rows: walking a partition's batches in offset order, a batch starts a new segment when it
 * would take the current one past `segment.bytes` of stored bytes, or when its max timestamp is more
 * than `segment.ms` (or `max.compaction.lag.ms`, if smaller) after that of the segment's first batch,
 * as Kafka rolls a segment when an append would overflow it or comes after segment.ms. The last
 * segment is the active one and is never cleaned. Boundaries are not stored: they are cut from the
 * first dirty batch on (where the last pass stopped, itself a segment start), over batches no pass has
 * rewritten, so shrinking the clean part does not move them; after a restart, from the log start.
 *
 * **What may be cleaned** (the cleanable end, Kafka's firstUncleanableDirtyOffset): batches before
 * the active segment, below the last stable offset (the high watermark, or the first batch of a
 * transaction not yet decided there), and before the first segment holding a timestamp newer than
 * `min.compaction.lag.ms`. The **dirty** part runs from where
 * the last pass stopped (in memory: after a restart the whole log is dirty once) to the cleanable
 * end; a log is cleaned when dirty bytes / (clean + dirty bytes) exceeds `min.cleanable.dirty.ratio`,
 * when a dirty batch is older than `max.compaction.lag.ms`, or when the delete horizon of a kept
 * tombstone or marker passed.
 *
 * **A pass** maps each key of the dirty part (up to logCleanerDirtyBytesPerPass) to its last offset,
 * then rewrites every batch from the log start to where the map ends, keeping a record only if no
 * later record has its key (Kafka's shouldRetainRecord), dropping records without a key, and dropping
 * a tombstone once its batch's delete horizon passed: the first pass that keeps a tombstone stamps
 * the horizon, now + `delete.retention.ms`, in its batch (KIP-534). Rewritten batches keep their
 * offsets and get a fresh CRC; an emptied batch is removed, unless it is the last batch of a producer
 * this replica remembers, which stays as an empty batch so the producer's sequence and epoch survive a
 * rebuild (Kafka's RETAIN_EMPTY). Work is done logCleanerChunkBytes at a time, each rewrite one
 * transaction, with the event loop let go in between: produce is never held up for long, and a reader
 * sees each chunk before or after, never half (every intermediate state keeps the latest record of
 * every key). A pass gives up if the log was truncated or dropped meanwhile.
 *
 * **Transactions**: below the last stable offset every transaction is decided, committed unless the
 * aborted index has it. A committed transaction's records are compacted like any; an aborted one's
 * batches are removed, and markers go once no batch of their transaction is left and then
 * `delete.retention.ms` passed, the aborted index row going with the last batch (the rules and why,
 * in cleaned-txns.ts).
 */

/** One log the cleaner may clean, with its topic's settings. */
export interface CleanerLog {
  log: PartitionLog;
  config: CompactionConfig;
}

/** What the cleaner decided about one log at one moment. */
export interface CleaningPlan {
  /** Batches before this offset may be cleaned. */
  cleanableEnd: number;
  firstDirty: number;
  cleanBytes: number;
  dirtyBytes: number;
  dirtyRatio: number;
  /** Why the log needs cleaning now (for the log line), or null if it does not. */
  reason: string | null;
  /** Past max.compaction.lag.ms or a tombstone's delete horizon: cleaned before logs that are only dirty. */
  overdue: boolean;
}

/** What one pass did to a log. */
export interface CleaningResult {
  /** Offsets [from, to) were rewritten. */
  from: number;
  to: number;
  bytesBefore: number;
  bytesAfter: number;
  batchesRemoved: number;
  recordsRemoved: number;
}

/** The cleaner's memory of one log: where its dirty part starts, and the earliest delete horizon of a tombstone it kept. */
interface CleanerState {
  firstDirty: number;
  /** The log's truncation count when firstDirty was set: a truncated log is all dirty again. */
  truncations: number;
  nextDeleteHorizonMs: number | null;
  /** A pass failed on something that will not go away (a batch that does not decode): not tried again. */
  failed: boolean;
  /** Bytes of the batches before `end` when the last pass ended there with the log starting at `logStart`. */
  clean: { logStart: number; end: number; bytes: number } | null;
}

export interface LogCleanerOptions {
  /** The logs this broker holds, with their topics' settings (those without `compact` are skipped). */
  logs: () => Iterable<CleanerLog>;
  /** Whether the broker still holds this log (a pass gives up on one deleted under it). */
  holds: (log: PartitionLog) => boolean;
  logger: Logger;
  backoffMs?: number;
  chunkBytes?: number;
  dirtyBytesPerPass?: number;
  planBatchesPerStep?: number;
  now?: () => number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LogCleaner {
  private readonly states = new WeakMap<PartitionLog, CleanerState>();
  private running = false;
  private closed = false;
  private loop: Promise<void> | null = null;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private readonly backoffMs: number;
  private readonly chunkBytes: number;
  private readonly dirtyBytesPerPass: number;
  private readonly now: () => number;

  constructor(private readonly opts: LogCleanerOptions) {
    this.backoffMs = opts.backoffMs ?? logCleanerBackoffMs;
    this.chunkBytes = opts.chunkBytes ?? logCleanerChunkBytes;
    this.dirtyBytesPerPass = opts.dirtyBytesPerPass ?? logCleanerDirtyBytesPerPass;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.running = false;
    this.closed = true;
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.wake();
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const cleaned = await this.cleanFilthiest().catch((err: Error) => {
        this.opts.logger.error(`log cleaner: ${err.message}`);
        return false;
      });
      if (!cleaned && this.running) await new Promise<void>((wake) => (this.sleeping = { timer: setTimeout(wake, this.backoffMs), wake }));
      this.sleeping = null;
    }
  }

  /** Cleans the log that needs it most (overdue first, then by dirty ratio); false if none does or the pass gave up. */
  async cleanFilthiest(): Promise<boolean> {
    const now = this.now();
    let best: { entry: CleanerLog; plan: CleaningPlan } | null = null;
    for (const entry of this.opts.logs()) {
      if (!entry.config.compact || this.state(entry.log).failed) continue;
      const plan = await this.plan(entry, now);
      if (!plan?.reason) continue;
      if (!best || (plan.overdue && !best.plan.overdue) || (plan.overdue === best.plan.overdue && plan.dirtyRatio > best.plan.dirtyRatio)) best = { entry, plan };
    }
    if (!best) return false;
    return (await this.clean(best.entry, best.plan, now)) !== null;
  }

  private state(log: PartitionLog): CleanerState {
    let s = this.states.get(log);
    if (!s || s.truncations !== log.truncations) {
      s = { firstDirty: log.logStartOffset, truncations: log.truncations, nextDeleteHorizonMs: null, failed: s?.failed ?? false, clean: null };
      this.states.set(log, s);
    }
    return s;
  }

  /** Where the log may be cleaned up to, how dirty it is, and whether it needs cleaning now; null if the log was truncated or dropped while planning. */
  async plan({ log, config }: CleanerLog, now: number): Promise<CleaningPlan | null> {
    const state = this.state(log);
    const truncations = log.truncations;
    const firstDirty = Math.max(state.firstDirty, log.logStartOffset);
    const gone = () => this.closed || log.truncations !== truncations || !this.opts.holds(log);
    const dirty = await walkDirtyPart(log, config, now, firstDirty, { batchesPerStep: this.opts.planBatchesPerStep, gone });
    if (!dirty) return null;
    const { cleanableEnd, dirtyBytes, oldestDirty } = dirty;
    // The clean part's bytes: as the last pass left them, else summed by SQLite (retention moved the log start since).
    const cleanEnd = Math.min(firstDirty, cleanableEnd);
    const known = state.clean;
    const cleanBytes = known && known.logStart === log.logStartOffset && known.end === cleanEnd ? known.bytes : log.bytesBefore(cleanEnd);
    const dirtyRatio = dirtyBytes === 0 ? 0 : dirtyBytes / (cleanBytes + dirtyBytes);
    const plan = { cleanableEnd, firstDirty, cleanBytes, dirtyBytes, dirtyRatio };
    if (dirtyBytes > 0 && oldestDirty < now - config.maxCompactionLagMs) return { ...plan, overdue: true, reason: `a dirty batch is older than max.compaction.lag.ms ${config.maxCompactionLagMs}` };
    if (state.nextDeleteHorizonMs !== null && state.nextDeleteHorizonMs <= now && cleanableEnd > log.logStartOffset) return { ...plan, overdue: true, reason: `tombstones or markers past delete.retention.ms ${config.deleteRetentionMs}` };
    if (dirtyBytes > 0 && dirtyRatio > config.minCleanableDirtyRatio) return { ...plan, overdue: false, reason: `dirty ratio ${dirtyRatio.toFixed(2)} > min.cleanable.dirty.ratio ${config.minCleanableDirtyRatio}` };
    return { ...plan, overdue: false, reason: null };
  }

  /** One pass over a log (see the file comment); the result, or null if it gave up. */
  async clean({ log, config }: CleanerLog, plan: CleaningPlan, now: number): Promise<CleaningResult | null> {
    const state = this.state(log);
    const truncations = log.truncations;
    const gone = () => this.closed || log.truncations !== truncations || !this.opts.holds(log);
    const name = `${log.topic}-${log.partition}`;
    try {
      // 1. The key map: each key's last offset in the dirty part (data records, not those of aborted transactions).
      const latest = new Map<string, number>();
      const mapTxns = new CleanedTransactions();
      let mapEnd = plan.firstDirty;
      let mapped = 0;
      while (mapEnd < plan.cleanableEnd && mapped < this.dirtyBytesPerPass) {
        const rows = this.chunk(log, mapEnd, plan.cleanableEnd);
        if (rows.length === 0) break;
        mapTxns.addAborted(log.abortedTransactions(rows[0]!.base_offset, rows[rows.length - 1]!.last_offset + 1));
        for (const row of rows) {
          const h = readBatchHeader(row.bytes);
          const holdsKeys = !isControl(h) && !(isTransactional(h) && mapTxns.isAborted(h.producerId, h.baseOffset));
          if (holdsKeys) for (const r of storedRecords(row.bytes)) if (r.key) latest.set(r.key.toString('latin1'), r.offset);
          mapped += row.bytes.length;
          mapEnd = row.last_offset + 1;
        }
        await yieldToEventLoop();
        if (gone()) return null;
      }
      // 2. The rewrite, from the log start to where the map ends (never past the cleanable end: with no
      // dirty part, as for expired tombstones only, the map ends where the last pass did), a transaction per chunk.
      const end = Math.min(mapEnd, plan.cleanableEnd);
      const lastOfProducer = log.producers.lastBatchOffsets();
      const txns = new CleanedTransactions();
      const result: CleaningResult = { from: log.logStartOffset, to: end, bytesBefore: 0, bytesAfter: 0, batchesRemoved: 0, recordsRemoved: 0 };
      let nextHorizon: number | null = null;
      let cursor = 0;
      while (cursor < end) {
        const rows = this.chunk(log, cursor, end);
        if (rows.length === 0) break;
        txns.addAborted(log.abortedTransactions(rows[0]!.base_offset, rows[rows.length - 1]!.last_offset + 1));
        const changes: { baseOffset: number; bytes: Buffer | null }[] = [];
        const forgotten: AbortedTxn[] = [];
        const removedMarkers: { producerId: number; offset: number }[] = [];
        for (const row of rows) {
          const h = readBatchHeader(row.bytes);
          let cleaned: CleanedBatch;
          if (isControl(h)) {
            const verdict = txns.onMarker(h.producerId, h.baseOffset);
            if (verdict.forget) forgotten.push(verdict.forget);
            cleaned = cleanMarker(row.bytes, verdict.discardable, now, config.deleteRetentionMs);
            if (cleaned.bytes === null) removedMarkers.push({ producerId: h.producerId, offset: h.baseOffset });
          } else {
            const transactional = isTransactional(h);
            cleaned = cleanBatch(row.bytes, latest, now, config.deleteRetentionMs, lastOfProducer, transactional && txns.isAborted(h.producerId, h.baseOffset));
            if (transactional) txns.onDataBatch(h.producerId, cleaned.bytes !== null);
          }
          result.bytesBefore += row.bytes.length;
          result.bytesAfter += cleaned.bytes === 'unchanged' ? row.bytes.length : (cleaned.bytes?.length ?? 0);
          result.recordsRemoved += cleaned.recordsRemoved;
          if (cleaned.bytes === null) result.batchesRemoved++;
          if (cleaned.bytes !== 'unchanged') changes.push({ baseOffset: row.base_offset, bytes: cleaned.bytes });
          if (cleaned.deleteHorizonMs !== null) nextHorizon = Math.min(nextHorizon ?? Infinity, cleaned.deleteHorizonMs);
        }
        if (gone()) return null;
        if (changes.length > 0 || forgotten.length > 0) log.replaceBatches(changes, forgotten, removedMarkers);
        cursor = rows[rows.length - 1]!.last_offset + 1;
        await yieldToEventLoop();
      }
      state.firstDirty = mapEnd;
      state.nextDeleteHorizonMs = nextHorizon;
      state.clean = end === mapEnd ? { logStart: log.logStartOffset, end, bytes: result.bytesAfter } : null;
      this.opts.logger.info(
        `cleaned ${name} offsets ${result.from}-${result.to - 1}: ${result.bytesBefore} -> ${result.bytesAfter} bytes, ${result.recordsRemoved} record(s) and ${result.batchesRemoved} batch(es) removed (${plan.reason ?? 'asked'})`,
      );
      return result;
    } catch (err) {
      if (err instanceof KafkaError && err.code === ErrorCode.KAFKA_STORAGE_ERROR) {
        this.opts.logger.warn(`cleaning ${name} stopped, will retry: ${err.message}`);
      } else {
        state.failed = true;
        this.opts.logger.error(`cleaning ${name} failed, the log is left uncompacted until the broker restarts: ${(err as Error).message}`);
      }
      return null;
    }
  }

  /** Batches from `from` (whole rows, base offset before `end`), about chunkBytes of them and at least one; the statement is closed on return. */
  private chunk(log: PartitionLog, from: number, end: number): { base_offset: number; last_offset: number; bytes: Buffer }[] {
    const rows: { base_offset: number; last_offset: number; bytes: Buffer }[] = [];
    let bytes = 0;
    for (const row of log.batchesFrom(from)) {
      if (row.base_offset >= end || (rows.length > 0 && bytes + row.bytes.length > this.chunkBytes)) break;
      rows.push(row);
      bytes += row.bytes.length;
    }
    return rows;
  }
}

/** What a walk over a log's dirty part found: where cleaning must stop, and the dirty bytes before there. */
interface DirtyPart {
  cleanableEnd: number;
  dirtyBytes: number;
  /** The oldest max timestamp of a dirty batch before the cleanable end (Infinity if none has one). */
  oldestDirty: number;
}

/**
 * Finds the cleanable end of a log (see the file comment): the first batch that is in the active
 * segment, holds the last stable offset or more, or is in the first
 * segment holding a timestamp newer than min.compaction.lag.ms. Segments are cut from `firstDirty` on,
 * which was a segment's start (the active one's, when the last pass planned): the dirty part is as it
 * was written, so its boundaries do not move when the clean part before it shrinks. Walks batch
 * headers logCleanerPlanBatchesPerStep at a time, letting the event loop run in between; null if
 * `gone()` says the log changed under it.
 */
export async function walkDirtyPart(
  log: PartitionLog,
  config: CompactionConfig,
  now: number,
  firstDirty: number,
  opts: { batchesPerStep?: number; gone?: () => boolean } = {},
): Promise<DirtyPart | null> {
  const { batchesPerStep = logCleanerPlanBatchesPerStep, gone = () => false } = opts;
  // Each place the cleanable end may be, with the dirty bytes and oldest timestamp before it.
  type Bound = { offset: number; bytes: number; oldest: number };
  let bytes = 0;
  let oldest = Infinity;
  const bounds: Bound[] = [];
  let lastBatch: Bound | null = null;
  let segment: Bound | null = null;
  let segmentBytes = 0;
  let segmentFirstTimestamp = -1;
  let lagReached = false;
  // Read once: it only grows while the walk goes on, and the bound must not move past what was decided when it began.
  const stable = log.lastStableOffset;
  // From the first row when the whole log is dirty, as the row holding a mid-batch log start begins before it.
  let cursor = firstDirty > log.logStartOffset ? firstDirty : 0;
  walk: for (;;) {
    const rows = log.batchInfos(cursor, batchesPerStep);
    for (const b of rows) {
      const here: Bound = { offset: b.baseOffset, bytes, oldest };
      lastBatch = here;
      const dirty = b.lastOffset >= firstDirty;
      if (dirty) {
        // The clean part before firstDirty was cleaned before and is cleanable again; segments are cut in the dirty part.
        if (segment === null || segmentBytes + b.size > config.segmentBytes || (segmentFirstTimestamp >= 0 && b.maxTimestamp - segmentFirstTimestamp > config.segmentMs)) {
          if (lagReached) break walk; // the segment just closed holds a record too young to clean: it and all after stay dirty
          segment = here;
          segmentBytes = 0;
          segmentFirstTimestamp = -1;
        }
        segmentBytes += b.size;
        if (segmentFirstTimestamp < 0) segmentFirstTimestamp = b.maxTimestamp;
        // Only with a lag set, as in Kafka: a producer clock ahead of the broker's must not stop cleaning.
        if (config.minCompactionLagMs > 0 && b.maxTimestamp > now - config.minCompactionLagMs) lagReached = true;
      }
      if (b.lastOffset >= stable) {
        bounds.push(here);
        break walk;
      }
      if (dirty) {
        bytes += b.size;
        if (b.maxTimestamp >= 0) oldest = Math.min(oldest, b.maxTimestamp);
      }
    }
    if (rows.length < batchesPerStep) break;
    cursor = rows[rows.length - 1]!.lastOffset + 1;
    await yieldToEventLoop();
    if (gone()) return null;
  }
  // The segment the walk stopped in (the active one, the one too young, or the one holding the last
  // stable offset) and the last batch (the log end is read from it when the file is opened) are never cleaned.
  if (segment) bounds.push(segment);
  if (lastBatch) bounds.push(lastBatch);
  const end = bounds.reduce<Bound>((a, b) => (b.offset < a.offset ? b : a), { offset: log.logEndOffset, bytes, oldest });
  if (end.offset < log.logStartOffset) return { cleanableEnd: log.logStartOffset, dirtyBytes: 0, oldestDirty: Infinity };
  return { cleanableEnd: end.offset, dirtyBytes: end.bytes, oldestDirty: end.oldest };
}

/** A batch as a pass leaves it: 'unchanged', its rebuilt bytes, or null (removed); the delete horizon of what it keeps that has one. */
export interface CleanedBatch {
  bytes: Buffer | null | 'unchanged';
  recordsRemoved: number;
  deleteHorizonMs: number | null;
}

/**
 * One data batch as a pass leaves it. `latest` maps each dirty key (latin1 of its bytes) to its last
 * offset; `lastOfProducer` each remembered producer to the last offset of its latest batch; an
 * `aborted` batch (of an aborted transaction) keeps none of its records. Returns the delete horizon
 * of the tombstones it keeps.
 */
export function cleanBatch(
  bytes: Buffer,
  latest: ReadonlyMap<string, number>,
  now: number,
  deleteRetentionMs: number,
  lastOfProducer: ReadonlyMap<number, number>,
  aborted = false,
): CleanedBatch {
  const h = readBatchHeader(bytes);
  const records = storedRecords(bytes);
  const horizon = deleteHorizonOf(h);
  const tombstonesExpired = horizon !== null && horizon <= now;
  const keep = aborted ? [] : records.filter((r) => r.key !== null && r.offset >= (latest.get(r.key.toString('latin1')) ?? -1) && !(r.tombstone && tombstonesExpired));
  const recordsRemoved = records.length - keep.length;
  const keepsTombstone = keep.some((r) => r.tombstone);
  const newHorizon = keepsTombstone && horizon === null ? now + deleteRetentionMs : null;
  const deleteHorizonMs = keepsTombstone ? (newHorizon ?? horizon) : null;
  if (keep.length === 0) {
    const carriesProducerState = h.producerId >= 0 && lastOfProducer.get(h.producerId) === h.baseOffset + h.lastOffsetDelta;
    if (!carriesProducerState) return { bytes: null, recordsRemoved, deleteHorizonMs: null };
    return { bytes: records.length === 0 ? 'unchanged' : rebuildBatch(bytes, [], null), recordsRemoved, deleteHorizonMs: null };
  }
  if (recordsRemoved === 0 && newHorizon === null) return { bytes: 'unchanged', recordsRemoved: 0, deleteHorizonMs };
  return { bytes: rebuildBatch(bytes, keep, newHorizon), recordsRemoved, deleteHorizonMs };
}
