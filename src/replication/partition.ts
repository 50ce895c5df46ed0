import type { PartitionState } from '../common/cluster-types.js';
import { DEFAULT_COMPACTION, DEFAULT_TIMESTAMP_POLICY, NO_RETENTION, type CompactionConfig, type RetentionLimits, type TimestampPolicy } from '../common/topic-configs.js';
import { ErrorCode, KafkaError, OffsetOutOfRangeError } from '../common/errors.js';
import type { BatchView } from '../protocol/record-batch.js';
import { readBatchHeader } from '../protocol/record-batch.js';
import type { AppendResult, PartitionLog } from '../storage/partition-log.js';
import type { AppendedPerBuffer } from '../storage/recent-batches.js';
import type { AbortedTxn } from '../storage/txn-index.js';
import { endQuietFor, settled, type FetchClock, type FollowerProgress, type QuietRead } from './follower-progress.js';

interface HighWatermarkWaiter {
  offset: number;
  /** Date.now() past which it fails with REQUEST_TIMED_OUT. */
  deadline: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** What a waiting Fetch waits for (Kafka's DelayedFetch): a follower's for an append, a consumer's for the high watermark to move. */
export type DataKind = 'append' | 'highWatermark';

/** A waiting fetch, told the index it registered a partition with when that partition gets data. */
export type FetchWaker = (index: number) => void;

/** What a read returns: whole stored batches and where the log stands. */
export interface ReadResult {
  batches: Buffer[];
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** For a read_committed read, the aborted transactions within the batches read; else empty. */
  abortedTransactions: AbortedTxn[];
}

/**
 * One replica of a partition on this broker, leader or follower (Kafka's `Partition`).
 *
 * Leader rules, enforced here:
 * - high watermark = min log end offset over the ISR (leader included); it never moves back;
 * - a follower is caught up at time T if its fetch offset reached what the leader had at its previous
 *   fetch (at T); one that has not been caught up for `replicaLagTimeMaxMs` is proposed out of the ISR;
 * - a follower whose fetch offset reaches the high watermark is proposed back into the ISR;
 * - ISR changes take effect only when the coordinator confirms them (the ISR used for the high
 *   watermark is the confirmed one, so a shrink never commits records early);
 * - min.insync.replicas (`belowMinIsr`): an acks=all append is refused while the ISR is smaller
 *   (NOT_ENOUGH_REPLICAS), and its waiter is not acknowledged if the ISR shrank below it by the
 *   time the high watermark covers it (NOT_ENOUGH_REPLICAS_AFTER_APPEND);
 * - acks=all waiters complete when the high watermark covers their last offset and fail with
 *   NOT_LEADER_OR_FOLLOWER if leadership is lost first, REQUEST_TIMED_OUT past their deadline (one
 *   timer per partition for all of them, armed at the earliest deadline and left armed when they
 *   complete, not one per request);
 * - waiting fetches (`onData`) wake when what they wait for happens here: a leader append committed
 *   (followers), the high watermark moved (consumers), or the replica's role changed (all).
 */
export class Partition {
  private readonly followers = new Map<number, FollowerProgress>();
  private hwWaiters: HighWatermarkWaiter[] = [];
  /** Waiting fetches, each with the index it gave this partition (one waker serves all of a fetch's partitions). */
  private readonly fetchWaiters: Record<DataKind, Map<FetchWaker, number>> = { append: new Map(), highWatermark: new Map() };
  /** The timer that expires hwWaiters, armed for `expiryAt` (Infinity: none armed). */
  private expiryTimer: NodeJS.Timeout | null = null;
  private expiryAt = Infinity;
  /** An ISR change sent to the coordinator and not yet confirmed (one at a time). */
  isrChangeInFlight = false;
  /** What retention keeps of this replica's log (the topic's configs over the broker's defaults). */
  retention: RetentionLimits = NO_RETENTION;
  /** How the broker's log cleaner compacts this replica's log (the topic's cleanup.policy, segment.* and compaction configs). */
  compaction: CompactionConfig = DEFAULT_COMPACTION;
  /** How this replica, as leader, treats produced timestamps (the topic's message.timestamp.* configs). */
  timestamps: TimestampPolicy = DEFAULT_TIMESTAMP_POLICY;
  /**
   * Follower side: the high watermark in the leader's latest fetch answer (-1 before any this epoch):
   * how far the leader says records are committed, including some this replica may not hold yet.
   */
  leaderHighWatermark = -1;
  /** Deleted here or its broker stopping: every read must see it (no read is left out as quiet). */
  private retired = false;

  constructor(
    readonly brokerId: number,
    readonly log: PartitionLog,
    public state: PartitionState,
    public topicId: string,
    public minInsyncReplicas: number,
  ) {}

  get isLeader(): boolean {
    return this.state.leader === this.brokerId;
  }

  get topic(): string {
    return this.log.topic;
  }

  get partition(): number {
    return this.log.partition;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  /**
   * Leader append (Kafka's Partition.appendRecordsToLeader): refused unless this replica leads, and
   * for acks=all while the ISR is below min.insync.replicas; otherwise the batches get offsets from
   * the log end at this leader's epoch. Call inside LogStore.transaction (a request's partitions
   * commit together), then `leaderAppendCommitted` once it committed.
   */
  appendRecordsToLeader(batches: readonly BatchView[], requiredAcks: number, appendedPerBuffer?: AppendedPerBuffer): AppendResult {
    if (!this.isLeader) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.topic}-${this.partition} is led by broker ${this.state.leader}`);
    if (requiredAcks === -1) {
      const short = this.belowMinIsr(ErrorCode.NOT_ENOUGH_REPLICAS);
      if (short) throw short;
    }
    // From here on a follower is caught up only once it fetches again (Kafka's lastCaughtUpTimeMs
    // rule), and reads it again: even if this append is rolled back, it was tried.
    for (const f of this.followers.values()) if (f.clock) settled(f, true);
    this.endQuiet(true);
    return this.log.appendAsLeader(batches, this.state.leaderEpoch, appendedPerBuffer);
  }

  /** After a leader append committed (Kafka's maybeIncrementLeaderHW): the high watermark may move (an ISR of the leader alone); true if it did. */
  leaderAppendCommitted(): boolean {
    this.wakeFetches('append');
    return this.maybeAdvanceHighWatermark();
  }

  /** Calls `wake(index)` once, at the next data of `kind` here, unless `offData` comes first. */
  onData(kind: DataKind, wake: FetchWaker, index = 0): void {
    this.fetchWaiters[kind].set(wake, index);
  }

  offData(kind: DataKind, wake: FetchWaker): void {
    this.fetchWaiters[kind].delete(wake);
  }

  private wakeFetches(kind: DataKind): void {
    const waiting = this.fetchWaiters[kind];
    if (waiting.size === 0) return;
    const woken = [...waiting];
    waiting.clear();
    for (const [wake, index] of woken) wake(index);
  }

  /** The replica is deleted or its broker stops: waiters fail with `err`, waiting fetches read again and see why. */
  retire(err: Error): void {
    this.retired = true;
    this.endQuiet(true);
    this.failWaiters(err);
    this.wakeAllFetches();
  }

  /** Answers every waiting fetch now (the role changed, the replica is deleted, the broker stops): each reads again and sees why. */
  wakeAllFetches(): void {
    this.wakeFetches('append');
    this.wakeFetches('highWatermark');
  }

  /**
   * Consumer read, on the leader or a follower (Kafka's Partition.fetchRecords): whole batches from
   * `fetchOffset`, never past this replica's high watermark (a follower's is the leader's, bounded
   * by what it holds, so it never serves a record the leader has not committed); read_committed,
   * never past its last stable offset, with the aborted transactions of the range read (Kafka's
   * Fetch v4+ isolation_level 1), which the reader drops. A follower knows both from the batches it
   * replicated.
   */
  readCommitted(fetchOffset: number, maxBytes: number, readCommitted: boolean): ReadResult {
    const log = this.log;
    // Between the high watermark and the log end is not an error (a new leader's high watermark may
    // briefly trail the old one's; a follower's trails its leader's): the consumer just gets nothing yet.
    if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
      // KIP-392: past a follower's log end but below what its leader has committed, the follower is
      // catching up: retriable, so the consumer neither resets its position nor leaves this replica.
      if (!this.isLeader && fetchOffset > log.logEndOffset && fetchOffset <= this.leaderHighWatermark) {
        throw new KafkaError(ErrorCode.OFFSET_NOT_AVAILABLE, `broker ${this.brokerId} holds ${this.topic}-${this.partition} up to ${log.logEndOffset}, catching up to ${this.leaderHighWatermark}`);
      }
      throw new OffsetOutOfRangeError(`offset ${fetchOffset} is outside ${log.logStartOffset}..${log.logEndOffset}`, log.logStartOffset, log.highWatermark);
    }
    const lastStableOffset = log.lastStableOffset;
    const batches = log.read(fetchOffset, readCommitted ? lastStableOffset : log.highWatermark, maxBytes);
    let abortedTransactions: AbortedTxn[] = [];
    if (readCommitted && batches.length > 0) {
      const last = readBatchHeader(batches[batches.length - 1]!);
      abortedTransactions = log.abortedTransactions(fetchOffset, last.baseOffset + last.lastOffsetDelta + 1);
    }
    return { batches, highWatermark: log.highWatermark, lastStableOffset, logStartOffset: log.logStartOffset, abortedTransactions };
  }

  /**
   * Leader side of a follower's fetch: records its progress (which may move the high watermark),
   * reads up to the log end. `expandIsr` is the ISR to propose if the follower should join it.
   * Given its session's clock, a read that finds the follower quiet returns a QuietRead, and the
   * follower's fetch times follow the clock until the next append.
   */
  readForFollower(replicaId: number, fetchOffset: number, maxBytes: number, now: number, clock: FetchClock | null = null): { read: ReadResult; expandIsr: number[] | null; quiet: QuietRead | null } {
    const log = this.log;
    if (fetchOffset > log.logEndOffset || fetchOffset < log.logStartOffset) {
      throw new OffsetOutOfRangeError(`follower offset ${fetchOffset} outside ${log.logStartOffset}..${log.logEndOffset}`, log.logStartOffset, log.highWatermark);
    }
    const expandIsr = this.recordFollowerFetch(replicaId, fetchOffset, now);
    const read = { batches: log.read(fetchOffset, log.logEndOffset, maxBytes), highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset, abortedTransactions: [] };
    const f = this.followers.get(replicaId);
    const quiet = clock !== null && f !== undefined && expandIsr === null && read.batches.length === 0 && fetchOffset === log.logEndOffset && this.state.isr.includes(replicaId);
    if (!quiet) return { read, expandIsr, quiet: null };
    f.clock = clock;
    return { read, expandIsr, quiet: { partition: this, replicaId, progress: f, clock, state: this.state, logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset } };
  }

  /**
   * A fetch session leaves out the partition a quiet read found, and `onEnd` is called once when
   * that must end: at the next append (or one tried), high watermark or log start move, new metadata
   * (ISR, epoch, leadership), another read of it for that follower, or the replica's deletion. If
   * any of these came between the read and this call, `onEnd` is called at once. `wakeFetch` says
   * whether a follower's waiting fetch would have been woken by it (an append, a new role, the
   * replica gone), as Kafka's are; the others are answered at its next fetch.
   */
  watchQuiet(q: QuietRead, onEnd: (wakeFetch: boolean) => void): void {
    const log = this.log;
    const holds = !this.retired && q.progress.clock === q.clock && q.state === this.state && this.followers.get(q.replicaId) === q.progress && q.logEndOffset === log.logEndOffset && q.highWatermark === log.highWatermark && q.logStartOffset === log.logStartOffset;
    if (!holds) return onEnd(true);
    endQuietFor(q.progress, false);
    q.progress.onQuietEnd = onEnd;
  }

  /** Tells every fetch session leaving this partition out that it must read it again (see watchQuiet). */
  private endQuiet(wakeFetch: boolean): void {
    for (const f of this.followers.values()) endQuietFor(f, wakeFetch);
  }

  /** The log start moved (retention, DeleteRecords, the leader's): followers must be told. */
  logStartMoved(): void {
    this.endQuiet(false);
  }

  /** Starts leading at the state's epoch: followers get a full lag window to show up. */
  becomeLeader(state: PartitionState, now: number): void {
    this.endQuiet(true);
    this.state = state;
    this.followers.clear();
    this.trackFollowers(state.replicas, now);
    this.maybeAdvanceHighWatermark();
    this.wakeAllFetches();
  }

  /** Leader side: a progress entry per replica of `replicas` but this one, new ones given a full lag window from `now`; others dropped. */
  private trackFollowers(replicas: readonly number[], now: number): void {
    for (const r of this.followers.keys()) if (!replicas.includes(r)) this.followers.delete(r);
    for (const r of replicas) {
      if (r !== this.brokerId && !this.followers.has(r)) this.followers.set(r, { logEndOffset: -1, lastCaughtUpMs: now, leaderEndAtLastFetch: -1, lastFetchMs: now, clock: null, onQuietEnd: null });
    }
  }

  becomeFollower(state: PartitionState): void {
    this.endQuiet(true);
    this.state = state;
    this.leaderHighWatermark = -1;
    this.followers.clear();
    this.failWaiters(new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.topic}-${this.partition} is now led by broker ${state.leader}`));
    this.wakeAllFetches();
  }

