import { ErrorCode, KafkaError } from '../common/errors.js';
import { fetchSessionCloseTimeoutMs } from '../common/limits.js';
import { FetchApi } from '../protocol/apis/fetch.js';
import { ListOffsetsApi } from '../protocol/apis/list-offsets.js';
import { isControl, isTransactional } from '../protocol/control-batch.js';
import { visitRecordBatches } from '../protocol/record-batch.js';
import { FetchSessionHandler } from '../protocol/fetch-session-handler.js';
import { ClientVersions, sleep, type KafkaClient } from './kafka-client.js';

export type StartPosition = 'earliest' | 'latest' | { offset: number };

/**
 * Kafka's isolation.level: read_uncommitted reads up to the high watermark, records of open and
 * aborted transactions included; read_committed reads up to the last stable offset and drops
 * aborted transactions' records. Control batches (transaction markers) are never records, in either.
 */
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumerOptions {
  topic: string;
  /** Partitions to read; all of the topic's when omitted. */
  partitions?: number[];
  start: StartPosition;
  /** Where to start partitions whose position is known (a group's committed offsets); `start` for the others. */
  startOffsets?: ReadonlyMap<number, number>;
  maxWaitMs?: number;
  fetchMaxBytes?: number;
  partitionMaxBytes?: number;
  /** Records buffered ahead of the reader before fetching pauses. */
  maxBufferedRecords?: number;
  /** Told when a position is no longer in the log (retention, DeleteRecords) and reading goes on at the earliest offset. */
  onOffsetReset?: (partition: number, from: number, to: number) => void;
  /** client.rack: sent with every fetch, so a rack-aware leader may name a replica in this rack to read from (KIP-392). */
  clientRack?: string;
  /** read_uncommitted by default, as Kafka's consumer. */
  isolation?: IsolationLevel;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** Key, value and header values are views of the fetched bytes (no copy): `Buffer.from` one to keep it without them. */
  key: Buffer | null;
  value: Buffer | null;
  /** Read-only: records without headers share one frozen empty array (as Kafka's share EMPTY_HEADERS). */
  headers: readonly { key: string; value: Buffer | null }[];
}

const LATEST = -1;
const EARLIEST = -2;

/**
 * A simple (group-less) consumer, like kafka-console-consumer with --partition/--offset: one fetch
 * loop per partition leader, records handed out in offset order per partition. On a leader change or
 * a dead broker it refreshes metadata and resumes from the next offset, so nothing is skipped or
 * repeated. OFFSET_OUT_OF_RANGE resets to the earliest offset (auto.offset.reset=earliest).
 * A partition whose leader names a preferred read replica (KIP-392, with `clientRack`) is fetched
 * from that replica until it answers an error or fails; then from the leader again, which may name it
 * anew (an out-of-range offset on a follower is not reset: the leader decides). Each broker is
 * fetched from in a fetch session (KIP-227): after the first fetch, a request names only the
 * partitions whose position moved, and the answer only those with something new.
 */
export class Consumer {
  private readonly positions = new Map<number, number>();
  private readonly buffer: ConsumedRecord[] = [];
  private readonly opts: Required<Omit<ConsumerOptions, 'partitions' | 'startOffsets' | 'onOffsetReset'>> & Pick<ConsumerOptions, 'partitions' | 'startOffsets' | 'onOffsetReset'>;
  /** Partitions read from a replica other than the leader, as the leader said (preferred_read_replica). */
  private readonly readReplicas = new Map<number, number>();
  private wake: (() => void) | null = null;
  private spaceWaiters: (() => void)[] = [];
  private stopped = false;
  private loops = new Map<number, Promise<void>>();
  /** Our fetch session with each broker we fetch from (KIP-227), kept across its fetch loop's restarts. */
  private readonly sessions = new Map<number, FetchSessionHandler>();
  private failure: Error | null = null;

  constructor(
    private readonly client: KafkaClient,
    opts: ConsumerOptions,
  ) {
    this.opts = { maxWaitMs: 500, fetchMaxBytes: 50 * 1024 * 1024, partitionMaxBytes: 1024 * 1024, maxBufferedRecords: 10_000, clientRack: '', isolation: 'read_uncommitted', ...opts };
  }

  /** Fetch's and ListOffsets' isolation_level: 1 = read_committed (latest is then the last stable offset). */
  private get isolationLevel(): number {
    return this.opts.isolation === 'read_committed' ? 1 : 0;
  }

