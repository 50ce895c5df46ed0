import type { PartitionState } from '../common/cluster-types.js';
import type { Partition } from './partition.js';

/*
 * What a leader knows of each follower of a partition, and how a follower's fetch session may leave
 * its caught-up partitions out of its reads (quiet reads) without changing the ISR rule: Partition
 * (partition.ts) owns the rules, these are its records.
 */

export interface FollowerProgress {
  /** The follower's log end offset, as its last fetch offset says. */
  logEndOffset: number;
  /** When the follower last held everything the leader had (Kafka's lastCaughtUpTimeMs). */
  lastCaughtUpMs: number;
  /** Leader's log end at the follower's previous fetch, and when that fetch came. */
  leaderEndAtLastFetch: number;
  lastFetchMs: number;
  /**
   * Set while the follower's fetch session leaves this partition out (a quiet read, see QuietRead):
   * it was caught up at its last read here and nothing was appended since, so it was caught up at
   * each of the clock's ticks too. The times above are brought up to the clock when read (`settled`),
   * and for good at the next append, after which the follower must fetch again to count as caught up.
   */
  clock: FetchClock | null;
  /** Set while a fetch session leaves this partition out for this follower: told (once) when that must end (`endQuiet`). */
  onQuietEnd: ((wakeFetch: boolean) => void) | null;
}

/** A follower's fetch session's clock: when it last fetched (leaving its quiet partitions out). */
export interface FetchClock {
  lastFetchMs: number;
}

/**
 * What a follower's read saw when it found the follower in the ISR, caught up, with nothing to send
 * and nothing to propose. Until the partition's state moves, reading it again for that follower
 * would answer the same and record nothing new (its fetch times come from its session's clock), so
 * its fetch session leaves it out (`watchQuiet`) and is told when that ends: a follower's session
 * holds every partition it follows from this leader, and reading the idle ones on every fetch made
 * a 1000-partition topic slow every other.
 */
export interface QuietRead {
  partition: Partition;
  replicaId: number;
  /** The follower's progress here and the clock it was left following (an append detaches it, even one rolled back). */
  progress: FollowerProgress;
  clock: FetchClock;
  state: PartitionState;
  logEndOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/** A follower's progress with its session clock's ticks counted in (see FollowerProgress.clock); `detach` ends that. */
export function settled(f: FollowerProgress, detach: boolean): FollowerProgress {
  if (f.clock === null) return f;
  f.lastFetchMs = Math.max(f.lastFetchMs, f.clock.lastFetchMs);
  f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.clock.lastFetchMs);
  if (detach) f.clock = null;
  return f;
}

/** Tells the fetch session leaving the partition out for this follower (if one is) that it must read it again. */
export function endQuietFor(f: FollowerProgress, wakeFetch: boolean): void {
  const onEnd = f.onQuietEnd;
  if (onEnd === null) return;
  f.onQuietEnd = null;
  onEnd(wakeFetch);
}