  /**
   * New metadata from the coordinator at the same epoch. Only a new ISR or replica set ends quiet
   * reads and wakes fetches: any topic's change brings every partition's state again, and ending
   * them all would make the next follower fetch read every partition.
   */
  updateState(state: PartitionState, now: number): void {
    const moved = !sameReplication(this.state, state);
    this.state = state;
    this.isrChangeInFlight = false;
    if (moved) this.endQuiet(false);
    if (!this.isLeader) return;
    if (moved) this.trackFollowers(state.replicas, now);
    // Also unmoved: min.insync.replicas may have changed, which decides the acks=all waiters.
    this.maybeAdvanceHighWatermark();
    // A new ISR may change which replica a rack-aware consumer should read from (KIP-392): answer it now.
    if (moved) this.wakeFetches('highWatermark');
  }

  /** Leader side: what this leader knows of a follower from its fetches (undefined for a non-replica or on a follower). */
  followerProgress(replicaId: number): Readonly<FollowerProgress> | undefined {
    const f = this.followers.get(replicaId);
    return f && settled(f, false);
  }

  /** Leader side of a follower fetch. Returns an ISR to propose if the follower should join it. */
  recordFollowerFetch(replicaId: number, fetchOffset: number, now: number): number[] | null {
    const f = this.followers.get(replicaId);
    if (!f) return null;
    settled(f, true);
    endQuietFor(f, false);
    const leaderEnd = this.log.logEndOffset;
    if (fetchOffset >= leaderEnd) f.lastCaughtUpMs = now;
    else if (fetchOffset >= f.leaderEndAtLastFetch && f.leaderEndAtLastFetch >= 0) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.logEndOffset = fetchOffset;
    f.leaderEndAtLastFetch = leaderEnd;
    f.lastFetchMs = now;
    this.maybeAdvanceHighWatermark();
    if (!this.state.isr.includes(replicaId) && fetchOffset >= this.log.highWatermark && fetchOffset >= this.currentEpochStart()) {
      return [...this.state.isr, replicaId];
    }
    return null;
  }

