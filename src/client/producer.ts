import { ErrorCode, KafkaError } from '../common/errors.js';
import { maxInFlightBatchesPerPartition, producerTransactionTimeoutMs } from '../common/limits.js';
import { InitProducerIdApi } from '../protocol/apis/init-producer-id.js';
import { ProduceApi, type ProduceRequest } from '../protocol/apis/produce.js';
import { CompressionCodec } from '../protocol/compression.js';
import { encodeRecordBatch, type Record, type RecordHeader } from '../protocol/record-batch.js';
import type { ConsumerGroupMetadata } from './group-consumer.js';
import { ClientVersions, sleep, type KafkaClient } from './kafka-client.js';
import { StickyPartitioner, partitionForKey } from './partitioner.js';
import { TransactionManager } from './transaction-manager.js';

export interface ProducerOptions {
  /** 0: no answer; 1: leader wrote it; -1 (all): the ISR has it. */
  acks?: 0 | 1 | -1;
  /** Wait this long for more records before sending a partial batch (linger.ms). */
  lingerMs?: number;
  /** Target batch size in bytes per partition (batch.size). */
  batchBytes?: number;
  /** Records may wait in memory up to this many bytes; `send` callers should await `capacity()`. */
  maxBufferedBytes?: number;
  /** How long a record may take, retries included, before it fails (delivery.timeout.ms). */
  deliveryTimeoutMs?: number;
  requestTimeoutMs?: number;
  retryBackoffMs?: number;
  /**
   * Producer id + per-partition sequence numbers (KIP-98), so a retry after a failover is never
   * stored twice. Default: on with acks=all, as in Kafka 3.
   */
  idempotent?: boolean;
  /** A CompressionCodec for every batch (compression.type); none by default. */
  compression?: number;
  /** Told of every retriable failure before the batch is sent again (to say why a send is waiting). */
  onRetry?: (topic: string, partition: number, error: Error) => void;
  /**
   * transactional.id (KIP-98): a transactional producer (idempotent, acks=all). Its records are sent
   * in transactions (initTransactions, then beginTransaction ... commitTransaction or
   * abortTransaction) and seen by read_committed consumers only once committed.
   */
  transactionalId?: string;
  /** transaction.timeout.ms: the coordinator aborts a transaction open longer. */
  transactionTimeoutMs?: number;
}

export interface ProducerRecord {
  key?: Buffer | null;
  value: Buffer | null;
  partition?: number;
  timestamp?: number;
  headers?: RecordHeader[];
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0: nobody told us. */
  offset: number;
}

const partitionKey = (b: { topic: string; partition: number }) => `${b.topic}\u0000${b.partition}`;

export type SendCallback = (err: Error | null, meta: RecordMetadata | null) => void;

interface PendingBatch {
  /** Creation order: within a partition, the order batches must be stored in. */
  id: number;
  topic: string;
  partition: number;
  records: Record[];
  callbacks: (SendCallback | undefined)[];
  bytes: number;
  createdMs: number;
  attempts: number;
  /** Encoded once, at first send: retries resend the same bytes and sequence numbers. */
  encoded: Buffer | null;
  /** Encoded with a producer id and sequence numbers (idempotent). */
  sequenced: boolean;
  /** Why the last attempt failed, for the message if the batch is given up. */
  lastError?: Error;
}

const DEFAULTS = { transactionalId: undefined as string | undefined, transactionTimeoutMs: producerTransactionTimeoutMs, acks: -1 as 0 | 1 | -1, idempotent: undefined as boolean | undefined, compression: CompressionCodec.none as number, onRetry: undefined as ProducerOptions['onRetry'], lingerMs: 5, batchBytes: 16384, maxBufferedBytes: 32 * 1024 * 1024, deliveryTimeoutMs: 120_000, requestTimeoutMs: 30_000, retryBackoffMs: 100 };

