import { Admin } from '../client/admin.js';
import { RoundRobinAssignor } from '../client/assignors.js';
import { GroupAdmin } from '../client/group-admin.js';
import { GroupConsumer } from '../client/group-consumer.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { Producer } from '../client/producer.js';
import { ErrorCode, errorName, KafkaError } from '../common/errors.js';
import { parseSeq } from './checker.js';
import { History } from './history.js';
import { sleep, stamp } from './nemesis.js';
import { Prng } from './prng.js';
import { endOffsets, FINAL_READ_BOUND_MS, LiveReader, readAll, settle, SETTLE_BOUND_MS } from './reading.js';
import { formatTxnSummary } from './report.js';
import { DELIVERY_TIMEOUT_MS, FLUSH_BOUND_MS, flushBounded, interrupted, produceSequence, TOPIC, type WorkloadContext, type WorkloadResult } from './workload.js';
import { checkTxn, txnViolations, type TxnAttempt } from './txn-checker.js';

export const OUTPUT_TOPIC = 'chaos-out';
export const TXN_GROUP = 'yak-chaos-txn';
/** Transformers in the group, each with a transactional id of its own. */
const TRANSFORMERS = 3;
/** Input records one transaction carries over at most (one poll's worth). */
const MAX_RECORDS_PER_TXN = 100;
/** The share of transactions aborted on purpose (after writing their output and offsets). */
const DELIBERATE_ABORT_RATIO = 0.2;
/**
 * The share of transactions whose instance turns zombie before committing: another instance with its
 * transactional id starts (fencing it, and aborting its transaction), then it tries to commit anyway.
 * Each transformer's ZOMBIE_AT-th transaction is one, so every run has some.
 */
const ZOMBIE_RATIO = 0.02;
const ZOMBIE_AT = 10;
/** Short, so a transformer stuck behind a fault now and then has its transaction aborted by the coordinator. */
const TRANSACTION_TIMEOUT_MS = 20_000;
/**
 * Up to this long after a poll, and again between sending a transaction's offsets and ending it (its
 * "processing time"), so a rebalance now and then hands a partition over meanwhile: the old owner's
 * offsets must then be refused (its generation is gone, KIP-447), and the new owner must wait for
 * offsets still pending (OffsetFetch require_stable), or the input is carried over twice.
 */
const MAX_PROCESSING_MS = 50;
/** One transaction in ten is slow: up to this long after its poll, longer than a rebalance takes. */
const SLOW_PROCESSING_RATIO = 0.1;
const MAX_SLOW_PROCESSING_MS = 1500;
/** How long the pipeline may take, after the faults, to carry over the last input records. */
const CATCH_UP_BOUND_MS = 60_000;
/** A transformer that failed waits this long before its next instance starts. */
const RESTART_BACKOFF_MS = 500;

/** An error as counted in the table: by its code, as the messages name epochs and offsets, which differ every time. */
const reason = (err: unknown) => (err instanceof KafkaError ? errorName(err.code) : (err as Error).message);
const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

const FENCED = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH]);

/** Input seq -> output partition: spread so that one input partition's records go to every output partition (a transaction spans partitions). */
const outputPartition = (seq: number, partitions: number) => Math.floor(seq / partitions) % partitions;

/**
 * `yak chaos --workload txn`: a transactional consume-transform-produce pipeline under the nemesis. A
 * seeder (the default workload's idempotent producer) writes seq 0, 1, 2, ... to the input topic;
 * TRANSFORMERS members of group TXN_GROUP read it read_committed and, per poll, in one transaction,
 * write `seq@txn` to the output topic and commit their input offsets (sendOffsetsToTransaction with
 * the poll's group metadata, KIP-447). A fifth of the transactions abort on purpose; a failure
 * aborts one; now and then an instance is fenced by a newer one just before it commits (a zombie);
 * a fencing or an unanswered commit ends the instance and a new one takes its transactional id. After the faults: the seeder flushes, the group catches up, the transformers
 * stop, every transaction ends; the input is read back, and the output read_committed, for the
 * checker (txn-checker.ts).
 */
