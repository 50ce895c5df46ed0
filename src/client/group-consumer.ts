import { KafkaError } from '../common/errors.js';
import type { Assignor } from './assignors.js';
import { Consumer, type ConsumedRecord, type IsolationLevel } from './consumer.js';
import { GroupMembership } from './group-membership.js';
import { sleep, type KafkaClient } from './kafka-client.js';

export interface GroupConsumerOptions {
  topic: string;
  groupId: string;
  /** Where partitions without a committed offset start (Kafka's auto.offset.reset). */
  resetTo: 'earliest' | 'latest';
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Commit every this often from poll(); null commits only when the caller calls commit() (and on close). */
  autoCommitIntervalMs: number | null;
  assignors: readonly Assignor[];
  /** group.instance.id: a static member (see GroupMembershipOptions). */
  groupInstanceId?: string | null;
  /** Told every time the group hands this member its partitions. */
  onAssigned?: (partitions: number[], generationId: number) => void;
  /** Told when a position is no longer in the log and reading goes on at the earliest offset. */
  onOffsetReset?: (partition: number, from: number, to: number) => void;
  /** client.rack (see ConsumerOptions). */
  clientRack?: string;
  /** isolation.level (see ConsumerOptions); read_uncommitted by default. */
  isolation?: IsolationLevel;
  /**
   * The offsets are committed in transactions (a transactional producer's sendOffsetsToTransaction,
   * KIP-447), never by this consumer: no commit on rebalance or close (commit() is refused), and
   * committed offsets are read with require_stable, so a partition taken over waits for the
   * transaction that holds its offsets to end.
   */
  offsetsInTransactions?: boolean;
}

/** What a transactional producer sends with the offsets (KIP-447), so the coordinator refuses a member that is no longer in the group's generation. */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/**
 * A consumer in a group, like Kafka's KafkaConsumer with subscribe(): the group divides the topic's
 * partitions among its members, this one fetches its share from the committed offsets, and commits
 * what poll() has returned (and where a partition without a committed offset was reset to). Lifecycle: start() joins -> poll()... (a background heartbeat triggers
 * rebalances: commit, rejoin, resume from the committed offsets) -> close() commits and leaves.
 * Invariant: the committed offset of a partition never passes a record poll() has not returned.
 */