  /** Resolves the start offset of every partition, then starts fetching. */
  async start(): Promise<void> {
    const parts = await this.topicPartitions();
    const chosen = this.opts.partitions ?? parts.map((p) => p.partition);
    for (const p of chosen) {
      if (!parts.some((x) => x.partition === p)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${this.opts.topic}" has no partition ${p}`);
    }
    const start = this.opts.start;
    for (const p of chosen) {
      const known = this.opts.startOffsets?.get(p);
      if (known !== undefined) this.positions.set(p, known);
      else if (typeof start === 'object') this.positions.set(p, start.offset);
      else this.positions.set(p, await this.listOffset(p, start === 'earliest' ? EARLIEST : LATEST));
    }
    this.schedule();
  }

  /** Current next offset per partition (what a group would commit). */
  position(partition: number): number | undefined {
    return this.positions.get(partition);
  }

  /** Whether poll() has returned every record of the partition before `offset` (fetched past it, none of it still buffered). */
  returnedUpTo(partition: number, offset: number): boolean {
    return (this.positions.get(partition) ?? -1) >= offset && !this.buffer.some((r) => r.partition === partition);
  }

  /** Waits up to `timeoutMs` for records and returns what is buffered (possibly nothing). */
  async poll(timeoutMs: number): Promise<ConsumedRecord[]> {
    if (this.failure) throw this.failure;
    if (this.buffer.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.wake = null;
          resolve();
        }, timeoutMs);
        this.wake = () => {
          clearTimeout(t);
          this.wake = null;
          resolve();
        };
      });
    }
    if (this.failure) throw this.failure;
    const out = this.buffer.splice(0);
    for (const w of this.spaceWaiters.splice(0)) w();
    return out;
  }

  /**
   * Stops fetching and closes its fetch session with each broker (a Fetch at the final epoch, as
   * Kafka's consumer does on close), so the broker frees the session's slot now instead of when it
   * evicts it. Resolves once those are answered (after a fetch in flight there), at most
   * `maxWaitMs` + `fetchSessionCloseTimeoutMs` later; never
   * rejects (a broker that is gone drops the session with its process). Await it before closing the
   * client, or the requests may not go out.
   */
  close(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const w of this.spaceWaiters.splice(0)) w();
    const closing = [...this.sessions].map(([node, session]) => {
      const fields = session.buildClose();
      if (!fields) return undefined;
      const req = { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 0, isolationLevel: this.isolationLevel, ...fields, rackId: this.opts.clientRack };
      return this.client.send(node, FetchApi, ClientVersions.Fetch, req, { timeoutMs: this.opts.maxWaitMs + fetchSessionCloseTimeoutMs }).then(
        () => undefined,
        () => undefined,
      );
    });
    return Promise.all(closing).then(() => undefined);
  }

  private async topicPartitions() {
    for (let attempt = 0; attempt < 50; attempt++) {
      const md = await this.client.refreshMetadata([this.opts.topic], false);
      const t = md.topics.find((x) => x.name === this.opts.topic);
      if (t && t.errorCode === ErrorCode.NONE) return this.client.partitions(this.opts.topic)!;
      if (t && !new KafkaError(t.errorCode).retriable) throw new KafkaError(t.errorCode, `topic "${this.opts.topic}"`);
      if (t?.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new KafkaError(t.errorCode, `topic "${this.opts.topic}" does not exist`);
      await sleep(100);
    }
    throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `topic "${this.opts.topic}" has no leader`);
  }

  private async listOffset(partition: number, timestamp: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const leader = this.leaderOf(partition);
      try {
        if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE);
        const res = await this.client.send(leader, ListOffsetsApi, ClientVersions.ListOffsets, {
          replicaId: -1,
          isolationLevel: this.isolationLevel,
          topics: [{ name: this.opts.topic, partitions: [{ partitionIndex: partition, timestamp }] }],
        });
        const p = res.topics[0]?.partitions[0];
        if (p && p.errorCode === ErrorCode.NONE) return p.offset ?? 0;
        throw new KafkaError(p?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
      } catch (err) {
        if (!(err instanceof KafkaError && err.retriable) || attempt > 100) throw err;
        await sleep(200);
        await this.client.refreshMetadata([this.opts.topic]).catch(() => undefined);
      }
    }
  }

  /** Starts one fetch loop per broker we read partitions from (their leaders, or preferred read replicas) that has no loop yet. */
  private schedule(): void {
    if (this.stopped) return;
    const sources = new Set([...this.positions.keys()].map((p) => this.sourceOf(p)));
    for (const source of sources) {
      if (this.loops.has(source)) continue;
      const loop = this.fetchLoop(source).finally(() => {
        this.loops.delete(source);
        this.schedule();
      });
      this.loops.set(source, loop);
    }
  }

  private leaderOf(partition: number): number {
    return this.client.leaderOf(this.opts.topic, partition);
  }

  /** The broker a partition is fetched from: its preferred read replica, else its leader. */
  private sourceOf(partition: number): number {
    return this.readReplicas.get(partition) ?? this.leaderOf(partition);
  }

  /**
   * Fetches from one broker until we read none of our partitions there or something fails. The
   * partition set is re-read every round: a partition whose leadership (or read replica) moved to a
   * broker we already fetch from joins that broker's loop.
   */
  private async fetchLoop(source: number): Promise<void> {
    const topic = this.opts.topic;
    let session = this.sessions.get(source);
    if (!session) this.sessions.set(source, (session = new FetchSessionHandler()));
    try {
      if (source < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE);
      while (!this.stopped) {
        if (this.buffer.length >= this.opts.maxBufferedRecords) {
          await new Promise<void>((r) => this.spaceWaiters.push(r));
          continue;
        }
        const partitions = [...this.positions.keys()].filter((p) => this.sourceOf(p) === source);
        if (partitions.length === 0) return;
        const stillLeads = () => partitions.every((p) => this.sourceOf(p) === source);
        const res = await this.client.sendToLeader(source, [topic], stillLeads, FetchApi, ClientVersions.Fetch, {
          replicaId: -1,
          maxWaitMs: this.opts.maxWaitMs,
          minBytes: 1,
          maxBytes: this.opts.fetchMaxBytes,
          isolationLevel: this.isolationLevel,
          ...session.build([{ topic, partitions: partitions.map((p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: this.positions.get(p)!, logStartOffset: -1, partitionMaxBytes: this.opts.partitionMaxBytes })) }]),
          rackId: this.opts.clientRack,
        }, { timeoutMs: this.opts.maxWaitMs + 30_000, firstCheckAfterMs: this.opts.maxWaitMs + 500 });
        session.handleResponse(res);
        // A lost session (evicted, or the broker restarted): the next fetch is a full one.
        if (res.errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || res.errorCode === ErrorCode.INVALID_FETCH_SESSION_EPOCH) continue;
        if ((res.errorCode ?? 0) !== ErrorCode.NONE) throw new KafkaError(res.errorCode!, `fetching ${topic}`);
        let moved = false;
        for (const p of res.responses[0]?.partitions ?? []) {
          const fromReplica = this.readReplicas.has(p.partitionIndex);
          if (p.errorCode !== ErrorCode.NONE && fromReplica) {
            // Back to the leader, which knows whether the offset exists (KIP-392).
            this.readReplicas.delete(p.partitionIndex);
            moved = true;
            continue;
          }
          if (p.errorCode === ErrorCode.NONE && (p.preferredReadReplica ?? -1) >= 0 && p.preferredReadReplica !== source) {
            this.readReplicas.set(p.partitionIndex, p.preferredReadReplica!);
            this.schedule();
            continue;
          }
          if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
            const from = this.positions.get(p.partitionIndex)!;
            const to = await this.listOffset(p.partitionIndex, EARLIEST);
            this.positions.set(p.partitionIndex, to);
            this.opts.onOffsetReset?.(p.partitionIndex, from, to);
            continue;
          }
          if (p.errorCode !== ErrorCode.NONE) {
            if (!new KafkaError(p.errorCode).retriable) throw new KafkaError(p.errorCode, `fetching ${topic}-${p.partitionIndex}`);
            moved = true;
            continue;
          }
          if (p.records) this.accept(p.partitionIndex, p.records, p.abortedTransactions ?? []);
        }
        if (moved) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      }
    } catch (err) {
      session.handleError();
      if (this.stopped) return;
      for (const [p, replica] of this.readReplicas) if (replica === source) this.readReplicas.delete(p);
      if (!(err instanceof KafkaError && err.retriable)) {
        this.failure = err as Error;
        this.wake?.();
        this.stopped = true;
        return;
      }
      await sleep(200);
      await this.client.refreshMetadata([topic]).catch(() => undefined);
    }
  }

  /**
   * Buffers a fetched partition's records past its position. read_committed, as Kafka's consumer
   * does: the answer lists the aborted transactions (producer, first offset) overlapping what it
   * holds; from a batch at or past one's first offset, that producer's transactional batches are
   * dropped until its next control batch (its ABORT marker: a transaction has one marker).
   */
  private accept(partition: number, records: Buffer, aborted: readonly { producerId: number; firstOffset: number }[]): void {
    const topic = this.opts.topic;
    const position = this.positions.get(partition)!;
    const readCommitted = this.opts.isolation === 'read_committed';
    let next = position;
    /** One past the last offset of the batch before: control, aborted or compacted records still advance the position. */
    let batchesEnd = position;
    const pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
    const abortedProducers = new Set<number>();
    const buffered = this.buffer.length;
    try {
      visitRecordBatches(
        records,
        (h) => {
          next = Math.max(next, batchesEnd);
          batchesEnd = h.baseOffset + h.lastOffsetDelta + 1;
          while (pending.length > 0 && pending[0]!.firstOffset < batchesEnd) abortedProducers.add(pending.shift()!.producerId);
          const dropped = readCommitted && isTransactional(h) && abortedProducers.has(h.producerId);
          if (isControl(h)) abortedProducers.delete(h.producerId);
          // Fetch returns whole batches: one wholly before the position was handed out already.
          return !dropped && batchesEnd > next;
        },
        (offset, timestamp, key, value, headers) => {
          if (offset < next) return; // the part of the batch before the position was handed out already
          this.buffer.push({ topic, partition, offset, timestamp, key, value, headers });
          next = offset + 1;
        },
      );
    } catch (err) {
      this.buffer.length = buffered; // none of an undecodable answer is handed out
      throw new KafkaError(ErrorCode.INVALID_RECORD, `cannot decode records of ${topic}-${partition} at offset ${position}: ${(err as Error).message}`);
    }
    next = Math.max(next, batchesEnd);
    this.positions.set(partition, next);
    if (this.buffer.length > 0) this.wake?.();
  }
}