export async function runTxnWorkload(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { opts, clock, signal, out } = ctx;
  const rf = Math.min(3, opts.brokers);
  await new Admin(ctx.newClient('yak-chaos-admin')).createTopic(OUTPUT_TOPIC, opts.partitions, rf);
  const seeder = new Producer(ctx.newClient('yak-chaos-seeder'), { acks: -1, idempotent: true, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, lingerMs: 10 });
  await seeder.partitionsOf(TOPIC);
  const live = new LiveReader(ctx.newClient('yak-chaos-live'), OUTPUT_TOPIC, 'read_committed');
  ctx.closers.push(async () => void (await live.close()));
  await live.start();
  out(`${TRANSFORMERS} transformers in group ${TXN_GROUP}: ${TOPIC} -> ${OUTPUT_TOPIC} (read_committed, up to ${MAX_RECORDS_PER_TXN} records a transaction, ${DELIBERATE_ABORT_RATIO * 100}% aborted on purpose)`);

  const txns: TxnAttempt[] = [];
  const transformers = Array.from({ length: TRANSFORMERS }, (_, i) => new Transformer(i, ctx, txns, new Prng(opts.seed + 1 + i)));
  ctx.closers.push(async () => void (await Promise.all(transformers.map((t) => t.stop()))));
  ctx.begin();
  for (const t of transformers) t.start();
  const history = new History(opts.partitions);
  const [, measures] = await Promise.all([produceSequence(seeder, history, opts, clock, signal, out), ctx.runFaults(history)]);
  if (signal.aborted) throw interrupted();

  out(`${stamp(clock())} faults over: ${history.sent} input records handed to the seeder; flushing, then waiting for the pipeline to carry them over`);
  const problems: string[] = [];
  if (!(await flushBounded(seeder, signal))) problems.push(`the seeder still had unanswered records after ${FLUSH_BOUND_MS / 1000} s (they count as unacknowledged)`);
  const needEnd = new Array<number>(opts.partitions).fill(0);
  for (const a of history.acked()) needEnd[a.partition] = Math.max(needEnd[a.partition]!, a.offset + 1);
  const inputEnds = await settle(ctx.view, ctx.newClient('yak-chaos-settle'), TOPIC, opts.partitions, needEnd, signal);
  if (signal.aborted) throw interrupted();
  const caughtUp = await catchUp(ctx.newClient('yak-chaos-group'), inputEnds.offsets, signal);
  if (!caughtUp) problems.push(`the group had not committed its way to the end of ${TOPIC} within ${CATCH_UP_BOUND_MS / 1000} s`);
  await Promise.all(transformers.map((t) => t.stop()));
  const seenDuringRun = await live.close();
  const zombies = transformers.flatMap((t) => t.zombieCommits);
  if (zombies.length > 0) problems.push(`${zombies.length} transaction(s) committed by a fenced instance (zombie): ${zombies.slice(0, 10).join(', ')}`);

  // Every transaction has ended (the last ones by their producer, or by the next instance's fencing): the last stable offset reaches the high watermark.
  const checkClient = ctx.newClient('yak-chaos-check');
  const outputEnds = await stableEnds(checkClient, opts.partitions, signal);
  if (outputEnds.open) problems.push(`${OUTPUT_TOPIC} still had an open transaction ${SETTLE_BOUND_MS / 1000} s after the pipeline stopped (read up to its last stable offset)`);
  out(`${stamp(clock())} reading ${TOPIC} (${inputEnds.offsets.join(', ')}) and ${OUTPUT_TOPIC} read_committed (${outputEnds.offsets.join(', ')}) to their ends`);
  const input = await readAll(checkClient, TOPIC, inputEnds.offsets, signal);
  const output = await readAll(checkClient, OUTPUT_TOPIC, outputEnds.offsets, signal, 'read_committed');
  if (signal.aborted) throw interrupted();
  for (const r of [input, output]) if (r.incomplete) problems.push(r.incomplete);

  const inputs = new Set<number>();
  for (const r of input.records) {
    const seq = parseSeq(r.value);
    if (seq !== null) inputs.add(seq);
  }
  const result = checkTxn({ inputs, txns, output: output.records, seenDuringRun });
  const failures = [...txnViolations(result), ...problems];
  const summary = formatTxnSummary({
    check: result,
    inputSent: history.sent,
    inputAcknowledged: history.ackedCount(),
    readDuringRun: seenDuringRun.length,
    liveConsumerError: live.error,
    transformers: transformers.map((t) => ({ instanceEnds: t.instanceEnds, abortCauses: t.abortCauses })),
    measures,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    problems,
  });
  return { failures, summary, check: result, measures };
}