/**
 * Batching producer. Records accumulate per partition; a batch is sent when full or after lingerMs.
 * An idempotent producer keeps up to maxInFlightBatchesPerPartition batches per partition in flight (Kafka's
 * max.in.flight.requests.per.connection = 5): the broker stores them in sequence order and refuses a
 * gap, so when one fails (NOT_LEADER_OR_FOLLOWER, a dead broker, a timeout) it and everything after it
 * are sent again in order, one at a time until they are through. Without idempotence one batch per
 * partition is in flight, so retries cannot reorder a partition. Callbacks fire once per record,
 * with its offset or the error that ended its retries.
 *
 * With a transactional id (TransactionManager keeps the transaction's state and talks to its
 * coordinator): a partition's first batch of a transaction waits until AddPartitionsToTxn took the
 * partition in; a batch failing for good makes the transaction abortable (the records still queued fail
 * with it, and commitTransaction refuses); a fencing is fatal. After an abort that left a gap in a
 * partition's sequence numbers, the epoch is bumped (KIP-360) so they start over.
 */
export class Producer {
  private readonly opts: typeof DEFAULTS;
  private readonly open = new Map<string, PendingBatch>();
  /** Closed batches waiting to be sent, per partition in order (retries go back to the front). */
  private readonly ready = new Map<string, PendingBatch[]>();
  /** Batches sent and not answered yet, per partition, oldest first. */
  private readonly inFlight = new Map<string, PendingBatch[]>();
  /**
   * Partitions where a batch failed and waits to be sent again: they send one batch at a time until
   * those are through, so a retry is stored before anything that came after it.
   */
  private readonly recovering = new Set<string>();
  /** In-flight batches sent behind a batch the broker refused for good (see `resequence`). */
  private readonly refusedBehind = new Set<PendingBatch>();
  private nextBatchId = 0;
  private readonly sticky = new StickyPartitioner();
  private lingerTimer: NodeJS.Timeout | null = null;
  private bufferedBytes = 0;
  private outstanding = 0;
  private idleWaiters: (() => void)[] = [];
  private capacityWaiters: (() => void)[] = [];
  private closed = false;
  private producerId = -1;
  private producerEpoch = -1;
  private readonly sequences = new Map<string, number>();
  /** A sequenced batch failed for good: its partition's next sequence is one the broker will never see. */
  private sequenceGap = false;
  private renewingProducerId = false;
  private readonly txn: TransactionManager | null = null;

  constructor(
    private readonly client: KafkaClient,
    opts: ProducerOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS;
    if (this.opts.transactionalId !== undefined) {
      // Kafka's rule: a transaction is only as good as its records' durability and dedup.
      if (this.opts.acks !== -1 || this.opts.idempotent === false) throw new Error('a transactional producer is idempotent with acks=all');
      this.txn = new TransactionManager(client, { transactionalId: this.opts.transactionalId, transactionTimeoutMs: this.opts.transactionTimeoutMs, retryBackoffMs: this.opts.retryBackoffMs });
    }
  }

  // --- transactions (KIP-98, KIP-447) -----------------------------------------------------------------

  /** Gets this transactional id's producer id and epoch, fencing older instances (and aborting their open transaction). */
  async initTransactions(): Promise<void> {
    await this.transactional().init();
    this.adoptTransactionalProducer();
  }

  beginTransaction(): void {
    this.transactional().begin();
  }

  /** Commits the group's offsets (next offset per partition of `topic`) with this transaction (see TransactionManager.sendOffsets). */
  async sendOffsetsToTransaction(topic: string, offsets: ReadonlyMap<number, number>, group: ConsumerGroupMetadata): Promise<void> {
    await this.transactional().sendOffsets(topic, offsets, group);
  }

  /** Sends what is queued, and commits once every record of the transaction is written; throws (the transaction must then abort) if one failed. */
  async commitTransaction(): Promise<void> {
    const txn = this.transactional();
    txn.checkCanSend();
    await this.flush();
    txn.checkCanSend();
    await txn.end(true);
  }

  /** Fails what is still queued, waits for what is in flight, aborts; bumps the epoch if sequence numbers have a gap. */
  async abortTransaction(): Promise<void> {
    const txn = this.transactional();
    if (txn.state === 'in-transaction') txn.failed(new KafkaError(ErrorCode.OPERATION_NOT_ATTEMPTED, 'the transaction was aborted'));
    this.lingerExpired();
    await this.flush();
    await txn.end(false);
    if (this.sequenceGap) {
      await txn.init();
      this.adoptTransactionalProducer();
    }
  }

