import type { ClusterMetadata, PartitionState } from '../common/cluster-types.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { BatchView } from '../protocol/record-batch.js';
import type { LogStore } from '../storage/log-store.js';
import type { PartitionLog } from '../storage/partition-log.js';

/** A partition this broker holds a replica of, with the role the coordinator gave it. */
interface Replica {
  log: PartitionLog;
  state: PartitionState;
  topicId: string;
}

export interface ReadResult {
  batches: Buffer[];
  highWatermark: number;
  logStartOffset: number;
}

/**
 * Owns this broker's replicas: applies the coordinator's leadership decisions to the local logs,
 * appends as leader, serves reads below the high watermark, and wakes fetches waiting for data.
 * Without followers the ISR is the leader alone, so the high watermark follows the log end.
 */
export class ReplicaManager {
  private readonly replicas = new Map<string, Replica>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    readonly brokerId: number,
    private readonly store: LogStore,
    private readonly logger: Logger,
  ) {}

  /** Applies new metadata: opens replicas assigned here, drops those of deleted topics. */
  applyMetadata(m: ClusterMetadata): void {
    const assigned = new Set<string>();
    for (const t of m.topics) {
      for (const p of t.partitions) {
        if (!p.replicas.includes(this.brokerId)) continue;
        const k = key(t.name, p.partition);
        assigned.add(k);
        const existing = this.replicas.get(k);
        if (existing && existing.topicId !== t.id) this.drop(t.name, p.partition, 'topic was re-created');
        const replica = this.replicas.get(k) ?? { log: this.store.partition(t.name, p.partition), state: p, topicId: t.id };
        const becameLeader = p.leader === this.brokerId && (replica.state.leader !== this.brokerId || replica.state.leaderEpoch !== p.leaderEpoch || !existing);
        replica.state = p;
        this.replicas.set(k, replica);
        if (becameLeader) this.becomeLeader(replica);
      }
    }
    for (const [k, r] of this.replicas) {
      if (!assigned.has(k)) this.drop(r.log.topic, r.log.partition, 'no longer assigned here');
    }
  }

  private becomeLeader(r: Replica): void {
    // The ISR is the leader alone until followers replicate: everything stored is committed.
    if (r.state.isr.length === 1) r.log.setHighWatermark(r.log.logEndOffset);
    this.logger.info(`leading ${r.log.topic}-${r.log.partition} at epoch ${r.state.leaderEpoch} (log end ${r.log.logEndOffset})`);
    this.notify(key(r.log.topic, r.log.partition));
  }

  private drop(topic: string, partition: number, reason: string): void {
    this.store.deletePartition(topic, partition);
    this.replicas.delete(key(topic, partition));
    this.logger.info(`deleted local log of ${topic}-${partition} (${reason})`);
  }

  /** The replica if this broker leads it; otherwise the Kafka error a client should get. */
  leaderReplica(topic: string, partition: number, exists: boolean): Replica {
    const r = this.replicas.get(key(topic, partition));
    if (!r) {
      throw new KafkaError(exists ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    if (r.state.leader !== this.brokerId) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return r;
  }

  /**
   * Appends validated batches to several partitions in one SQLite transaction. If the write fails
   * (disk full, I/O error), nothing of the request is stored and in-memory log ends are restored.
   */
  appendAsLeader(writes: { replica: Replica; batches: BatchView[] }[]): number[] {
    const saved = writes.map((w) => ({ log: w.replica.log, leo: w.replica.log.logEndOffset, epochs: [...w.replica.log.epochs] }));
    let baseOffsets: number[];
    try {
      baseOffsets = this.store.transaction(() => writes.map((w) => w.replica.log.appendAsLeader(w.batches, w.replica.state.leaderEpoch).baseOffset));
    } catch (err) {
      for (const s of saved) {
        s.log.logEndOffset = s.leo;
        s.log.epochs = s.epochs;
      }
      this.logger.error(`append failed: ${(err as Error).message}`);
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message);
    }
    for (const w of writes) {
      if (w.replica.state.isr.length === 1) w.replica.log.setHighWatermark(w.replica.log.logEndOffset);
      this.notify(key(w.replica.log.topic, w.replica.log.partition));
    }
    return baseOffsets;
  }

  /** Consumer read: whole batches from `fetchOffset`, never past the high watermark. */
  read(r: Replica, fetchOffset: number, maxBytes: number): ReadResult {
    const log = r.log;
    if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
      throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${fetchOffset} is outside ${log.logStartOffset}..${log.logEndOffset}`);
    }
    return { batches: log.read(fetchOffset, log.highWatermark, maxBytes), highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
  }

  /** Resolves when any of the partitions gets new committed data, or after `timeoutMs`. */
  waitForData(partitions: { topic: string; partition: number }[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const keys = partitions.map((p) => key(p.topic, p.partition));
      const done = () => {
        clearTimeout(timer);
        for (const k of keys) this.waiters.get(k)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const k of keys) {
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(done);
      }
    });
  }

  private notify(k: string): void {
    const set = this.waiters.get(k);
    if (!set) return;
    this.waiters.delete(k);
    for (const w of set) w();
  }

  /** Wakes every waiting fetch (shutdown). */
  wakeAll(): void {
    for (const k of [...this.waiters.keys()]) this.notify(k);
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export type { Replica };