/** Waits (bounded) until the group's committed offsets reach `ends` on every input partition; false if they did not. */
async function catchUp(client: KafkaClient, ends: number[], signal: AbortSignal): Promise<boolean> {
  const groups = new GroupAdmin(client);
  const deadline = performance.now() + CATCH_UP_BOUND_MS;
  while (!signal.aborted && performance.now() < deadline) {
    const d = await groups.describeGroup(TXN_GROUP).catch(() => null);
    const committed = new Map((d?.partitions ?? []).filter((p) => p.topic === TOPIC).map((p) => [p.partition, p.committedOffset ?? 0]));
    if (ends.every((end, p) => (committed.get(p) ?? 0) >= end)) return true;
    await sleep(500, signal);
  }
  return false;
}

/** The output's end offsets once its last stable offset has caught up with its high watermark (bounded: then the last stable offsets). */
async function stableEnds(client: KafkaClient, partitions: number, signal: AbortSignal): Promise<{ offsets: number[]; open: boolean }> {
  const deadline = performance.now() + SETTLE_BOUND_MS;
  for (;;) {
    const bound = performance.now() + FINAL_READ_BOUND_MS;
    const stable = await endOffsets(client, OUTPUT_TOPIC, partitions, bound, 'read_committed');
    const high = await endOffsets(client, OUTPUT_TOPIC, partitions, bound);
    const open = stable.some((o, p) => o < high[p]!);
    if (!open || performance.now() > deadline || signal.aborted) return { offsets: stable, open };
    await sleep(500, signal);
  }
}

/**
 * One member of the pipeline: instances (a client, a read_committed group consumer whose offsets are
 * committed in transactions, a transactional producer) one after another under one transactional id,
 * each running transactions until it fails for good (fenced, a commit unanswered, the consumer
 * failed); then the next one fences it and takes over.
 */
class Transformer {
  /** Why each instance ended, counted. */
  readonly instanceEnds = new Map<string, number>();
  /** What made transactions abort that were not aborted on purpose, counted. */
  readonly abortCauses = new Map<string, number>();
  /** Transactions committed by an instance after a newer one had fenced it: each is a violation. */
  readonly zombieCommits: string[] = [];
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private nextTxn = 0;

  constructor(
    private readonly index: number,
    private readonly ctx: WorkloadContext,
    private readonly txns: TxnAttempt[],
    private readonly rng: Prng,
  ) {}

  start(): void {
    this.running = this.run();
  }

