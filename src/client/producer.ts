import { ErrorCode, KafkaError } from '../common/errors.js';
import { maxInFlightBatchesPerPartition, producerTransactionTimeoutMs } from '../common/limits.js';
import { CompressionCodec } from '../protocol/compression.js';
import type { RecordHeader } from '../protocol/record-batch.js';
import type { ConsumerGroupMetadata } from './group-consumer.js';
import { sleep, type KafkaClient } from './kafka-client.js';
import { ProducerIdState } from './producer-id-state.js';
import { RecordAccumulator, type RecordMetadata, type SendCallback } from './record-accumulator.js';
import { Sender } from './sender.js';
import { TransactionManager } from './transaction-manager.js';

export type { RecordMetadata, SendCallback } from './record-accumulator.js';

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
  /**
   * Batches per partition in flight at once (Kafka's max.in.flight.requests.per.connection, 5). Above
   * 1 without idempotence a retried batch can land behind batches sent after it, as in Kafka; 1 keeps
   * a partition's order through retries. An idempotent producer allows at most
   * maxInFlightBatchesPerPartition, the broker's window of remembered sequences.
   */
  maxInFlight?: number;
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
  headers?: readonly RecordHeader[];
}

const DEFAULTS = { transactionalId: undefined as string | undefined, transactionTimeoutMs: producerTransactionTimeoutMs, acks: -1 as 0 | 1 | -1, idempotent: undefined as boolean | undefined, maxInFlight: maxInFlightBatchesPerPartition, compression: CompressionCodec.none as number, onRetry: undefined as ProducerOptions['onRetry'], lingerMs: 5, batchBytes: 16384, maxBufferedBytes: 32 * 1024 * 1024, deliveryTimeoutMs: 120_000, requestTimeoutMs: 30_000, retryBackoffMs: 100 };

/**
 * Batching producer, in Kafka's parts: records wait in a `RecordAccumulator` (a batch per partition,
 * sent when full or after lingerMs), a `Sender` sends them to leaders, retries and answers each
 * record's callback once, `ProducerIdState` holds the idempotent producer id and sequence numbers,
 * and with a transactional id a `TransactionManager` keeps the transaction's state and talks to its
 * coordinator: a batch failing for good makes the transaction abortable (commitTransaction refuses);
 * a fencing is fatal. After an abort that left a gap in a partition's sequence numbers, the epoch is
 * bumped (KIP-360) so they start over.
 */
export class Producer {
  private readonly opts: typeof DEFAULTS;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private readonly ids: ProducerIdState;
  private closed = false;
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
    // Kafka's ConfigException cases: an idempotent producer's retries must find their sequences remembered.
    if (!Number.isInteger(this.opts.maxInFlight) || this.opts.maxInFlight < 1) throw new Error(`maxInFlight must be a whole number of at least 1 (got ${this.opts.maxInFlight})`);
    if (this.isIdempotent && this.opts.maxInFlight > maxInFlightBatchesPerPartition) throw new Error(`an idempotent producer keeps at most ${maxInFlightBatchesPerPartition} batches in flight per partition (got maxInFlight ${this.opts.maxInFlight})`);
    this.ids = new ProducerIdState(client, this.opts.retryBackoffMs);
    this.accumulator = new RecordAccumulator(this.opts, (topic) => client.partitions(topic)?.length ?? 1, (k) => this.sender.drain(k));
    this.sender = new Sender(client, this.opts, this.accumulator, this.ids, this.txn);
  }

  /** Producer id and sequence numbers: transactional, asked for, or by default with acks=all (Kafka 3). */
  private get isIdempotent(): boolean {
    return this.txn !== null || (this.opts.idempotent ?? this.opts.acks === -1);
  }

  // --- transactions (KIP-98, KIP-447) -----------------------------------------------------------------

  /** Gets this transactional id's producer id and epoch, fencing older instances (and aborting their open transaction). */
  async initTransactions(): Promise<void> {
    const txn = this.transactional();
    await txn.init();
    this.ids.adopt(txn.producerId, txn.producerEpoch);
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
    await this.flush();
    await txn.end(false);
    if (this.ids.gap) {
      await txn.init();
      this.ids.adopt(txn.producerId, txn.producerEpoch);
    }
  }

  private transactional(): TransactionManager {
    if (!this.txn) throw new Error('not a transactional producer (no transactional id)');
    return this.txn;
  }

  /** Resolves once the topic's partitions are known (creating the topic if the broker auto-creates). */
  async partitionsOf(topic: string): Promise<number> {
    if (!this.txn && this.isIdempotent && !this.ids.hasId) await this.ids.init();
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

  /**
   * Queues a record and returns the partition it goes to. Call `await partitionsOf(topic)` once first
   * so the partition count is known. The callback is told the record's outcome; a partition's records
   * are answered in the order they were sent.
   */
  send(topic: string, record: ProducerRecord, callback?: SendCallback): number {
    if (this.closed) throw new Error('producer is closed');
    this.txn?.checkCanSend();
    const count = this.client.partitions(topic)?.length;
    if (!count) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${topic}" metadata not loaded`);
    const partition = record.partition ?? this.accumulator.partitionFor(topic, record.key, count);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${topic}" has no partition ${partition}`);
    this.accumulator.append(topic, partition, count, record.key ?? null, record.value, record.timestamp ?? Date.now(), record.headers, callback);
    return partition;
  }

  sendAsync(topic: string, record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => this.send(topic, record, (err, meta) => (err ? reject(err) : resolve(meta))));
  }

  /** Resolves when buffered bytes are below the limit (backpressure for fast senders). */
  capacity(): Promise<void> {
    return this.accumulator.capacity();
  }

  /** Sends everything queued and resolves when every record has its answer. */
  async flush(): Promise<void> {
    this.accumulator.closeAll();
    await this.accumulator.whenIdle();
  }

  /** Flushes (waiting at most `timeoutMs`, if given: what is still unanswered then fails as the client closes), then closes. */
  async close(timeoutMs?: number): Promise<void> {
    const flushed = this.flush();
    if (timeoutMs === undefined) await flushed;
    else await Promise.race([flushed, sleep(timeoutMs)]);
    this.closed = true;
    this.txn?.close();
  }
}
