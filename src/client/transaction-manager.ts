import { ErrorCode, KafkaError } from '../common/errors.js';
import { transactionalCallTimeoutMs } from '../common/limits.js';
import { AddOffsetsToTxnApi } from '../protocol/apis/add-offsets-to-txn.js';
import { AddPartitionsToTxnApi, type AddPartitionsToTxnResponse } from '../protocol/apis/add-partitions-to-txn.js';
import { EndTxnApi } from '../protocol/apis/end-txn.js';
import { InitProducerIdApi } from '../protocol/apis/init-producer-id.js';
import { TxnOffsetCommitApi, type TxnOffsetCommitResponse } from '../protocol/apis/txn-offset-commit.js';
import { CoordinatorConnection } from './coordinator-connection.js';
import type { ConsumerGroupMetadata } from './group-consumer.js';
import { sleep, type KafkaClient } from './kafka-client.js';

/**
 * Versions of the transaction APIs YaK's producer sends: InitProducerId v4 names the current producer
 * (KIP-360, to bump the epoch after an abort) and knows PRODUCER_FENCED; the others are the last
 * client forms before KIP-890's (AddPartitionsToTxn v4+ is the brokers'); TxnOffsetCommit v3 carries the
 * group metadata (KIP-447).
 */
export const TxnVersions = { InitProducerId: 4, AddPartitionsToTxn: 3, AddOffsetsToTxn: 3, TxnOffsetCommit: 3, EndTxn: 3 } as const;

/** Answers that mean "ask again shortly": the previous transaction's markers are still being written, or the coordinator is loading. */
const RETRY_LATER = new Set<number>([ErrorCode.CONCURRENT_TRANSACTIONS, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
/** Another instance with this transactional id took over (or the coordinator aborted the transaction, bumping the epoch): nothing this one sends will be taken again. */
const FENCING = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ErrorCode.INVALID_PRODUCER_ID_MAPPING]);

export type TransactionState = 'uninitialized' | 'ready' | 'in-transaction' | 'ending' | 'abortable-error' | 'fatal-error';

export interface TransactionManagerOptions {
  transactionalId: string;
  transactionTimeoutMs: number;
  retryBackoffMs: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The producer's side of KIP-98 transactions, as Kafka's TransactionManager: the producer id and epoch
 * of a transactional id, the state of the current transaction and the coordinator requests
 * (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn), each retried while
 * the coordinator says it will pass. Lifecycle: uninitialized -> init() -> ready -> begin() ->
 * in-transaction -> end(commit) -> ready. A failure inside a transaction (a batch refused, offsets
 * refused) makes it abortable-error: only an abort is allowed. Fencing (PRODUCER_FENCED,
 * INVALID_PRODUCER_EPOCH) is fatal-error: the instance is done.
 */
export class TransactionManager {
  producerId = -1;
  producerEpoch = -1;
  state: TransactionState = 'uninitialized';
  /** Why the transaction can only abort (abortable-error), or why the instance is done (fatal-error). */
  error: KafkaError | null = null;
  private readonly coordinator: CoordinatorConnection;
  /** Partitions AddPartitionsToTxn took into the current transaction. */
  private readonly added = new Set<string>();
  /** Partitions to add with the next AddPartitionsToTxn, and the callers waiting for it. */
  private readonly toAdd = new Map<string, { topic: string; partition: number }>();
  private adding: Promise<void> | null = null;
  /** The coordinator knows of the current transaction (a partition or a group was added), so ending it takes an EndTxn. */
  private started = false;
  /** Group coordinators for TxnOffsetCommit, by group id. */
  private readonly groupCoordinators = new Map<string, CoordinatorConnection>();

  constructor(
    private readonly client: KafkaClient,
    readonly opts: TransactionManagerOptions,
  ) {
    this.coordinator = new CoordinatorConnection(client, opts.transactionalId, 1, `transactional id "${opts.transactionalId}"`);
  }

