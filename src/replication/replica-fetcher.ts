import { ErrorCode, KafkaError } from '../common/errors.js';
import { storageFaultRetryMs } from '../common/limits.js';
import { describeBrokerEvent, type BrokerEvent } from '../common/cluster-events.js';
import type { Logger } from '../common/logger.js';
import { pushToList } from '../common/list-map.js';
import { Connection, type ConnectionSecurity } from '../net/connection.js';
import { FetchApi, type FetchPartition } from '../protocol/apis/fetch.js';
import { OffsetForLeaderEpochApi } from '../protocol/apis/offset-for-leader-epoch.js';
import { FetchSessionHandler, type WantedPartitions } from '../protocol/fetch-session-handler.js';
import { splitReplicatedBatches, type BatchView } from '../protocol/record-batch.js';
import type { Partition } from './partition.js';

/** v12+: the leader checks our last fetched epoch and answers a diverging epoch (KIP-595). */
const FETCH_VERSION = 12;
const EPOCH_VERSION = 3;
const RETRY_MS = 100;

export interface ReplicaFetcherOptions {
  brokerId: number;
  leaderId: number;
  leaderAddress: () => { host: string; port: number } | undefined;
  maxWaitMs: number;
  partitionMaxBytes: number;
  /** Appends a follower's fetched batches in one transaction (ReplicaManager owns the store). */
  append: (writes: { partition: Partition; batches: BatchView[] }[]) => void;
  /** Empties a replica's log and continues it at `offset` (its whole log lies before the leader's log start). */
  restartAt: (p: Partition, offset: number) => void;
  /** The leader's log start moved past ours (DeleteRecords, or its retention ran first): follow it. */
  onLeaderLogStart: (p: Partition, offset: number) => void;
  /** Told of what this fetcher did to the log that the cluster's event log shows (a truncation). */
  onEvent?: (e: BrokerEvent) => void;
  /** TLS and SASL towards the leader (the cluster's own principal), when the listeners require them. */
  security?: ConnectionSecurity;
  logger: Logger;
}

/** The partitions one fetch wants by topic, their entries in the same order, and whether the list changed since the last fetch. */
interface FetchPlan {
  wanted: WantedPartitions;
  entries: Entry[][];
  changed: boolean;
}

/** A partition this fetcher follows. */
interface Entry {
  partition: Partition;
  needsTruncation: boolean;
  /** Its fields in the last fetch built (see fetchFields). */
  fetch: FetchPartition | null;
}