export class GroupConsumer {
  private readonly membership: GroupMembership;
  private fetcher: Consumer | null = null;
  /** The partitions the group gave this member at the last rebalance. */
  private assigned: number[] = [];
  /** Next offset per partition after the records poll() returned, or where it started (reset) if none: what a commit sends. */
  private readonly consumed = new Map<number, number>();
  private readonly committed = new Map<number, number>();
  /** Fetched records beyond a poll's maxRecords, handed out by the next poll. */
  private unreturned: ConsumedRecord[] = [];
  private lastCommitMs = Date.now();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private rebalancing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly opts: GroupConsumerOptions,
  ) {
    this.membership = new GroupMembership(client, {
      groupId: opts.groupId,
      topics: [opts.topic],
      sessionTimeoutMs: opts.sessionTimeoutMs,
      // How long the coordinator waits for members to rejoin. This member rejoins from its heartbeat
      // at once, so a short bound (Kafka's default max.poll.interval.ms is 5 min) only limits how
      // long a member dying mid-rebalance holds up the others.
      rebalanceTimeoutMs: Math.max(opts.sessionTimeoutMs, 10_000),
      assignors: opts.assignors,
      groupInstanceId: opts.groupInstanceId,
    });
  }

  async start(): Promise<void> {
    await this.rebalance('joining at start');
    this.scheduleHeartbeat();
  }

  /**
   * Waits up to `timeoutMs` for records of the assigned partitions (at most `maxRecords`: the rest
   * wait for the next poll, uncommitted); auto-commits what earlier polls returned when due.
   */
  async poll(timeoutMs: number, maxRecords = Infinity): Promise<ConsumedRecord[]> {
    if (this.failure) throw this.failure;
    if (this.rebalancing || !this.fetcher) {
      await Promise.race([this.rebalancing?.catch(() => undefined), sleep(timeoutMs)]);
      return [];
    }
    if (this.opts.autoCommitIntervalMs !== null && Date.now() - this.lastCommitMs >= this.opts.autoCommitIntervalMs) await this.commitConsumed();
    if (this.unreturned.length === 0) {
      const fetcher = this.fetcher;
      const fetched = await fetcher.poll(timeoutMs);
      // A rebalance or rewind during the wait closed that fetcher (which woke it): what it fetched is
      // of the old assignment, uncommitted, so whoever owns those partitions now reads it again.
      if (this.fetcher !== fetcher) return [];
      this.unreturned = fetched;
    }
    const records = this.unreturned.splice(0, maxRecords);
    for (const r of records) this.consumed.set(r.partition, r.offset + 1);
    this.consumeWhollyReturned();
    return records;
  }

  /**
   * A partition none of whose fetched records wait to be returned is consumed up to the fetcher's
   * position, which is past control batches (transaction markers) and aborted or compacted-away
   * offsets, as Kafka's consumer commits its positions: else a transactional topic's group keeps a
   * lag of one per marker and a restarted member re-fetches them.
   */
  private consumeWhollyReturned(): void {
    const fetcher = this.fetcher!;
    for (const p of this.assigned) {
      const position = fetcher.position(p);
      if (position !== undefined && fetcher.returnedUpTo(p, position) && !this.unreturned.some((r) => r.partition === p)) this.consumed.set(p, position);
    }
  }

  /**
   * Commits the position after every record poll() returned, where it moved since the last commit.
   * During a rebalance there is nothing left to do: the rebalance commits before it rejoins.
   */
  async commit(): Promise<void> {
    if (this.opts.offsetsInTransactions) throw new Error('this consumer\'s offsets are committed in transactions (sendOffsetsToTransaction)');
    await this.rebalancing?.catch(() => undefined);
    await this.commitConsumed();
  }

  private async commitConsumed(): Promise<void> {
    this.lastCommitMs = Date.now();
    if (this.opts.offsetsInTransactions) return;
    const changed = [...this.consumed.entries()].filter(([p, offset]) => this.committed.get(p) !== offset);
    if (changed.length === 0) return;
    await this.membership.commit(changed.map(([partition, offset]) => ({ topic: this.opts.topic, partition, offset })));
    for (const [p, offset] of changed) this.committed.set(p, offset);
  }

  /** The next offset per partition after the records poll() returned (what sendOffsetsToTransaction commits). */
  consumedOffsets(): Map<number, number> {
    return new Map(this.consumed);
  }

  /** The member's group metadata as of now: a transaction sends the one of the poll its records came from. */
  groupMetadata(): ConsumerGroupMetadata {
    return { groupId: this.opts.groupId, generationId: this.membership.generationId, memberId: this.membership.memberId, groupInstanceId: this.opts.groupInstanceId ?? null };
  }

  /**
   * Goes back to the committed offsets of the assigned partitions, dropping what was fetched or
   * returned since: after a transaction aborted, its input is read again.
   */
  async rewindToCommitted(): Promise<void> {
    await this.rebalancing?.catch(() => undefined);
    // Not awaited: the client stays open, so its sessions close meanwhile (awaiting would wait out a fetch in flight).
    void this.fetcher?.close();
    this.fetcher = null;
    // Held like a rebalance: poll() waits, and a rebalance due meanwhile starts after it.
    const rewind = this.fetchFromCommitted(this.assigned).finally(() => (this.rebalancing = null));
    this.rebalancing = rewind;
    await rewind;
  }

  /** Commits, then leaves the group so the others take over the partitions at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    await this.rebalancing?.catch(() => undefined);
    const fetcherClosed = this.fetcher?.close();
    try {
      await this.commitConsumed();
    } finally {
      await this.membership.leave('the consumer is closing');
      this.membership.close();
      await fetcherClosed;
    }
  }

  private scheduleHeartbeat(): void {
    if (this.closed) return;
    this.heartbeatTimer = setTimeout(async () => {
      try {
        const rejoin = await this.membership.heartbeat();
        if (rejoin !== null && !this.closed) {
          await this.rebalancing?.catch(() => undefined);
          this.rebalancing = this.rebalance(rejoin).finally(() => (this.rebalancing = null));
          await this.rebalancing;
        }
      } catch (err) {
        if (!(err instanceof KafkaError && err.retriable)) this.failure = err as Error;
      }
      this.scheduleHeartbeat();
    }, this.opts.heartbeatIntervalMs);
  }

  /** Hands the current partitions back (commit first, as Kafka does on revocation), rejoins, and fetches the new share. */
  private async rebalance(why: string): Promise<void> {
    void this.fetcher?.close(); // not awaited, as in rewindToCommitted
    this.fetcher = null;
    // The generation may already be gone (the member timed out): its commit is then refused, and the
    // next owner re-reads from the last accepted commit.
    await this.commitConsumed().catch(() => undefined);
    const assignment = await this.membership.join(why);
    const assigned = [...(assignment.get(this.opts.topic) ?? [])].sort((a, b) => a - b);
    await this.fetchFromCommitted(assigned);
    this.opts.onAssigned?.(assigned, this.membership.generationId);
  }

  /** Starts fetching `assigned` from the group's committed offsets (`resetTo` where there are none). */
  private async fetchFromCommitted(assigned: number[]): Promise<void> {
    this.assigned = assigned;
    this.unreturned = [];
    const committed = assigned.length > 0 ? await this.membership.committed(this.opts.topic, assigned, this.opts.offsetsInTransactions === true) : new Map<number, number>();
    this.consumed.clear();
    this.committed.clear();
    for (const [p, offset] of committed) this.committed.set(p, offset);
    const fetcher = new Consumer(this.client, { topic: this.opts.topic, partitions: assigned, start: this.opts.resetTo, startOffsets: committed, onOffsetReset: this.opts.onOffsetReset, clientRack: this.opts.clientRack, isolation: this.opts.isolation });
    await fetcher.start();
    // As Kafka's consumer commits allConsumed(): a partition reset to earliest or latest has a
    // position before any record is returned, and commits it, so the group shows its offset and lag.
    if (!this.opts.offsetsInTransactions) {
      for (const p of assigned) {
        const position = fetcher.position(p);
        if (!committed.has(p) && position !== undefined) this.consumed.set(p, position);
      }
    }
    this.fetcher = fetcher;
  }
}