  private transactional(): TransactionManager {
    if (!this.txn) throw new Error('not a transactional producer (no transactional id)');
    return this.txn;
  }

  /** The producer id and epoch the coordinator gave: sequence numbers start over. */
  private adoptTransactionalProducer(): void {
    this.producerId = this.txn!.producerId;
    this.producerEpoch = this.txn!.producerEpoch;
    this.sequences.clear();
    this.sequenceGap = false;
  }

  /** Resolves once the topic's partitions are known (creating the topic if the broker auto-creates). */
  async partitionsOf(topic: string): Promise<number> {
    if (!this.txn && (this.opts.idempotent ?? this.opts.acks === -1) && this.producerId < 0) await this.initProducerId();
    for (let attempt = 0; ; attempt++) {
      const known = this.client.partitions(topic);
      if (known && known.length > 0 && known.every((p) => p.leader >= 0)) return known.length;
      const md = await this.client.refreshMetadata([topic], true);
      const t = md.topics.find((x) => x.name === topic);
      if (t && t.errorCode !== ErrorCode.NONE && !new KafkaError(t.errorCode).retriable) throw new KafkaError(t.errorCode, `topic "${topic}"`);
      if (attempt >= 50) {
        const missing = !t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || t.errorCode === ErrorCode.NOT_CONTROLLER;
        const why = t?.errorCode === ErrorCode.NOT_CONTROLLER ? ' (the coordinator is unavailable)' : '';
        throw new KafkaError(t?.errorCode || ErrorCode.LEADER_NOT_AVAILABLE, missing ? `topic "${topic}" does not exist and was not created${why}` : `topic "${topic}" has no leader`);
      }
      if (!(t && t.errorCode === ErrorCode.NONE && t.partitions.every((p) => p.leaderId >= 0))) await sleep(100);
    }
  }