/**
 * Pulls the partitions this broker follows from one leader (Kafka's ReplicaFetcherThread): fetches
 * from each log end with its leader epoch (KIP-320) and the epoch of its last batch, in a loop. A
 * log with a tail the leader does not have is answered a diverging epoch instead of records and
 * truncated to where it agrees with the leader (truncation on fetch, KIP-595), then fetched again, so
 * a newly followed partition needs no round trip first. A fetch offset the leader calls out of range
 * (past its log end, or an epoch older than any it has) falls back to OffsetForLeaderEpoch
 * (KIP-101/279) before fetching again.
 * A partition the leader refuses (fenced epoch, not leader yet) is retried after a short backoff; the
 * ReplicaManager removes it when metadata names another leader.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<string, Entry>();
  private conn: Connection | null = null;
  private running = true;
  private loop: Promise<void>;
  private wake: (() => void) | null = null;
  /** While a fetch is in flight: gives it up (see `add`). */
  private abandonFetch: (() => void) | null = null;
  /** Our fetch session at the leader (KIP-227): an idle follower's fetch names no partitions. */
  private readonly session = new FetchSessionHandler();
  /** What the next fetches ask for, until a partition is added, removed, or flagged for truncation (then null). */
  private plan: FetchPlan | null = null;

  constructor(private readonly opts: ReplicaFetcherOptions) {
    this.loop = this.run();
  }

  get size(): number {
    return this.partitions.size;
  }

  /**
   * Starts fetching `p`. A fetch in flight does not name it and may wait at the leader up to
   * maxWaitMs for data of the others: it is given up (with its connection, as answers come in order)
   * and a fetch naming `p` goes at once, so a new topic's first acks=all write, which waits for this
   * replica, is not held up for replica.fetch.wait.max.ms. Partitions are added rarely (topics
   * created, leaders moved), so the reconnect is cheap.
   */
  add(p: Partition): void {
    this.partitions.set(key(p), { partition: p, needsTruncation: false, fetch: null });
    this.plan = null;
    this.wake?.();
    this.abandonFetch?.();
  }

  remove(p: Partition): void {
    this.partitions.delete(key(p));
    this.plan = null;
  }

  has(p: Partition): boolean {
    return this.partitions.has(key(p));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.conn?.close();
    await this.loop;
  }

  private async connection(): Promise<Connection> {
    if (this.conn && !this.conn.closed) return this.conn;
    const addr = this.opts.leaderAddress();
    if (!addr) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `no address for broker ${this.opts.leaderId}`);
    this.conn = await Connection.connect(addr.host, addr.port, { clientId: `replica-fetcher-${this.opts.brokerId}`, connectTimeoutMs: 2000, security: this.opts.security });
    return this.conn;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.partitions.size === 0) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      try {
        const conn = await this.connection();
        const refused = (await this.truncate(conn)) + (await this.fetchOnce(conn));
        if (refused > 0) await new Promise((r) => setTimeout(r, RETRY_MS));
      } catch (err) {
        if (!this.running) return;
        this.session.handleError();
        if (!(err instanceof KafkaError)) this.opts.logger.warn(`replica fetcher from broker ${this.opts.leaderId}: ${(err as Error).message}`);
        // Our own log.db refused the write (the store logged it): fetching the same bytes again at once would not help.
        const storageFault = err instanceof KafkaError && err.code === ErrorCode.KAFKA_STORAGE_ERROR;
        await new Promise((r) => setTimeout(r, storageFault ? storageFaultRetryMs : RETRY_MS));
      }
    }
  }

  /** Truncates every partition flagged for it to the offset where it agrees with the leader; returns how many the leader refused. */
  private async truncate(conn: Connection): Promise<number> {
    const pending = [...this.partitions.values()].filter((e) => e.needsTruncation);
    if (pending.length === 0) return 0;
    let refused = 0;
    const byTopic = new Map<string, typeof pending>();
    for (const e of pending) pushToList(byTopic, e.partition.topic, e);
    const res = await conn.request(OffsetForLeaderEpochApi, EPOCH_VERSION, {
      replicaId: this.opts.brokerId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((e) => ({ partition: e.partition.partition, currentLeaderEpoch: e.partition.state.leaderEpoch, leaderEpoch: e.partition.log.latestEpoch })),
      })),
    });
    for (const t of res.topics) {
      for (const r of t.partitions) {
        const entry = this.partitions.get(`${t.topic}\u0000${r.partition}`);
        if (!entry) continue;
        if (r.errorCode !== ErrorCode.NONE) {
          refused++;
          continue;
        }
        this.truncateTo(entry.partition, { leaderEpoch: r.leaderEpoch ?? -1, endOffset: r.endOffset }, 'OffsetForLeaderEpoch');
        entry.needsTruncation = false;
        this.plan = null;
      }
    }
    return refused;
  }

  /** One fetch round for every partition ready to fetch; returns how many the leader refused. */
  private async fetchOnce(conn: Connection): Promise<number> {
    const plan = (this.plan ??= this.planFetch());
    if (plan.entries.length === 0) return 0;
    let refused = 0;
    // Only what moved since the last request is looked at again by the session (an idle partition costs a few comparisons here).
    const moved: WantedPartitions = [];
    plan.wanted.forEach((t, i) => {
      let movedHere: FetchPartition[] | null = null;
      plan.entries[i]!.forEach((e, j) => {
        const f = this.fetchFields(e);
        if (f === t.partitions[j]) return;
        t.partitions[j] = f;
        if (!movedHere) moved.push({ topic: t.topic, partitions: (movedHere = []) });
        movedHere.push(f);
      });
    });
    const sessionFields = plan.changed || this.session.needsFullFetch ? this.session.build(plan.wanted) : this.session.build(moved, true);
    plan.changed = false;
    const request = conn.request(
      FetchApi,
      FETCH_VERSION,
      { replicaId: this.opts.brokerId, maxWaitMs: this.opts.maxWaitMs, minBytes: 1, maxBytes: 16 * 1024 * 1024, isolationLevel: 0, ...sessionFields, rackId: '' },
      { timeoutMs: this.opts.maxWaitMs + 10_000 },
    );
    const abandoned = new Promise<null>((resolve) => (this.abandonFetch = () => resolve(null)));
    const res = await Promise.race([request, abandoned]).finally(() => (this.abandonFetch = null));
    if (res === null) {
      request.catch(() => undefined);
      conn.close();
      // The next fetch, on a new connection, is a full one in a new session.
      this.session.handleError();
      return 0;
    }
    this.session.handleResponse(res);
    // A session error (the leader restarted, or evicted our session) answers no partitions: the next
    // fetch, at once, is a full one, which no session error can refuse. Any other error: after a backoff.
    const errorCode = res.errorCode ?? ErrorCode.NONE;
    if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || errorCode === ErrorCode.INVALID_FETCH_SESSION_EPOCH) return 0;
    if (errorCode !== ErrorCode.NONE) return 1;
    const writes: { partition: Partition; batches: BatchView[] }[] = [];
    const hws: { partition: Partition; hw: number; logStart: number }[] = [];
    for (const t of res.responses) {
      for (const r of t.partitions) {
        const entry = this.partitions.get(`${t.topic}\u0000${r.partitionIndex}`);
        if (!entry) continue;
        if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          const log = entry.partition.log;
          const leaderStart = r.logStartOffset ?? -1;
          if (leaderStart > log.logEndOffset) {
            // Retention on the leader deleted everything past our end: nothing to reconcile, start over there.
            this.opts.logger.info(`${t.topic}-${r.partitionIndex}: log end ${log.logEndOffset} is before leader broker-${this.opts.leaderId}'s log start ${leaderStart}; restarting the replica there`);
            this.opts.restartAt(entry.partition, leaderStart);
          } else {
            entry.needsTruncation = true;
            this.plan = null;
          }
          continue;
        }
        if (r.errorCode !== ErrorCode.NONE) {
          refused++;
          continue;
        }
        if (r.divergingEpoch && r.divergingEpoch.epoch >= 0) {
          this.truncateTo(entry.partition, { leaderEpoch: r.divergingEpoch.epoch, endOffset: r.divergingEpoch.endOffset }, 'diverging epoch');
          continue;
        }
        if (r.records && r.records.length > 0) {
          // A fetch may end in a partial batch (maxBytes): keep only whole ones, their CRCs checked (as Kafka's followers do).
          const batches = splitReplicatedBatches(wholeBatches(r.records));
          if (batches.length > 0) writes.push({ partition: entry.partition, batches });
        }
        hws.push({ partition: entry.partition, hw: r.highWatermark, logStart: r.logStartOffset ?? -1 });
      }
    }
    if (writes.length > 0) this.opts.append(writes);
    for (const { partition, hw, logStart } of hws) {
      partition.updateFollowerHighWatermark(hw);
      if (logStart > partition.log.logStartOffset && partition.log.highWatermark > partition.log.logStartOffset) this.opts.onLeaderLogStart(partition, logStart);
    }
    return refused;
  }

  /** The partitions ready to fetch (none flagged for truncation), by topic. */
  private planFetch(): FetchPlan {
    const byTopic = new Map<string, Entry[]>();
    for (const e of this.partitions.values()) if (!e.needsTruncation) pushToList(byTopic, e.partition.topic, e);
    const entries = [...byTopic.values()];
    return { wanted: [...byTopic].map(([topic, list]) => ({ topic, partitions: list.map((e) => this.fetchFields(e)) })), entries, changed: true };
  }

  /**
   * Where an entry fetches from: the last request's object while nothing in it moved, so the session
   * handler finds an idle partition unchanged without comparing it field by field.
   */
  private fetchFields(e: Entry): FetchPartition {
    const log = e.partition.log;
    const f = e.fetch;
    if (f && f.fetchOffset === log.logEndOffset && f.currentLeaderEpoch === e.partition.state.leaderEpoch && f.lastFetchedEpoch === log.latestEpoch && f.logStartOffset === log.logStartOffset) return f;
    return (e.fetch = {
      partition: e.partition.partition,
      currentLeaderEpoch: e.partition.state.leaderEpoch,
      fetchOffset: log.logEndOffset,
      lastFetchedEpoch: log.latestEpoch,
      logStartOffset: log.logStartOffset,
      partitionMaxBytes: this.opts.partitionMaxBytes,
    });
  }

  /** Cuts a follower's log where it agrees with the leader's answer (`how` it was learnt: for the log line). */
  private truncateTo(p: Partition, leader: { leaderEpoch: number; endOffset: number }, how: string): void {
    const target = p.agreedLogEnd(leader);
    if (target >= p.log.logEndOffset) return;
    const truncated: BrokerEvent = {
      type: 'log-truncated',
      brokerId: this.opts.brokerId,
      topic: p.topic,
      partition: p.partition,
      from: p.log.logEndOffset,
      to: target,
      leaderId: this.opts.leaderId,
      reason: `${how}: epoch ${leader.leaderEpoch} ends at ${leader.endOffset}`,
    };
    this.opts.logger.info(describeBrokerEvent(truncated));
    p.log.truncateTo(target);
    this.opts.onEvent?.(truncated);
  }
}

function key(p: Partition): string {
  return `${p.topic}\u0000${p.partition}`;
}

/** The prefix of `records` made of complete batches. */
function wholeBatches(records: Buffer): Buffer {
  let at = 0;
  while (records.length - at >= 12) {
    const size = 12 + records.readInt32BE(at + 8);
    if (at + size > records.length) break;
    at += size;
  }
  return records.subarray(0, at);
}
