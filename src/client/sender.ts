import { ErrorCode, KafkaError } from '../common/errors.js';
import { maxInFlightProduceRequestsPerBroker, maxProduceRequestBytes } from '../common/limits.js';
import { ProduceApi, type ProducePartitionResponse, type ProduceRequest } from '../protocol/apis/produce.js';
import { setProducerState } from '../protocol/record-batch-builder.js';
import { ClientVersions, sleep, type KafkaClient } from './kafka-client.js';
import type { ProducerIdState } from './producer-id-state.js';
import { recordCallback, type ProducerBatch, type RecordAccumulator } from './record-accumulator.js';
import type { TransactionManager } from './transaction-manager.js';

export interface SenderOptions {
  acks: 0 | 1 | -1;
  compression: number;
  transactionalId: string | undefined;
  deliveryTimeoutMs: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** Batches per partition in flight (ProducerOptions.maxInFlight). */
  maxInFlight: number;
  onRetry: ((topic: string, partition: number, error: Error) => void) | undefined;
}

/**
 * Sends the accumulator's batches to partition leaders and settles them, as Kafka's Sender. An
 * producer keeps up to maxInFlight batches per partition in flight (Kafka's
 * max.in.flight.requests.per.connection, 5). An idempotent one's are stored in sequence order, the
 * broker refusing a gap, so when one fails (NOT_LEADER_OR_FOLLOWER, a dead broker, a timeout) it and
 * everything after it are sent again in order, one at a time until they are through. Without
 * idempotence the ones sent behind a failed batch are stored before its retry, as in Kafka (ordering
 * through retries needs idempotence or maxInFlight 1); the partition then sends one at a time too. Callbacks fire once per
 * record, with its offset or the error that ended its retries.
 *
 * As Kafka's Sender, a request carries every sendable partition's next batch for its leader, and
 * each leader has at most maxInFlightProduceRequestsPerBroker requests in flight: batches closed
 * meanwhile wait and go together in the next request, so a topic of many partitions takes as few
 * requests as one of a few.
 *
 * With a transaction: a partition's first batch waits until AddPartitionsToTxn took the partition in;
 * a batch failing for good makes the transaction abortable (the batches still queued fail with it).
 */