  private async initProducerId(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.client.send(undefined, InitProducerIdApi, 1, { transactionalId: null, transactionTimeoutMs: -1 });
      if (res.errorCode === ErrorCode.NONE) {
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        return;
      }
      if (!new KafkaError(res.errorCode).retriable || attempt >= 50) throw new KafkaError(res.errorCode, 'getting a producer id');
      await sleep(this.opts.retryBackoffMs);
    }
  }

  /** Queues a record. Call `await partitionsOf(topic)` once first so the partition count is known. */
  send(topic: string, record: ProducerRecord, callback?: SendCallback): void {
    if (this.closed) throw new Error('producer is closed');
    this.txn?.checkCanSend();
    const count = this.client.partitions(topic)?.length;
    if (!count) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${topic}" metadata not loaded`);
    let partition = record.partition;
    if (partition === undefined) partition = record.key ? partitionForKey(record.key, count) : this.sticky.next(topic, count);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${topic}" has no partition ${partition}`);
    const k = partitionKey({ topic, partition });
    const headerBytes = record.headers?.reduce((n, h) => n + 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0), 0) ?? 0;
    const size = 24 + (record.key?.length ?? 0) + (record.value?.length ?? 0) + headerBytes;
    let batch = this.open.get(k);
    // A record that does not fit closes the open batch and starts its own (Kafka's accumulator), so
    // one oversized record fails alone instead of taking its neighbours with it.
    if (batch && batch.bytes + size > this.opts.batchBytes) {
      this.closeBatch(k, batch, count);
      batch = undefined;
    }
    if (!batch) {
      batch = { id: this.nextBatchId++, topic, partition, records: [], callbacks: [], bytes: 0, createdMs: Date.now(), attempts: 0, encoded: null, sequenced: false };
      this.open.set(k, batch);
    }
    batch.records.push({ key: record.key ?? null, value: record.value, timestamp: record.timestamp ?? Date.now(), ...(record.headers?.length ? { headers: record.headers } : {}) });
    batch.callbacks.push(callback);
    batch.bytes += size;
    this.bufferedBytes += size;
    this.outstanding++;
    if (batch.bytes >= this.opts.batchBytes) {
      this.closeBatch(k, batch, count);
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => this.lingerExpired(), this.opts.lingerMs);
    }
  }

  private closeBatch(k: string, batch: PendingBatch, partitionCount: number): void {
    this.open.delete(k);
    this.sticky.batchClosed(batch.topic, batch.partition, partitionCount);
    this.enqueue(batch);
    this.drain();
  }

  sendAsync(topic: string, record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => this.send(topic, record, (err, meta) => (err ? reject(err) : resolve(meta!))));
  }

  /** Resolves when buffered bytes are below the limit (backpressure for fast senders). */
  capacity(): Promise<void> {
    if (this.bufferedBytes < this.opts.maxBufferedBytes) return Promise.resolve();
    return new Promise((r) => this.capacityWaiters.push(r));
  }

  /** Sends everything queued and resolves when every record has its answer. */
  async flush(): Promise<void> {
    this.lingerExpired();
    if (this.outstanding === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Flushes (waiting at most `timeoutMs`, if given: what is still unanswered then fails as the client closes), then closes. */
  async close(timeoutMs?: number): Promise<void> {
    const flushed = this.flush();
    if (timeoutMs === undefined) await flushed;
    else await Promise.race([flushed, sleep(timeoutMs)]);
    this.closed = true;
    this.txn?.close();
  }

  private lingerExpired(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    for (const b of this.open.values()) {
      this.sticky.batchClosed(b.topic, b.partition, this.client.partitions(b.topic)?.length ?? 1);
      this.enqueue(b);
    }
    this.open.clear();
    this.drain();
  }

  private enqueue(b: PendingBatch): void {
    const k = partitionKey(b);
    let q = this.ready.get(k);
    if (!q) this.ready.set(k, (q = []));
    // A batch sent again goes back in creation order, ahead of the ones that came after it.
    let i = q.length;
    while (i > 0 && q[i - 1]!.id > b.id) i--;
    q.splice(i, 0, b);
  }

  /** Sends ready batches: per leader, requests of at most one batch per partition, up to the in-flight limit. */
  private drain(): void {
    if (this.txn && !this.transactionMaySend()) return;
    if (this.sequenceGap) {
      // Renew once nothing is in flight: a batch under the old id that must go again stays ahead of
      // the new id's batches (each answer drains again, so this comes back).
      if ([...this.inFlight.values()].every((f) => f.length === 0)) void this.renewProducerId();
      return;
    }
    const rounds = new Map<number, PendingBatch[][]>();
    let leaderless: string | null = null;
    const toAdd: { topic: string; partition: number }[] = [];
    for (const [k, q] of this.ready) {
      const first = q[0];
      if (!first) continue;
      if (this.txn && !this.txn.isAdded(first.topic, first.partition)) {
        toAdd.push({ topic: first.topic, partition: first.partition });
        continue;
      }
      const leader = this.client.leaderOf(first.topic, first.partition);
      if (leader < 0) {
        leaderless = first.topic;
        continue;
      }
      const flying = this.inFlight.get(k) ?? [];
      const limit = this.recovering.has(k) || this.producerId < 0 ? 1 : maxInFlightBatchesPerPartition;
      let leaderRounds = rounds.get(leader);
      if (!leaderRounds) rounds.set(leader, (leaderRounds = []));
      for (let r = 0; q.length > 0 && flying.length < limit; r++) {
        const b = q.shift()!;
        flying.push(b);
        (leaderRounds[r] ??= []).push(b);
      }
      this.inFlight.set(k, flying);
    }
    if (toAdd.length > 0) this.txn!.addPartitions(toAdd).then(() => this.drain(), () => this.drain());
    if (leaderless !== null) void this.refreshThenDrain(leaderless);
    for (const [leader, list] of rounds) for (const batches of list) void this.sendToLeader(leader, batches);
  }

  private async sendToLeader(leader: number, batches: PendingBatch[]): Promise<void> {
    const topics = new Map<string, { index: number; records: Buffer }[]>();
    for (const b of batches) {
      b.attempts++;
      const list = topics.get(b.topic) ?? [];
      if (!topics.has(b.topic)) topics.set(b.topic, list);
      list.push({ index: b.partition, records: this.encode(b) });
    }
    const req: ProduceRequest = {
      transactionalId: this.opts.transactionalId ?? null,
      acks: this.opts.acks,
      timeoutMs: this.opts.requestTimeoutMs,
      topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
    };
    const retry: PendingBatch[] = [];
    try {
      if (this.opts.acks === 0) {
        await this.client.send(leader, ProduceApi, ClientVersions.Produce, req, { expectResponse: false });
        for (const b of batches) this.landed(b, null, -1);
      } else {
        const topicNames = [...topics.keys()];
        const stillLeads = () => batches.every((b) => this.client.leaderOf(b.topic, b.partition) === leader);
        const res = await this.client.sendToLeader(leader, topicNames, stillLeads, ProduceApi, ClientVersions.Produce, req, { timeoutMs: this.opts.requestTimeoutMs + 5000 });
        for (const b of batches) {
          const p = res.responses.find((t) => t.name === b.topic)?.partitionResponses.find((x) => x.index === b.partition);
          const code = p?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
          if (code === ErrorCode.NONE) this.landed(b, null, p!.baseOffset);
          else if (this.resequence(b) || new KafkaError(code).retriable || (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.afterAFailure(b))) {
            b.lastError = new KafkaError(code);
            retry.push(b);
          }
          else {
            // Refused for good: the broker never stored it, so the batches sent behind it will be refused too.
            if (b.sequenced) for (const x of this.inFlight.get(partitionKey(b)) ?? []) if (x.id > b.id) this.refusedBehind.add(x);
            this.landed(b, new KafkaError(code, `producing to ${b.topic}-${b.partition}`), -1);
          }
        }
      }
    } catch (err) {
      for (const b of batches) this.resequence(b);
      if (err instanceof KafkaError && err.retriable) {
        for (const b of batches) b.lastError = err;
        retry.push(...batches);
      }
      else for (const b of batches) this.landed(b, err as Error, -1);
    }
    if (retry.length > 0) {
      const now = Date.now();
      for (const b of retry) {
        this.leaveFlight(b);
        const last = b.lastError ? `; the last attempt got ${b.lastError.message}` : '';
        if (now - b.createdMs > this.opts.deliveryTimeoutMs) this.giveUp(b, ErrorCode.REQUEST_TIMED_OUT, `gave up on ${b.topic}-${b.partition} after ${b.attempts} attempts in ${this.opts.deliveryTimeoutMs} ms${last}`);
        else {
          if (b.lastError) this.opts.onRetry?.(b.topic, b.partition, b.lastError);
          this.recovering.add(partitionKey(b));
          this.enqueue(b);
        }
      }
      await sleep(this.opts.retryBackoffMs);
      await this.client.refreshMetadata([...new Set(retry.map((b) => b.topic))]).catch(() => undefined);
    }
    this.drain();
  }

  /**
   * A batch sent behind one the broker refused for good was refused too (a gap in the sequence), so it
   * was not stored: it goes again under the producer id renewed for that gap, with new sequence numbers.
   */
  private resequence(b: PendingBatch): boolean {
    if (!this.refusedBehind.delete(b)) return false;
    b.encoded = null;
    b.sequenced = false;
    return true;
  }

  /**
   * OUT_OF_ORDER_SEQUENCE_NUMBER is expected, and retried, for a batch sent behind one that failed:
   * the broker refused it because the earlier one is missing, not because of a real gap.
   */
  private afterAFailure(b: PendingBatch): boolean {
    const k = partitionKey(b);
    return this.recovering.has(k) || (this.inFlight.get(k) ?? []).some((x) => x.id < b.id);
  }

  private leaveFlight(b: PendingBatch): void {
    const k = partitionKey(b);
    const flying = this.inFlight.get(k);
    const i = flying?.indexOf(b) ?? -1;
    if (i >= 0) flying!.splice(i, 1);
  }

  /** A batch's final answer. */
  private landed(b: PendingBatch, err: Error | null, baseOffset: number): void {
    this.leaveFlight(b);
    this.endRecoveryIfClear(partitionKey(b));
    this.complete(b, err, baseOffset);
  }

  /** A partition recovers once nothing is in flight and nothing sent before is waiting to go again. */
  private endRecoveryIfClear(k: string): void {
    const waiting = this.ready.get(k)?.[0];
    if ((this.inFlight.get(k) ?? []).length === 0 && !(waiting && waiting.attempts > 0)) this.recovering.delete(k);
  }

  /**
   * Delivery timeout: the batch fails, and so do the batches of its partition already sent once and
   * waiting to go again (their sequence numbers follow one the broker may never get).
   */
  private giveUp(b: PendingBatch, code: number, reason: string): void {
    const k = partitionKey(b);
    const q = this.ready.get(k) ?? [];
    const stranded: PendingBatch[] = [];
    for (let i = q.length - 1; b.sequenced && i >= 0; i--) if (q[i]!.attempts > 0) stranded.unshift(...q.splice(i, 1));
    for (const x of [b, ...stranded]) {
      this.complete(x, new KafkaError(code, reason), -1);
    }
    this.endRecoveryIfClear(k);
  }

  /**
   * After a sequenced batch failed for good, every later batch of its partition would be refused with
   * OUT_OF_ORDER_SEQUENCE_NUMBER: start over under a new producer id with fresh sequences, as Kafka's
   * idempotent producer resets its producer id. Batches already sent keep their bytes, so a retry of
   * one is still recognised by the broker as the duplicate it may be.
   */
  private async renewProducerId(): Promise<void> {
    if (this.renewingProducerId) return;
    this.renewingProducerId = true;
    try {
      await this.initProducerId();
      this.sequences.clear();
      this.sequenceGap = false;
    } catch (err) {
      // No new id: what waits cannot be sent in order; the next send tries again.
      for (const q of this.ready.values()) for (const b of q.splice(0)) this.complete(b, err as Error, -1);
      return;
    } finally {
      this.renewingProducerId = false;
    }
    this.drain();
  }

  /**
   * A transaction that can only abort sends nothing more: what waits fails with its error (so
   * commitTransaction's flush ends). While in a transaction, true.
   */
  private transactionMaySend(): boolean {
    const txn = this.txn!;
    if (txn.state === 'in-transaction') return true;
    const why = txn.error ?? new KafkaError(ErrorCode.INVALID_TXN_STATE, `the transaction is ${txn.state}`);
    for (const q of this.ready.values()) for (const b of q.splice(0)) this.complete(b, why, -1);
    return false;
  }

  private encode(b: PendingBatch): Buffer {
    if (b.encoded) return b.encoded;
    const compression = this.opts.compression;
    if (this.producerId < 0) return (b.encoded = encodeRecordBatch(b.records, { compression }));
    b.sequenced = true;
    const k = partitionKey(b);
    const baseSequence = this.sequences.get(k) ?? 0;
    this.sequences.set(k, (baseSequence + b.records.length) % 0x80000000);
    return (b.encoded = encodeRecordBatch(b.records, { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence, compression, transactional: this.txn !== null }));
  }

  private refreshing = false;
  private async refreshThenDrain(topic: string): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    await sleep(this.opts.retryBackoffMs);
    await this.client.refreshMetadata([topic]).catch(() => undefined);
    this.refreshing = false;
    const now = Date.now();
    for (const q of this.ready.values()) {
      while (q[0] && now - q[0].createdMs > this.opts.deliveryTimeoutMs) {
        const b = q.shift()!;
        this.giveUp(b, ErrorCode.LEADER_NOT_AVAILABLE, `no leader for ${b.topic}-${b.partition}`);
      }
    }
    this.drain();
  }

  private complete(b: PendingBatch, err: Error | null, baseOffset: number): void {
    if (err && b.sequenced) this.sequenceGap = true;
    if (err) this.txn?.failed(err);
    for (let i = 0; i < b.callbacks.length; i++) {
      b.callbacks[i]?.(err, err ? null : { topic: b.topic, partition: b.partition, offset: baseOffset < 0 ? -1 : baseOffset + i });
    }
    this.outstanding -= b.records.length;
    this.bufferedBytes -= b.bytes;
    if (this.bufferedBytes < this.opts.maxBufferedBytes) for (const w of this.capacityWaiters.splice(0)) w();
    if (this.outstanding === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