  /** Ends the transaction under way (committing or aborting it as it would) and closes the instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    const transactionalId = `yak-chaos-txn-${this.index}`;
    while (!this.stopped && !this.ctx.signal.aborted) {
      const client = this.ctx.newClient(transactionalId);
      const producer = new Producer(client, { transactionalId, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, lingerMs: 5 });
      const consumer = new GroupConsumer(client, {
        topic: TOPIC,
        groupId: TXN_GROUP,
        resetTo: 'earliest',
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 500,
        autoCommitIntervalMs: null,
        assignors: [RoundRobinAssignor],
        isolation: 'read_committed',
        offsetsInTransactions: true,
      });
      let started = false;
      const fence = async () => {
        const newer = new Producer(this.ctx.newClient(`${transactionalId}-newer`), { transactionalId, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS });
        await newer.initTransactions().finally(() => newer.close(0));
      };
      try {
        await producer.initTransactions();
        await producer.partitionsOf(OUTPUT_TOPIC);
        await consumer.start();
        started = true;
        while (!this.stopped && !this.ctx.signal.aborted) await this.transact(producer, consumer, fence);
      } catch (err) {
        count(this.instanceEnds, `${started ? '' : 'while starting, '}${reason(err)}`);
        if (!this.stopped) await sleep(RESTART_BACKOFF_MS, this.ctx.signal);
      } finally {
        await consumer.close().catch(() => undefined);
        await producer.close(5000).catch(() => undefined);
        client.close();
      }
    }
  }

  /**
   * One poll's records carried over in one transaction: output records and input offsets, then
   * commit (or abort, on purpose or after a failure, and read the input again from the committed
   * offsets). Throws when the instance is done: fenced, or the commit's outcome is unknown.
   * `fence` starts a newer instance (its InitProducerId) to make this one a zombie.
   */
  private async transact(producer: Producer, consumer: GroupConsumer, fence: () => Promise<void>): Promise<void> {
    const records = await consumer.poll(200, MAX_RECORDS_PER_TXN);
    if (records.length === 0) return;
    const group = consumer.groupMetadata();
    await sleep(this.rng.next() * (this.rng.next() < SLOW_PROCESSING_RATIO ? MAX_SLOW_PROCESSING_MS : MAX_PROCESSING_MS));
    const offsets = new Map<number, number>();
    for (const r of records) offsets.set(r.partition, Math.max(offsets.get(r.partition) ?? 0, r.offset + 1));
    const attempt: TxnAttempt = { id: `t${this.index}.${this.nextTxn++}`, outcome: 'aborted', deliberate: false, records: [] };
    this.txns.push(attempt);
    const partitions = this.ctx.opts.partitions;
    let failure: unknown = null;
    producer.beginTransaction();
    try {
      for (const r of records) {
        const seq = parseSeq(r.value?.toString('utf8') ?? null);
        if (seq === null) continue;
        const partition = outputPartition(seq, partitions);
        producer.send(OUTPUT_TOPIC, { value: Buffer.from(`${seq}@${attempt.id}`), partition }, (err) => (failure ??= err));
        attempt.records.push({ seq, partition });
      }
      await producer.sendOffsetsToTransaction(TOPIC, offsets, group);
      await producer.flush();
      await sleep(this.rng.next() * MAX_PROCESSING_MS);
    } catch (err) {
      failure ??= err;
    }
    if (failure !== null) count(this.abortCauses, reason(failure));
    attempt.deliberate = failure === null && this.rng.next() < DELIBERATE_ABORT_RATIO;
    if (failure !== null || attempt.deliberate) {
      // Never asked to commit: it can only end aborted (here, or by the next instance's fencing).
      await producer.abortTransaction();
      await consumer.rewindToCommitted();
      return;
    }
    const zombie = this.nextTxn === ZOMBIE_AT || this.rng.next() < ZOMBIE_RATIO;
    if (zombie) await fence();
    attempt.outcome = 'unknown';
    try {
      await producer.commitTransaction();
    } catch (err) {
      // Fenced before it asked, a zombie's commit is refused: its transaction can only be aborted.
      if (zombie && err instanceof KafkaError && FENCED.has(err.code)) attempt.outcome = 'aborted';
      throw err;
    }
    attempt.outcome = 'committed';
    if (zombie) {
      this.zombieCommits.push(attempt.id);
      throw new Error(`zombie ${attempt.id} committed after a newer instance of its transactional id started`);
    }
  }
}