  /**
   * InitProducerId: the first gets this id's producer (fencing any older instance and aborting its
   * open transaction); later ones, naming the current producer, bump the epoch (KIP-360) so the
   * sequence numbers start over after a batch failed for good.
   */
  async init(): Promise<void> {
    if (this.state === 'fatal-error') throw this.error!;
    const res = await this.retrying('initializing transactions', () =>
      this.coordinator.request(InitProducerIdApi, TxnVersions.InitProducerId, { transactionalId: this.opts.transactionalId, transactionTimeoutMs: this.opts.transactionTimeoutMs, producerId: this.producerId, producerEpoch: this.producerEpoch }),
    (r) => r.errorCode);
    this.producerId = res.producerId;
    this.producerEpoch = res.producerEpoch;
    this.state = 'ready';
    this.error = null;
  }

  begin(): void {
    if (this.state !== 'ready') throw this.stateError('begin a transaction');
    this.added.clear();
    this.started = false;
    this.state = 'in-transaction';
  }

  /** Throws unless records may be sent now: a transaction is open and has not failed. */
  checkCanSend(): void {
    if (this.state !== 'in-transaction') throw this.error ?? this.stateError('send');
  }

  isAdded(topic: string, partition: number): boolean {
    return this.added.has(key(topic, partition));
  }

  /** Adds partitions to the transaction before their first batch goes out; concurrent calls share one request at a time. */
  addPartitions(partitions: { topic: string; partition: number }[]): Promise<void> {
    for (const p of partitions) if (!this.isAdded(p.topic, p.partition)) this.toAdd.set(key(p.topic, p.partition), p);
    if (this.adding) return this.adding.then(() => (this.toAdd.size > 0 ? this.addPartitions([]) : undefined));
    if (this.toAdd.size === 0) return Promise.resolve();
    const batch = [...this.toAdd.values()];
    this.toAdd.clear();
    const topics = [...new Set(batch.map((p) => p.topic))].map((name) => ({ name, partitions: batch.filter((p) => p.topic === name).map((p) => p.partition) }));
    const firstError = (r: AddPartitionsToTxnResponse) => {
      for (const t of r.resultsByTopicV3AndBelow ?? []) for (const p of t.resultsByPartition) if (p.partitionErrorCode !== ErrorCode.NONE) return p.partitionErrorCode;
      return ErrorCode.NONE;
    };
    this.adding = this.retrying(`adding ${batch.length} partition(s) to the transaction`, () =>
      this.coordinator.request(AddPartitionsToTxnApi, TxnVersions.AddPartitionsToTxn, { v3AndBelowTransactionalId: this.opts.transactionalId, v3AndBelowProducerId: this.producerId, v3AndBelowProducerEpoch: this.producerEpoch, v3AndBelowTopics: topics }, { errorOf: firstError }),
    firstError)
      .then(() => {
        for (const p of batch) this.added.add(key(p.topic, p.partition));
        this.started = true;
      }, (err: unknown) => {
        throw this.failed(err);
      })
      .finally(() => (this.adding = null));
    return this.adding;
  }

