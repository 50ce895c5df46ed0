import { ErrorCode } from '../common/errors.js';
import { transactionAbortTimedOutCheckIntervalMs, transactionalIdExpirationCheckIntervalMs, transactionalIdExpirationMs, transactionMaxTimeoutMs, txnConcurrentWaitMs } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../protocol/apis/add-offsets-to-txn.js';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, AddPartitionsToTxnTopicResult, TxnTopicPartitions } from '../protocol/apis/add-partitions-to-txn.js';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../protocol/apis/describe-transactions.js';
import type { EndTxnRequest, EndTxnResponse } from '../protocol/apis/end-txn.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../protocol/apis/init-producer-id.js';
import type { ListTransactionsRequest, ListTransactionsResponse } from '../protocol/apis/list-transactions.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../protocol/apis/txn-offset-commit.js';
import type { GroupCall } from '../protocol/internal-api.js';
import type { GroupOffsets } from './group-offsets.js';
import { writeMarkers, type MarkerCluster, type TxnMarkerSender } from './txn-markers.js';
import { KAFKA_TXN_STATE_NAMES, type StoredTxn, type TopicPartition, type TxnStore } from './txn-store.js';

export interface TransactionCoordinatorOptions {
  store: TxnStore;
  /** The groups' offsets: TxnOffsetCommit's group checks, and pending offsets made visible or dropped. */
  offsets: GroupOffsets;
  /** Runs a change of transaction state and of pending offsets in one coordinator.db transaction. */
  atomically: <T>(work: () => T) => T;
  /** A new cluster-unique producer id (coordinator.db's counter, shared with the brokers' blocks). */
  allocateProducerId: () => number;
  /** This coordinator start's epoch, carried by its markers. */
  coordinatorEpoch: number;
  cluster: MarkerCluster;
  markers: TxnMarkerSender;
  /** transaction.max.timeout.ms; limits.ts has Kafka's default. */
  maxTimeoutMs?: number;
  /** How long a request waits for its transaction's markers before answering CONCURRENT_TRANSACTIONS (limits.ts). */
  concurrentWaitMs?: number;
  /** transactional.id.expiration.ms; limits.ts has Kafka's default. */
  idExpirationMs?: number;
  logger: Logger;
  now?: () => number;
}

/** Kafka's Short.MaxValue: a producer epoch cannot pass it. */
const MAX_EPOCH = 32767;
/** The first version of each API whose clients know PRODUCER_FENCED (KIP-588); older ones get INVALID_PRODUCER_EPOCH. */
const PRODUCER_FENCED_SINCE = { InitProducerId: 4, AddPartitionsToTxn: 2, AddOffsetsToTxn: 2, EndTxn: 2 } as const;

/**
 * Kafka's transaction coordinator (TransactionCoordinator.scala, KIP-98 with KIP-360 and KIP-447),
 * for every transactional id of the cluster. Each id has one producer (id and epoch) and at most one
 * transaction: Empty -> Ongoing (AddPartitionsToTxn, AddOffsetsToTxn) -> PrepareCommit or
 * PrepareAbort (EndTxn, an InitProducerId fencing it, or its timeout) -> CompleteCommit or
 * CompleteAbort once every partition's leader has written the COMMIT or ABORT marker
 * (txn-markers.ts). Every change is in coordinator.db (TxnStore) before it is answered, so a restart
 * resumes ongoing transactions and finishes the markers of prepared ones. Brokers forward the
 * Kafka requests here. EndTxn answers once the decision is stored, not the markers; a request of
 * that producer meanwhile waits for them (`settled`), up to `txnConcurrentWaitMs`, then gets
 * CONCURRENT_TRANSACTIONS, which clients retry.
 */
