import { Producer } from '../client/producer.js';
import { check, violations } from './checker.js';
import { History } from './history.js';
import { stamp } from './nemesis.js';
import { LiveReader, readAll, settle, SETTLE_BOUND_MS } from './reading.js';
import { formatSummary } from './report.js';
import { DELIVERY_TIMEOUT_MS, FLUSH_BOUND_MS, flushBounded, interrupted, produceSequence, TOPIC, type WorkloadContext, type WorkloadResult } from './workload.js';

/**
 * The default workload: an idempotent producer of sequence-numbered records and a consumer reading
 * along; at the end every acknowledged record must be read back once, in order, at the offset its ack named.
 */
export async function runRecordsWorkload(ctx: WorkloadContext): Promise<WorkloadResult> {
  const { opts, clock, signal, out, view } = ctx;
  const acks = opts.acks === 'all' ? -1 : 1;
  // acks=1: one batch per partition in flight, so what the checker finds is what acks=1 loses, not
  // the reordering Kafka's in-flight default allows a producer without idempotence.
  const producer = new Producer(ctx.newClient('yak-chaos-producer'), { acks, idempotent: acks === -1, maxInFlight: acks === -1 ? undefined : 1, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, lingerMs: 10 });
  await producer.partitionsOf(TOPIC);

  // The consumer reading along.
  const live = new LiveReader(ctx.newClient('yak-chaos-live'), TOPIC);
  ctx.closers.push(async () => void (await live.close()));
  await live.start();

  ctx.begin();
  const history = new History(opts.partitions);
  const [, measures] = await Promise.all([produceSequence(producer, history, opts, clock, signal, out), ctx.runFaults(history)]);
  if (signal.aborted) throw interrupted();

  // Heal (the nemesis healed its last fault), flush, settle.
  out(`${stamp(clock())} faults over: ${history.sent} records handed to the producer; flushing`);
  const failures: string[] = [];
  if (!(await flushBounded(producer, signal))) failures.push(`the producer still had unanswered records after ${FLUSH_BOUND_MS / 1000} s (they count as unacknowledged)`);
  const acked = history.acked();
  const needEnd = new Array<number>(opts.partitions).fill(0);
  for (const a of acked) needEnd[a.partition] = Math.max(needEnd[a.partition]!, a.offset + 1);
  const ends = await settle(view, ctx.newClient('yak-chaos-settle'), TOPIC, opts.partitions, needEnd, signal);
  if (signal.aborted) throw interrupted();
  if (!ends.inSync) out(`${stamp(clock())} note: the ISR was not full again within ${SETTLE_BOUND_MS / 1000} s; reading anyway`);
  out(`${stamp(clock())} reading ${TOPIC} to its end (${ends.offsets.map((o, p) => `${TOPIC}-${p}: ${o}`).join(', ')})`);
  const seenDuringRun = await live.close();

  const read = await readAll(ctx.newClient('yak-chaos-check'), TOPIC, ends.offsets, signal);
  if (signal.aborted) throw interrupted();
  if (read.incomplete) failures.push(read.incomplete);

  const result = check({ sent: history.sent, partitions: opts.partitions, acked, read: read.records, seenDuringRun });
  const problems = [...failures];
  failures.unshift(...violations(result));
  const summary = formatSummary({
    check: result,
    readDuringRun: seenDuringRun.length,
    liveConsumerError: live.error,
    producerErrors: history.errors,
    measures,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    problems,
  });
  return { failures, summary, check: result, measures };
}