  /** ISR members that fell behind for longer than the lag limit; the ISR to propose without them, or null. */
  laggingIsr(now: number, replicaLagTimeMaxMs: number): number[] | null {
    if (!this.isLeader) return null;
    const lagging = this.state.isr.filter((r) => {
      const f = this.followers.get(r);
      return r !== this.brokerId && f !== undefined && now - settled(f, false).lastCaughtUpMs > replicaLagTimeMaxMs;
    });
    return lagging.length > 0 ? this.state.isr.filter((r) => !lagging.includes(r)) : null;
  }

  /**
   * Kafka's lagging high watermark after an election: this leader's epoch began past its high
   * watermark, which only rises once the followers fetch in this epoch, so the newest committed offset
   * is not known yet (ListOffsets answers OFFSET_NOT_AVAILABLE rather than a stale "latest").
   */
  get highWatermarkBehindEpochStart(): boolean {
    return this.isLeader && this.currentEpochStart() > this.log.highWatermark;
  }

  private currentEpochStart(): number {
    const e = this.log.epochs.find((x) => x.epoch === this.state.leaderEpoch);
    return e ? e.startOffset : this.log.logEndOffset;
  }

  /** Recomputes the high watermark from the ISR's log ends; wakes the acks=all waiters it satisfies. */
  maybeAdvanceHighWatermark(): boolean {
    if (!this.isLeader) return false;
    let hw = this.log.logEndOffset;
    for (const r of this.state.isr) {
      if (r === this.brokerId) continue;
      const f = this.followers.get(r);
      hw = Math.min(hw, f ? f.logEndOffset : -1);
    }
    if (hw <= this.log.highWatermark) return false;
    this.log.setHighWatermark(hw);
    this.endQuiet(false);
    this.wakeFetches('highWatermark');
    if (this.hwWaiters.length === 0 || this.hwWaiters[0]!.offset > hw) return true;
    const ready = this.hwWaiters.filter((w) => w.offset <= hw);
    this.hwWaiters = this.hwWaiters.filter((w) => w.offset > hw);
    // The expiry timer stays armed though no waiter may be left: the next write's waiter, whose
    // deadline comes later, needs no timer of its own (arming one per acks=all request cost more
    // than the rest of its wait); when it fires it expires what is due and re-arms for the rest.
    const shortOfMinIsr = this.belowMinIsr(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    for (const w of ready) {
      if (shortOfMinIsr) w.reject(shortOfMinIsr);
      else w.resolve();
    }
    return true;
  }

  /**
   * min.insync.replicas, the one place it is checked: the error if the ISR is smaller, else null.
   * Before an acks=all append (NOT_ENOUGH_REPLICAS: refused, nothing written) and when the high
   * watermark covers an acks=all write (Kafka's DelayedProduce rule, NOT_ENOUGH_REPLICAS_AFTER_APPEND:
   * covered only because the ISR shrank, it sits on fewer replicas than the producer asked for; the
   * record stays in the log, an idempotent retry is safe).
   */
  private belowMinIsr(code: typeof ErrorCode.NOT_ENOUGH_REPLICAS | typeof ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND): KafkaError | null {
    if (this.state.isr.length >= this.minInsyncReplicas) return null;
    const when = code === ErrorCode.NOT_ENOUGH_REPLICAS ? 'is smaller than' : 'fell below, after the append,';
    return new KafkaError(code, `${this.topic}-${this.partition}: ISR [${this.state.isr.join(',')}] ${when} min.insync.replicas=${this.minInsyncReplicas}`);
  }

  /** Follower side: the leader's high watermark, bounded by what this replica holds. */
  updateFollowerHighWatermark(leaderHighWatermark: number): boolean {
    this.leaderHighWatermark = leaderHighWatermark;
    const hw = Math.min(leaderHighWatermark, this.log.logEndOffset);
    if (hw <= this.log.highWatermark) return false;
    this.log.setHighWatermark(hw);
    this.wakeFetches('highWatermark');
    return true;
  }

  /** acks=all purgatory (Kafka's DelayedProduce): resolves once the high watermark reaches `offset`. */
  waitForHighWatermark(offset: number, timeoutMs: number): Promise<void> {
    if (this.log.highWatermark >= offset) {
      const shortOfMinIsr = this.belowMinIsr(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
      return shortOfMinIsr ? Promise.reject(shortOfMinIsr) : Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      // Appends come in offset order, so the list stays sorted by offset and is completed from the front.
      const at = this.hwWaiters.length > 0 && this.hwWaiters[this.hwWaiters.length - 1]!.offset > offset ? this.hwWaiters.findIndex((w) => w.offset > offset) : this.hwWaiters.length;
      this.hwWaiters.splice(at, 0, { offset, deadline, resolve, reject });
      if (deadline < this.expiryAt) this.armExpiry(deadline);
    });
  }

  private armExpiry(at: number): void {
    this.disarmExpiry();
    this.expiryAt = at;
    this.expiryTimer = setTimeout(() => this.expireWaiters(), Math.max(0, at - Date.now()));
    // It only fails waiters: it never keeps a process alive (a stopping broker fails them itself).
    this.expiryTimer.unref();
  }

  private disarmExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.expiryAt = Infinity;
  }