  /**
   * sendOffsetsToTransaction: the group's offsets (the next offset to read, per partition) commit with
   * the transaction, or not at all. The group metadata is the consumer's at the poll the input came
   * from (KIP-447): if the group has rebalanced since, the coordinator refuses (ILLEGAL_GENERATION)
   * and the transaction must abort, as its input now belongs to another member.
   */
  async sendOffsets(topic: string, offsets: ReadonlyMap<number, number>, group: ConsumerGroupMetadata): Promise<void> {
    this.checkCanSend();
    if (offsets.size === 0) return;
    try {
      await this.retrying(`adding group "${group.groupId}"'s offsets to the transaction`, () =>
        this.coordinator.request(AddOffsetsToTxnApi, TxnVersions.AddOffsetsToTxn, { transactionalId: this.opts.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, groupId: group.groupId }),
      (r) => r.errorCode);
      this.started = true;
      const partitions = [...offsets].map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedMetadata: '' }));
      const firstError = (r: TxnOffsetCommitResponse) => {
        for (const t of r.topics) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) return p.errorCode;
        return ErrorCode.NONE;
      };
      await this.retrying(`committing group "${group.groupId}"'s offsets in the transaction`, () =>
        this.groupCoordinator(group.groupId).request(TxnOffsetCommitApi, TxnVersions.TxnOffsetCommit, {
          transactionalId: this.opts.transactionalId,
          groupId: group.groupId,
          producerId: this.producerId,
          producerEpoch: this.producerEpoch,
          generationId: group.generationId,
          memberId: group.memberId,
          groupInstanceId: group.groupInstanceId,
          topics: [{ name: topic, partitions }],
        }, { errorOf: firstError }),
      firstError);
    } catch (err) {
      throw this.failed(err);
    }
  }

  /**
   * EndTxn. The caller has had every record of the transaction answered. A commit refused turns the
   * transaction abortable (or the instance fenced); a transaction with no partition and no offsets
   * has nothing at the coordinator, so it just ends.
   */
  async end(commit: boolean): Promise<void> {
    if (this.state === 'fatal-error') throw this.error!;
    if (commit && this.state !== 'in-transaction') throw this.error ?? this.stateError('commit');
    if (!commit && this.state !== 'in-transaction' && this.state !== 'abortable-error') throw this.stateError('abort');
    this.state = 'ending';
    if (this.started) {
      try {
        await this.retrying(commit ? 'committing the transaction' : 'aborting the transaction', () =>
          this.coordinator.request(EndTxnApi, TxnVersions.EndTxn, { transactionalId: this.opts.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, committed: commit }),
        (r) => r.errorCode);
      } catch (err) {
        const failure = this.failed(err);
        // An abort that failed short of fencing leaves the transaction to its timeout; the instance
        // cannot tell what the coordinator holds, so it may only start over with init().
        if (!commit && (this.state as TransactionState) !== 'fatal-error') this.state = 'abortable-error';
        throw failure;
      }
    }
    this.added.clear();
    this.started = false;
    this.state = 'ready';
    this.error = null;
  }

  /** Records a failure inside the transaction: fatal if it is a fencing, else the transaction may only abort. */
  failed(err: unknown): KafkaError {
    const e = err instanceof KafkaError ? err : new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message);
    if (this.state === 'fatal-error') return this.error!;
    if (FENCING.has(e.code)) {
      this.state = 'fatal-error';
      this.error = new KafkaError(e.code, `transactional id "${this.opts.transactionalId}" (producer ${this.producerId}, epoch ${this.producerEpoch}) is fenced: another instance took over, or the coordinator aborted its transaction`);
      return this.error;
    }
    if (this.state === 'in-transaction' || this.state === 'ending') {
      this.state = 'abortable-error';
      this.error = e;
    }
    return e;
  }

  close(): void {
    this.coordinator.close();
    for (const c of this.groupCoordinators.values()) c.close();
  }

  private groupCoordinator(groupId: string): CoordinatorConnection {
    let c = this.groupCoordinators.get(groupId);
    if (!c) this.groupCoordinators.set(groupId, (c = new CoordinatorConnection(this.client, groupId, 0, `group "${groupId}"`)));
    return c;
  }

  private stateError(what: string): KafkaError {
    return new KafkaError(ErrorCode.INVALID_TXN_STATE, `cannot ${what}: the transactional producer is ${this.state}${this.state === 'uninitialized' ? ' (call initTransactions first)' : ''}`);
  }

  /** Sends until the answer is not one of RETRY_LATER, for up to transactionalCallTimeoutMs; throws a KafkaError for any other error. */
  private async retrying<Res>(what: string, send: () => Promise<Res>, errorOf: (r: Res) => number): Promise<Res> {
    const deadline = Date.now() + transactionalCallTimeoutMs;
    for (;;) {
      const res = await send();
      const code = errorOf(res);
      if (code === ErrorCode.NONE) return res;
      if (!RETRY_LATER.has(code) || Date.now() > deadline) throw new KafkaError(code, `${what} (transactional id "${this.opts.transactionalId}")`);
      await sleep(this.opts.retryBackoffMs);
    }
  }
}