export class Sender {
  /** Batches sent and not answered yet, per partition, oldest first. */
  private readonly inFlight = new Map<string, ProducerBatch[]>();
  /**
   * Partitions where a batch failed and waits to be sent again: they send one batch at a time until
   * those are through, so a retry is stored before anything that came after it.
   */
  private readonly recovering = new Set<string>();
  /** In-flight batches sent behind a batch the broker refused for good (see `resequence`). */
  private readonly refusedBehind = new Set<ProducerBatch>();
  /** Produce requests sent to each leader and not answered yet. */
  private readonly requestsInFlight = new Map<number, number>();
  private refreshing = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly opts: SenderOptions,
    private readonly accumulator: RecordAccumulator,
    private readonly ids: ProducerIdState,
    private readonly txn: TransactionManager | null,
  ) {}

  /**
   * Sends ready batches: per leader, as many requests as it has free slots, each of at most one batch
   * per partition and maxProduceRequestBytes (a larger batch goes alone). `only`: the partitions
   * whose queues changed since the last drain (batches closed); every other queue is as that drain
   * left it, waiting for what an answer or a refresh drains again (a free slot, a leader), so only
   * they are looked at: a drain per closed batch must not walk every partition of a 1000-partition topic.
   */
  drain(only?: readonly string[]): void {
    if (this.txn && !this.transactionMaySend()) return;
    if (this.ids.gap) {
      // Renew once nothing is in flight: a batch under the old id that must go again stays ahead of
      // the new id's batches (each answer drains again, so this comes back).
      if ([...this.inFlight.values()].every((f) => f.length === 0)) void this.renewProducerId();
      return;
    }
    const rounds = new Map<number, { batches: ProducerBatch[]; bytes: number }[]>();
    let leaderless: string | null = null;
    const toAdd: { topic: string; partition: number }[] = [];
    const ready = this.accumulator.ready;
    // Always an array of keys: a loop over either the Map or an array of pairs deoptimized on the one it had not met (wrong map).
    const keys = only ?? [...ready.keys()];
    for (const k of keys) {
      const q = ready.get(k);
      if (!q) continue;
      const first = q[0];
      if (!first) {
        // Emptied queues go, so a drain walks only the partitions with something to send.
        ready.delete(k);
        continue;
      }
      if (this.txn && !this.txn.isAdded(first.topic, first.partition)) {
        toAdd.push({ topic: first.topic, partition: first.partition });
        continue;
      }
      const leader = this.client.leaderOf(first.topic, first.partition);
      if (leader < 0) {
        leaderless = first.topic;
        continue;
      }
      const slots = maxInFlightProduceRequestsPerBroker - (this.requestsInFlight.get(leader) ?? 0);
      if (slots <= 0) continue;
      const flying = this.inFlight.get(k) ?? [];
      const limit = this.recovering.has(k) ? 1 : this.opts.maxInFlight;
      let leaderRounds = rounds.get(leader);
      if (!leaderRounds) rounds.set(leader, (leaderRounds = []));
      // Round r is the leader's r-th request: a partition's batches go in increasing rounds, so in order.
      for (let r = 0; r < slots && q.length > 0 && flying.length < limit; r++) {
        const round = (leaderRounds[r] ??= { batches: [], bytes: 0 });
        if (round.batches.length > 0 && round.bytes + q[0]!.bytes > maxProduceRequestBytes) continue;
        const b = q.shift()!;
        flying.push(b);
        round.batches.push(b);
        round.bytes += b.bytes;
      }
      this.inFlight.set(k, flying);
      if (q.length === 0) ready.delete(k);
    }
    if (toAdd.length > 0) this.txn!.addPartitions(toAdd).then(() => this.drain(), () => this.drain());
    if (leaderless !== null) void this.refreshThenDrain(leaderless);
    for (const [leader, list] of rounds) {
      for (const { batches } of list) {
        if (batches.length === 0) continue;
        this.requestsInFlight.set(leader, (this.requestsInFlight.get(leader) ?? 0) + 1);
        void this.sendToLeader(leader, batches);
      }
    }
  }

  private async sendToLeader(leader: number, batches: ProducerBatch[]): Promise<void> {
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
    const retry: ProducerBatch[] = [];
    try {
      if (this.opts.acks === 0) {
        await this.client.send(leader, ProduceApi, ClientVersions.Produce, req, { expectResponse: false });
        for (const b of batches) this.landed(b, null, -1);
      } else {
        const topicNames = [...topics.keys()];
        const stillLeads = () => batches.every((b) => this.client.leaderOf(b.topic, b.partition) === leader);
        const res = await this.client.sendToLeader(leader, topicNames, stillLeads, ProduceApi, ClientVersions.Produce, req, { timeoutMs: this.opts.requestTimeoutMs + 5000 });
        const answers = new Map<string, ProducePartitionResponse>();
        for (const t of res.responses) for (const x of t.partitionResponses) answers.set(this.accumulator.keyOf(t.name, x.index), x);
        for (const b of batches) {
          const p = answers.get(b.key);
          const code = p?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
          if (code === ErrorCode.NONE) this.landed(b, null, p!.baseOffset);
          else if (this.resequence(b) || new KafkaError(code).retriable || (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.afterAFailure(b))) {
            b.lastError = new KafkaError(code);
            retry.push(b);
          }
          else {
            // Refused for good: the broker never stored it, so the batches sent behind it will be refused too.
            if (b.sequenced) for (const x of this.inFlight.get(b.key) ?? []) if (x.id > b.id) this.refusedBehind.add(x);
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
    this.requestsInFlight.set(leader, this.requestsInFlight.get(leader)! - 1);
    if (retry.length > 0) {
      const now = Date.now();
      for (const b of retry) {
        this.leaveFlight(b);
        const last = b.lastError ? `; the last attempt got ${b.lastError.message}` : '';
        if (now - b.createdMs > this.opts.deliveryTimeoutMs) this.giveUp(b, ErrorCode.REQUEST_TIMED_OUT, `gave up on ${b.topic}-${b.partition} after ${b.attempts} attempts in ${this.opts.deliveryTimeoutMs} ms${last}`);
        else {
          if (b.lastError) this.opts.onRetry?.(b.topic, b.partition, b.lastError);
          this.recovering.add(b.key);
          this.accumulator.enqueue(b);
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
  private resequence(b: ProducerBatch): boolean {
    if (!this.refusedBehind.delete(b)) return false;
    b.sequenced = false;
    b.sequenceRefused = true;
    return true;
  }

  /**
   * OUT_OF_ORDER_SEQUENCE_NUMBER is expected, and retried, for a batch sent behind one that failed:
   * the broker refused it because the earlier one is missing, not because of a real gap.
   */
  private afterAFailure(b: ProducerBatch): boolean {
    const k = b.key;
    return this.recovering.has(k) || (this.inFlight.get(k) ?? []).some((x) => x.id < b.id);
  }

  private leaveFlight(b: ProducerBatch): void {
    const flying = this.inFlight.get(b.key);
    const i = flying?.indexOf(b) ?? -1;
    if (i >= 0) flying!.splice(i, 1);
  }

  /** A batch's final answer. */
  private landed(b: ProducerBatch, err: Error | null, baseOffset: number): void {
    this.leaveFlight(b);
    this.endRecoveryIfClear(b.key);
    this.complete(b, err, baseOffset);
  }

  /** A partition recovers once nothing is in flight and nothing sent before is waiting to go again. */
  private endRecoveryIfClear(k: string): void {
    const waiting = this.accumulator.ready.get(k)?.[0];
    if ((this.inFlight.get(k) ?? []).length === 0 && !(waiting && waiting.attempts > 0)) this.recovering.delete(k);
  }

  /**
   * Delivery timeout: the batch fails, and so do the batches of its partition already sent once and
   * waiting to go again (their sequence numbers follow one the broker may never get).
   */
  private giveUp(b: ProducerBatch, code: number, reason: string): void {
    const k = b.key;
    const q = this.accumulator.ready.get(k) ?? [];
    const stranded: ProducerBatch[] = [];
    for (let i = q.length - 1; b.sequenced && i >= 0; i--) if (q[i]!.attempts > 0) stranded.unshift(...q.splice(i, 1));
    for (const x of [b, ...stranded]) {
      this.complete(x, new KafkaError(code, reason), -1);
    }
    this.endRecoveryIfClear(k);
  }

  /**
   * After a sequenced batch failed for good, every later batch of its partition would be refused with
   * OUT_OF_ORDER_SEQUENCE_NUMBER: start over under a new producer id. Batches already sent keep their
   * bytes, so a retry of one is still recognised by the broker as the duplicate it may be.
   */
  private async renewProducerId(): Promise<void> {
    try {
      if (!(await this.ids.renew())) return;
    } catch (err) {
      // No new id: what waits cannot be sent in order; the next send tries again.
      for (const b of this.accumulator.takeAllReady()) this.complete(b, err as Error, -1);
      return;
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
    for (const b of this.accumulator.takeAllReady()) this.complete(b, why, -1);
    return false;
  }

  /**
   * The batch's bytes, built at its first send; a batch resequenced (see `resequence`) keeps its
   * records' bytes and takes the current producer id and a new base sequence.
   */
  private encode(b: ProducerBatch): Buffer {
    if (b.encoded && !b.sequenceRefused) return b.encoded;
    b.sequenceRefused = false;
    const sequence = this.ids.hasId ? { producerId: this.ids.producerId, producerEpoch: this.ids.producerEpoch, baseSequence: this.ids.nextSequence(b.key, b.recordCount) } : null;
    b.sequenced = sequence !== null;
    if (b.encoded) {
      setProducerState(b.encoded, sequence?.producerId ?? -1, sequence?.producerEpoch ?? -1, sequence?.baseSequence ?? -1);
      return b.encoded;
    }
    b.encoded = b.builder!.build({ compression: this.opts.compression, transactional: this.txn !== null, ...sequence });
    b.builder = null;
    this.accumulator.built(b);
    return b.encoded;
  }

  private async refreshThenDrain(topic: string): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    await sleep(this.opts.retryBackoffMs);
    await this.client.refreshMetadata([topic]).catch(() => undefined);
    this.refreshing = false;
    const now = Date.now();
    for (const q of this.accumulator.ready.values()) {
      while (q[0] && now - q[0].createdMs > this.opts.deliveryTimeoutMs) {
        const b = q.shift()!;
        this.giveUp(b, ErrorCode.LEADER_NOT_AVAILABLE, `no leader for ${b.topic}-${b.partition}`);
      }
    }
    this.drain();
  }

  private complete(b: ProducerBatch, err: Error | null, baseOffset: number): void {
    if (err && b.sequenced) this.ids.gap = true;
    if (err) this.txn?.failed(err);
    for (let i = 0; i < b.recordCount; i++) {
      recordCallback(b, i)?.(err, { topic: b.topic, partition: b.partition, offset: err || baseOffset < 0 ? -1 : baseOffset + i });
    }
    this.accumulator.release(b);
  }
}