  /** Fails the waiters past their deadline; re-arms for the earliest left. */
  private expireWaiters(): void {
    this.expiryTimer = null;
    this.expiryAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    this.hwWaiters = this.hwWaiters.filter((w) => {
      if (w.deadline > now) {
        next = Math.min(next, w.deadline);
        return true;
      }
      w.reject(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `ISR of ${this.topic}-${this.partition} did not replicate offset ${w.offset - 1} in time`));
      return false;
    });
    if (next < Infinity) this.armExpiry(next);
  }

  failWaiters(err: Error): void {
    this.disarmExpiry();
    const waiters = this.hwWaiters;
    this.hwWaiters = [];
    for (const w of waiters) w.reject(err);
  }

  /**
   * OffsetForLeaderEpoch (KIP-101/279), leader side: the largest epoch <= `epoch` this log has, and
   * the offset where it ends (the next epoch's start, or the log end for the latest epoch). A leader
   * counts its own epoch as begun at its log end even before a batch is written in it, as Kafka's
   * leader assigns it in its epoch cache on election: a fetcher naming the current epoch (some
   * clients send it as their last fetched epoch) is then not told it diverges.
   */
  endOffsetForEpoch(epoch: number): { leaderEpoch: number; endOffset: number } {
    const written = this.log.epochs;
    const current = this.state.leaderEpoch;
    const epochs = this.isLeader && current > this.log.latestEpoch ? [...written, { epoch: current, startOffset: this.log.logEndOffset }] : written;
    let i = epochs.length - 1;
    while (i >= 0 && epochs[i]!.epoch > epoch) i--;
    if (i < 0) return { leaderEpoch: -1, endOffset: -1 };
    const next = epochs[i + 1];
    return { leaderEpoch: epochs[i]!.epoch, endOffset: next ? next.startOffset : this.log.logEndOffset };
  }

  /**
   * Fetch v12+ (truncation on fetch, KIP-595's diverging epoch), on the replica serving the fetch: a
   * fetcher whose log ends at `fetchOffset` in epoch `lastFetchedEpoch` holds a tail this log does not
   * when this log's largest epoch <= that one is older, or ends before `fetchOffset`. Then the fetcher
   * gets that epoch and its end instead of records, and truncates (Kafka's Partition.readRecords).
   * Null when the logs agree or the fetcher named no epoch. Out of range, as in Kafka, when the
   * fetch offset is before the log start or this log has no epoch that old.
   */
  divergingEpoch(lastFetchedEpoch: number, fetchOffset: number): { epoch: number; endOffset: number } | null {
    if (lastFetchedEpoch < 0) return null;
    const { leaderEpoch, endOffset } = this.endOffsetForEpoch(lastFetchedEpoch);
    const log = this.log;
    if (leaderEpoch < 0) throw new OffsetOutOfRangeError(`no epoch <= ${lastFetchedEpoch} in ${this.topic}-${this.partition}`, log.logStartOffset, log.highWatermark);
    if (fetchOffset < log.logStartOffset) throw new OffsetOutOfRangeError(`offset ${fetchOffset} is before log start ${log.logStartOffset}`, log.logStartOffset, log.highWatermark);
    return leaderEpoch < lastFetchedEpoch || endOffset < fetchOffset ? { epoch: leaderEpoch, endOffset } : null;
  }

  /**
   * Follower side of a truncation (Kafka's getOffsetTruncationState): the offset up to which this log
   * agrees with a leader whose largest epoch <= ours is `leaderEpoch`, ending at `endOffset` (its
   * OffsetForLeaderEpoch answer or a fetch's diverging epoch). Without epochs there is nothing to
   * check; a leader without any epoch that old shares nothing past our log start. When the leader's
   * epoch is older than ours, our copy of that epoch may end earlier (KIP-279): cut there too. The
   * next fetch checks the cut log again, so a divergence further back is found in later rounds.
   */
  agreedLogEnd(leader: { leaderEpoch: number; endOffset: number }): number {
    const log = this.log;
    if (log.latestEpoch < 0) return log.logEndOffset;
    if (leader.endOffset < 0) return log.logStartOffset;
    const ours = leader.leaderEpoch < log.latestEpoch ? this.endOffsetForEpoch(leader.leaderEpoch).endOffset : log.logEndOffset;
    return Math.min(log.logEndOffset, leader.endOffset, ours < 0 ? log.logStartOffset : ours);
  }
}

/** Whether two states of one epoch have the same ISR, replicas and reassignment. */
function sameReplication(a: PartitionState, b: PartitionState): boolean {
  const same = (x: readonly number[] = [], y: readonly number[] = []) => x.length === y.length && x.every((r, i) => r === y[i]);
  return same(a.isr, b.isr) && same(a.replicas, b.replicas) && same(a.addingReplicas, b.addingReplicas) && same(a.removingReplicas, b.removingReplicas);
}
