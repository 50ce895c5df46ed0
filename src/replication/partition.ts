import type { PartitionState } from '../common/cluster-types.js';
import { DEFAULT_COMPACTION, DEFAULT_TIMESTAMP_POLICY, NO_RETENTION, type CompactionConfig, type RetentionLimits, type TimestampPolicy } from '../common/topic-configs.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import type { PartitionLog } from '../storage/partition-log.js';

export interface FollowerProgress {
  /** The follower's log end offset, as its last fetch offset says. */
  logEndOffset: number;
  /** When the follower last held everything the leader had (Kafka's lastCaughtUpTimeMs). */
  lastCaughtUpMs: number;
  /** Leader's log end at the follower's previous fetch, and when that fetch came. */
  leaderEndAtLastFetch: number;
  lastFetchMs: number;
}

interface HighWatermarkWaiter {
  offset: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
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
 * - acks=all waiters complete when the high watermark covers their last offset (with an ISR of at
 *   least min.insync.replicas) and fail with NOT_LEADER_OR_FOLLOWER if leadership is lost first.
 */
export class Partition {
  private readonly followers = new Map<number, FollowerProgress>();
  private hwWaiters: HighWatermarkWaiter[] = [];
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

  /** Starts leading at the state's epoch: followers get a full lag window to show up. */
  becomeLeader(state: PartitionState, now: number): void {
    this.state = state;
    this.followers.clear();
    for (const r of state.replicas) {
      if (r !== this.brokerId) this.followers.set(r, { logEndOffset: -1, lastCaughtUpMs: now, leaderEndAtLastFetch: -1, lastFetchMs: now });
    }
    this.maybeAdvanceHighWatermark();
  }

  becomeFollower(state: PartitionState): void {
    this.state = state;
    this.leaderHighWatermark = -1;
    this.followers.clear();
    this.failWaiters(new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.topic}-${this.partition} is now led by broker ${state.leader}`));
  }

  /** New ISR or replicas from the coordinator at the same epoch. */
  updateState(state: PartitionState): void {
    this.state = state;
    this.isrChangeInFlight = false;
    if (this.isLeader) this.maybeAdvanceHighWatermark();
  }

  /** Leader side: what this leader knows of a follower from its fetches (undefined for a non-replica or on a follower). */
  followerProgress(replicaId: number): Readonly<FollowerProgress> | undefined {
    return this.followers.get(replicaId);
  }

  /** Leader side of a follower fetch. Returns an ISR to propose if the follower should join it. */
  recordFollowerFetch(replicaId: number, fetchOffset: number, now: number): number[] | null {
    const f = this.followers.get(replicaId);
    if (!f) return null;
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
      return r !== this.brokerId && f !== undefined && now - f.lastCaughtUpMs > replicaLagTimeMaxMs;
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
    const ready = this.hwWaiters.filter((w) => w.offset <= hw);
    this.hwWaiters = this.hwWaiters.filter((w) => w.offset > hw);
    const shortOfMinIsr = this.shortOfMinIsr();
    for (const w of ready) {
      clearTimeout(w.timer);
      if (shortOfMinIsr) w.reject(shortOfMinIsr);
      else w.resolve();
    }
    return true;
  }

  /**
   * Kafka's DelayedProduce rule: a write the high watermark covers only because the ISR shrank below
   * min.insync.replicas is not acknowledged (NOT_ENOUGH_REPLICAS_AFTER_APPEND): it sits on fewer
   * replicas than the producer asked for. The record stays in the log; an idempotent retry is safe.
   */
  private shortOfMinIsr(): KafkaError | null {
    if (this.state.isr.length >= this.minInsyncReplicas) return null;
    return new KafkaError(
      ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
      `${this.topic}-${this.partition}: ISR [${this.state.isr.join(',')}] fell below min.insync.replicas=${this.minInsyncReplicas} after the append`,
    );
  }

  /** An acks=all write (a produce, a transaction marker) is refused up front while the ISR is below min.insync.replicas, as in Kafka. */
  checkEnoughReplicas(): void {
    if (this.state.isr.length >= this.minInsyncReplicas) return;
    throw new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS, `ISR [${this.state.isr.join(',')}] is smaller than min.insync.replicas=${this.minInsyncReplicas}`);
  }

  /** Follower side: the leader's high watermark, bounded by what this replica holds. */
  updateFollowerHighWatermark(leaderHighWatermark: number): boolean {
    this.leaderHighWatermark = leaderHighWatermark;
    const hw = Math.min(leaderHighWatermark, this.log.logEndOffset);
    if (hw <= this.log.highWatermark) return false;
    this.log.setHighWatermark(hw);
    return true;
  }

  /** acks=all purgatory (Kafka's DelayedProduce): resolves once the high watermark reaches `offset`. */
  waitForHighWatermark(offset: number, timeoutMs: number): Promise<void> {
    if (this.log.highWatermark >= offset) {
      const shortOfMinIsr = this.shortOfMinIsr();
      return shortOfMinIsr ? Promise.reject(shortOfMinIsr) : Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: HighWatermarkWaiter = {
        offset,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.hwWaiters = this.hwWaiters.filter((w) => w !== waiter);
          reject(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `ISR of ${this.topic}-${this.partition} did not replicate offset ${offset - 1} in ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.hwWaiters.push(waiter);
    });
  }

  failWaiters(err: Error): void {
    for (const w of this.hwWaiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.hwWaiters = [];
  }

  /**
   * OffsetForLeaderEpoch (KIP-101/279), leader side: the largest epoch <= `epoch` this log has, and
   * the offset where it ends (the next epoch's start, or the log end for the latest epoch).
   */
  endOffsetForEpoch(epoch: number): { leaderEpoch: number; endOffset: number } {
    const epochs = this.log.epochs;
    let i = epochs.length - 1;
    while (i >= 0 && epochs[i]!.epoch > epoch) i--;
    if (i < 0) return { leaderEpoch: -1, endOffset: -1 };
    const next = epochs[i + 1];
    return { leaderEpoch: epochs[i]!.epoch, endOffset: next ? next.startOffset : this.log.logEndOffset };
  }
}