export class TransactionCoordinator {
  private readonly txns = new Map<string, StoredTxn>();
  private readonly markerLoops = new Map<string, Promise<void>>();
  private readonly maxTimeoutMs: number;
  private readonly concurrentWaitMs: number;
  private readonly now: () => number;
  private readonly idExpirationMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly expiryTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: TransactionCoordinatorOptions) {
    this.maxTimeoutMs = opts.maxTimeoutMs ?? transactionMaxTimeoutMs;
    this.concurrentWaitMs = opts.concurrentWaitMs ?? txnConcurrentWaitMs;
    this.now = opts.now ?? Date.now;
    for (const t of opts.store.all()) {
      this.txns.set(t.transactionalId, t);
      if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort') this.completeMarkers(t);
    }
    this.idExpirationMs = opts.idExpirationMs ?? transactionalIdExpirationMs;
    this.timer = setInterval(() => this.abortTimedOut(), transactionAbortTimedOutCheckIntervalMs);
    this.timer.unref();
    this.expiryTimer = setInterval(() => this.expireTransactionalIds(), transactionalIdExpirationCheckIntervalMs);
    this.expiryTimer.unref();
  }

  // --- the producer ---------------------------------------------------------------------------------

  /**
   * InitProducerId with a transactional id: the id's producer gets its epoch bumped (a new producer id
   * once the epoch is exhausted), which fences every older instance. An ongoing transaction of the
   * previous epoch is aborted first, as Kafka does (at that epoch: the bump follows); until its
   * markers are written the answer is CONCURRENT_TRANSACTIONS, which clients retry.
   * A producer naming its current id and epoch (KIP-360, v3+) asks for the bump to recover; naming
   * any other is PRODUCER_FENCED, except the epoch just bumped from, whose answer may have been lost.
   */
  async initProducerId(call: GroupCall<InitProducerIdRequest>): Promise<InitProducerIdResponse> {
    const id = call.request.transactionalId ?? '';
    await this.settled(id);
    const first = this.initNow(call);
    if (first.errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS) return first;
    await this.settled(id);
    return this.initNow(call);
  }

  private initNow(call: GroupCall<InitProducerIdRequest>): InitProducerIdResponse {
    const req = call.request;
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1): InitProducerIdResponse => ({ throttleTimeMs: 0, errorCode, producerId, producerEpoch });
    const id = req.transactionalId ?? '';
    if (id === '') return answer(ErrorCode.INVALID_REQUEST);
    // Kafka's rule: a transaction must be allowed to run, and not for longer than the cluster permits.
    if (!(req.transactionTimeoutMs > 0 && req.transactionTimeoutMs <= this.maxTimeoutMs)) return answer(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const now = this.now();
    const t = this.txns.get(id);
    if (!t) {
      const fresh: StoredTxn = { transactionalId: id, producerId: this.opts.allocateProducerId(), producerEpoch: 0, lastProducerEpoch: -1, timeoutMs: req.transactionTimeoutMs, state: 'Empty', startTimeMs: -1, updateTimeMs: now, partitions: [], groups: [] };
      this.save(fresh);
      return answer(ErrorCode.NONE, fresh.producerId, fresh.producerEpoch);
    }
    const namedId = req.producerId ?? -1;
    const namedEpoch = req.producerEpoch ?? -1;
    if (namedId !== -1) {
      const current = namedId === t.producerId && namedEpoch === t.producerEpoch;
      const retried = namedId === t.producerId && namedEpoch === t.lastProducerEpoch && namedEpoch !== -1;
      if (retried && (t.state === 'Empty' || t.state === 'CompleteCommit' || t.state === 'CompleteAbort')) return answer(ErrorCode.NONE, t.producerId, t.producerEpoch);
      if (!current) return answer(fencedError(call.apiVersion, PRODUCER_FENCED_SINCE.InitProducerId));
    }
    if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort') return answer(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (t.state === 'Ongoing') {
      this.prepare(t, false, false, `aborted for a new instance of ${id}`);
      return answer(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    const exhausted = t.producerEpoch >= MAX_EPOCH - 1;
    const next: StoredTxn = {
      ...t,
      producerId: exhausted ? this.opts.allocateProducerId() : t.producerId,
      producerEpoch: exhausted ? 0 : t.producerEpoch + 1,
      lastProducerEpoch: exhausted ? -1 : t.producerEpoch,
      timeoutMs: req.transactionTimeoutMs,
      state: 'Empty',
      startTimeMs: -1,
      updateTimeMs: now,
      partitions: [],
      groups: [],
    };
    this.save(next);
    return answer(ErrorCode.NONE, next.producerId, next.producerEpoch);
  }

  /**
   * Whether a request of producer (id, epoch) may act on `transactionalId`'s transaction: NONE, or
   * Kafka's refusal. An unknown id or another producer id is INVALID_PRODUCER_ID_MAPPING, an older
   * epoch the producer's fencing, a transaction being ended CONCURRENT_TRANSACTIONS (retried).
   */
  private producerError(transactionalId: string, producerId: number, producerEpoch: number, fenced: number): { errorCode: number; txn?: StoredTxn } {
    if (transactionalId === '') return { errorCode: ErrorCode.INVALID_REQUEST };
    const t = this.txns.get(transactionalId);
    if (!t || t.producerId !== producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (t.producerEpoch !== producerEpoch) return { errorCode: fenced };
    if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort') return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    return { errorCode: ErrorCode.NONE, txn: t };
  }

  // --- the transaction ----------------------------------------------------------------------------

  /**
   * AddPartitionsToTxn: the client form (v0-3, one transaction) adds partitions, starting the
   * transaction; the brokers' form (v4+, KIP-890) may carry several, and with `verifyOnly` checks
   * that the partitions are in the transaction instead (INVALID_TXN_STATE for those that are not).
   * A partition that does not exist fails the request: UNKNOWN_TOPIC_OR_PARTITION for it,
   * OPERATION_NOT_ATTEMPTED for the others, nothing added.
   */
  async addPartitions(call: GroupCall<AddPartitionsToTxnRequest>): Promise<AddPartitionsToTxnResponse> {
    const req = call.request;
    await Promise.all([req.v3AndBelowTransactionalId ?? '', ...(req.transactions ?? []).map((t) => t.transactionalId)].map((id) => this.settled(id)));
    if (call.apiVersion < 4) {
      const results = this.addToTxn(req.v3AndBelowTransactionalId ?? '', req.v3AndBelowProducerId ?? -1, req.v3AndBelowProducerEpoch ?? -1, false, req.v3AndBelowTopics ?? [], call.apiVersion);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    const resultsByTransaction = (req.transactions ?? []).map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: this.addToTxn(t.transactionalId, t.producerId, t.producerEpoch, t.verifyOnly, t.topics, call.apiVersion),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  }

  private addToTxn(transactionalId: string, producerId: number, producerEpoch: number, verifyOnly: boolean, topics: TxnTopicPartitions[], version: number): AddPartitionsToTxnTopicResult[] {
    const answer = (codeOf: (topic: string, partition: number) => number) =>
      topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name, p) })) }));
    const missing = (topic: string, partition: number) => !this.opts.cluster.partitionExists(topic, partition);
    if (topics.some((t) => t.partitions.some((p) => missing(t.name, p)))) {
      return answer((topic, p) => (missing(topic, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    const { errorCode, txn } = this.producerError(transactionalId, producerId, producerEpoch, fencedError(version, PRODUCER_FENCED_SINCE.AddPartitionsToTxn));
    if (!txn) return answer(() => errorCode);
    const current = txn.state === 'Ongoing' ? txn.partitions : [];
    const inTxn = new Set(current.map(partitionKey));
    if (verifyOnly) return answer((topic, p) => (inTxn.has(partitionKey({ topic, partition: p })) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE));
    const added: TopicPartition[] = [];
    for (const t of topics) {
      for (const partition of t.partitions) {
        const p = { topic: t.name, partition };
        if (inTxn.has(partitionKey(p))) continue;
        inTxn.add(partitionKey(p));
        added.push(p);
      }
    }
    if (added.length > 0 || txn.state !== 'Ongoing') this.save(this.ongoing(txn, { partitions: [...current, ...added] }));
    return answer(() => ErrorCode.NONE);
  }

  /** AddOffsetsToTxn: the transaction will commit offsets of `groupId` (TxnOffsetCommit), made visible when it commits. */
  async addOffsets(call: GroupCall<AddOffsetsToTxnRequest>): Promise<AddOffsetsToTxnResponse> {
    const req = call.request;
    await this.settled(req.transactionalId);
    if (!req.groupId) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    const { errorCode, txn } = this.producerError(req.transactionalId, req.producerId, req.producerEpoch, fencedError(call.apiVersion, PRODUCER_FENCED_SINCE.AddOffsetsToTxn));
    if (!txn) return { throttleTimeMs: 0, errorCode };
    const groups = txn.state === 'Ongoing' ? txn.groups : [];
    if (!groups.includes(req.groupId) || txn.state !== 'Ongoing') this.save(this.ongoing(txn, { groups: [...groups, req.groupId] }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE };
  }

  /**
   * TxnOffsetCommit: offsets of a group added to the ongoing transaction (AddOffsetsToTxn first, as
   * every Kafka client sends it; else INVALID_TXN_STATE), pending until the transaction ends. An older
   * epoch is INVALID_PRODUCER_EPOCH, which clients of every version treat as their fencing.
   */
  async txnOffsetCommit(call: GroupCall<TxnOffsetCommitRequest>): Promise<TxnOffsetCommitResponse> {
    const req = call.request;
    await this.settled(req.transactionalId);
    const { errorCode, txn } = this.producerError(req.transactionalId, req.producerId, req.producerEpoch, ErrorCode.INVALID_PRODUCER_EPOCH);
    const txnError = !txn ? errorCode : txn.state === 'Ongoing' && txn.groups.includes(req.groupId) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
    return this.opts.offsets.txnCommit(call, txnError, this.now());
  }

  /**
   * EndTxn: an ongoing transaction goes to PrepareCommit or PrepareAbort and the answer is NONE once
   * that is stored; its markers follow. Asking again for the same end is CONCURRENT_TRANSACTIONS while
   * the markers are written and NONE once they are (a retry whose answer was lost); the other end,
   * or ending when no transaction is ongoing, is INVALID_TXN_STATE.
   */
  async endTxn(call: GroupCall<EndTxnRequest>): Promise<EndTxnResponse> {
    const req = call.request;
    await this.settled(req.transactionalId);
    const answer = (errorCode: number): EndTxnResponse => ({ throttleTimeMs: 0, errorCode });
    const fenced = fencedError(call.apiVersion, PRODUCER_FENCED_SINCE.EndTxn);
    const t = this.txns.get(req.transactionalId);
    const { errorCode, txn } = this.producerError(req.transactionalId, req.producerId, req.producerEpoch, fenced);
    if (errorCode === ErrorCode.CONCURRENT_TRANSACTIONS && t) return answer(t.state === (req.committed ? 'PrepareCommit' : 'PrepareAbort') ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
    if (!txn) return answer(errorCode);
    if (txn.state === 'Ongoing') {
      this.prepare(txn, req.committed, false, req.committed ? 'committed by its producer' : 'aborted by its producer');
      return answer(ErrorCode.NONE);
    }
    return answer(txn.state === (req.committed ? 'CompleteCommit' : 'CompleteAbort') ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
  }

  /**
   * Ongoing -> PrepareCommit or PrepareAbort, stored together with the fate of the transaction's
   * pending offsets (visible, or dropped), then the markers. `fence` bumps the epoch first (a
   * timeout, or a new instance): the ABORT markers carry the new epoch, so the partitions refuse the
   * old producer's writes too.
   */
  private prepare(t: StoredTxn, commit: boolean, fence: boolean, why: string): void {
    const epoch = fence && t.producerEpoch < MAX_EPOCH ? t.producerEpoch + 1 : t.producerEpoch;
    const next: StoredTxn = { ...t, producerEpoch: epoch, lastProducerEpoch: fence ? -1 : t.lastProducerEpoch, state: commit ? 'PrepareCommit' : 'PrepareAbort', updateTimeMs: this.now() };
    this.opts.atomically(() => {
      this.opts.store.save(next);
      this.opts.offsets.endTransaction(t.transactionalId, commit);
    });
    this.txns.set(next.transactionalId, next);
    this.opts.logger.info(`transaction ${t.transactionalId} (producer ${t.producerId}, epoch ${t.producerEpoch}) ${why}: writing ${commit ? 'COMMIT' : 'ABORT'} markers to ${t.partitions.length} partition(s)`);
    this.completeMarkers(next);
  }

  /** Writes the markers of a prepared transaction, storing progress; then CompleteCommit or CompleteAbort. */
  private completeMarkers(t: StoredTxn): void {
    const id = t.transactionalId;
    const commit = t.state === 'PrepareCommit';
    const marker = { producerId: t.producerId, producerEpoch: t.producerEpoch, commit, coordinatorEpoch: this.opts.coordinatorEpoch, partitions: t.partitions };
    const progress = (remaining: TopicPartition[]) => {
      const current = this.txns.get(id);
      if (this.closed || !current || current.partitions.length === remaining.length) return;
      this.save({ ...current, partitions: remaining });
    };
    const loop = writeMarkers(marker, this.opts.cluster, this.opts.markers, progress, () => this.closed, (m) => this.opts.logger.warn(m))
      .then(() => {
        if (this.closed) return;
        const current = this.txns.get(id)!;
        this.save({ ...current, state: commit ? 'CompleteCommit' : 'CompleteAbort', partitions: [], groups: [], startTimeMs: -1, updateTimeMs: this.now() });
      })
      .catch((err: unknown) => this.opts.logger.error(`transaction ${id}: writing markers failed: ${(err as Error).message}`))
      .finally(() => {
        if (this.markerLoops.get(id) === loop) this.markerLoops.delete(id);
      });
    this.markerLoops.set(id, loop);
  }

  /** Aborts every ongoing transaction past its transaction.timeout.ms, fencing its producer (as Kafka does). */
  abortTimedOut(now = this.now()): void {
    for (const t of this.txns.values()) {
      if (t.state === 'Ongoing' && now - t.startTimeMs > t.timeoutMs) this.prepare(t, false, true, `timed out (transaction.timeout.ms ${t.timeoutMs})`);
    }
  }

  /**
   * Forgets the transactional ids unused for transactional.id.expiration.ms, as Kafka's coordinator
   * does: with no transaction (Empty, CompleteCommit, CompleteAbort, no markers being written) and
   * last changed that long ago. An instance still holding the old producer id is then refused
   * (INVALID_PRODUCER_ID_MAPPING), and InitProducerId with the id starts afresh. Returns the ids.
   */
  expireTransactionalIds(now = this.now()): string[] {
    const idle = (t: StoredTxn) => (t.state === 'Empty' || t.state === 'CompleteCommit' || t.state === 'CompleteAbort') && !this.markerLoops.has(t.transactionalId);
    const expired = [...this.txns.values()].filter((t) => idle(t) && t.updateTimeMs <= now - this.idExpirationMs).map((t) => t.transactionalId);
    if (expired.length === 0) return [];
    this.opts.atomically(() => {
      for (const id of expired) this.opts.store.delete(id);
    });
    for (const id of expired) this.txns.delete(id);
    this.opts.logger.info(`expired ${expired.length} transactional id(s) unused for transactional.id.expiration.ms ${this.idExpirationMs}: ${expired.join(', ')}`);
    return expired;
  }

  /**
   * Waits, up to `concurrentWaitMs`, for the markers of the transaction `transactionalId` is ending.
   * Kafka answers CONCURRENT_TRANSACTIONS at once and clients retry; some do not on every request
   * (kafkajs fails sendOffsets right after a commit), and markers behind acks=all replication take
   * longer than Kafka's retry backoff anyway, so the request waits here for what it would retry for.
   */
  private async settled(transactionalId: string): Promise<void> {
    const loop = this.markerLoops.get(transactionalId);
    if (!loop) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loop, new Promise<void>((r) => (timer = setTimeout(r, this.concurrentWaitMs)))]);
    clearTimeout(timer);
  }

  /** Resolves once the transaction's markers (if being written) are all written. */
  async markersWritten(transactionalId: string): Promise<void> {
    await this.markerLoops.get(transactionalId);
  }

  /** `txn` with a transaction ongoing (started now if it was not) and `change` applied. */
  private ongoing(txn: StoredTxn, change: Partial<StoredTxn>): StoredTxn {
    const now = this.now();
    const fresh = txn.state !== 'Ongoing';
    return { ...txn, state: 'Ongoing', startTimeMs: fresh ? now : txn.startTimeMs, updateTimeMs: now, partitions: fresh ? [] : txn.partitions, groups: fresh ? [] : txn.groups, ...change };
  }

  private save(t: StoredTxn): void {
    this.opts.store.save(t);
    this.txns.set(t.transactionalId, t);
  }

  // --- admin ----------------------------------------------------------------------------------------

  describe(call: GroupCall<DescribeTransactionsRequest>): DescribeTransactionsResponse {
    return {
      throttleTimeMs: 0,
      transactionStates: call.request.transactionalIds.map((transactionalId) => {
        const t = this.txns.get(transactionalId);
        if (!t) return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
        const topics = new Map<string, number[]>();
        for (const p of t.partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: t.state,
          transactionTimeoutMs: t.timeoutMs,
          transactionStartTimeMs: t.startTimeMs,
          producerId: t.producerId,
          producerEpoch: t.producerEpoch,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        };
      }),
    };
  }

  /** ListTransactions: by state (any, if none named), producer id, and (v1+) how long the transaction has run. */
  list(call: GroupCall<ListTransactionsRequest>): ListTransactionsResponse {
    const req = call.request;
    const now = this.now();
    const states = new Set(req.stateFilters);
    const producers = new Set(req.producerIdFilters);
    const minDurationMs = req.durationFilter ?? -1;
    const transactionStates = [...this.txns.values()]
      .filter((t) => (states.size === 0 || states.has(t.state)) && (producers.size === 0 || producers.has(t.producerId)))
      .filter((t) => minDurationMs < 0 || (t.startTimeMs >= 0 && now - t.startTimeMs >= minDurationMs))
      .map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: req.stateFilters.filter((s) => !KAFKA_TXN_STATE_NAMES.has(s)), transactionStates };
  }

  /** Stops the timeout and expiry scans and the marker loops (a prepared transaction's markers resume at the next start). */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.expiryTimer);
    this.opts.markers.close();
  }
}

function partitionKey(p: TopicPartition): string {
  return `${p.topic}\u0000${p.partition}`;
}

/** PRODUCER_FENCED for clients that know it, INVALID_PRODUCER_EPOCH (its older name) for the others. */
function fencedError(apiVersion: number, since: number): number {
  return apiVersion >= since ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
}
