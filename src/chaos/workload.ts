import type { KafkaClient } from '../client/kafka-client.js';
import type { Producer } from '../client/producer.js';
import { UserError } from '../common/errors.js';
import type { CheckResult } from './checker.js';
import type { CoordinatorView } from './coordinator-view.js';
import type { History } from './history.js';
import { sleep, stamp } from './nemesis.js';
import type { FaultMeasure } from './report.js';
import type { ChaosOptions } from './run.js';
import type { TxnCheckResult } from './txn-checker.js';

/** The topic of the default workload; the txn workload's input topic. */
export const TOPIC = 'chaos';
export const DELIVERY_TIMEOUT_MS = 30_000;
export const FLUSH_BOUND_MS = 90_000;

export function interrupted(): UserError {
  return new UserError('interrupted: the cluster was stopped, nothing was checked', 130);
}

/** What a workload gets from runChaos: the cluster's clients, the clock, and the faults to run. */
export interface WorkloadContext {
  opts: ChaosOptions;
  newClient: (clientId: string) => KafkaClient;
  view: CoordinatorView;
  clock: () => number;
  signal: AbortSignal;
  out: (line: string) => void;
  /** Run (in reverse order) when the run ends, before the clients close. */
  closers: (() => void | Promise<void>)[];
  /** Starts the run's clock (time 0) and the view's watch: call it just before the workload starts. */
  begin: () => void;
  /** Runs the nemesis for the run's duration, measuring each fault against `history`'s acknowledgements; resolves once the last fault healed. */
  runFaults: (history: History) => Promise<FaultMeasure[]>;
}

export interface WorkloadResult {
  failures: string[];
  summary: string[];
  check: CheckResult | TxnCheckResult;
  measures: FaultMeasure[];
}

/** Flushes, waiting at most FLUSH_BOUND_MS (or until interrupted); false if records were still unanswered. */
export async function flushBounded(producer: Producer, signal: AbortSignal): Promise<boolean> {
  const flushBound = new AbortController();
  const stopBound = () => flushBound.abort();
  signal.addEventListener('abort', stopBound, { once: true });
  const flushed = await Promise.race([producer.flush().then(() => true), sleep(FLUSH_BOUND_MS, flushBound.signal).then(() => false)]);
  flushBound.abort();
  signal.removeEventListener('abort', stopBound);
  if (signal.aborted) throw interrupted();
  return flushed;
}

/**
 * The workload: record seq = 0, 1, 2, ... at `rate` per second, value String(seq), to partition
 * seq % partitions, until the run's duration is over.
 */
export async function produceSequence(producer: Producer, history: History, opts: ChaosOptions, clock: () => number, signal: AbortSignal, out: (line: string) => void): Promise<void> {
  let sendError: string | null = null;
  while (!signal.aborted && clock() < opts.durationMs) {
    const due = Math.min(Math.floor((clock() * opts.rate) / 1000), Math.floor((opts.durationMs * opts.rate) / 1000));
    while (history.sent < due) {
      const seq = history.recordSent(clock());
      try {
        producer.send(TOPIC, { key: null, value: Buffer.from(String(seq)), partition: seq % opts.partitions }, (err, meta) => {
          if (err || !meta) history.recordFailure(err ?? new Error('no metadata'));
          else history.recordAck(seq, meta.offset, clock());
        });
      } catch (err) {
        // Not queued: it stays unacknowledged. Say so once.
        history.recordFailure(err as Error);
        if (sendError === null) out(`${stamp(clock())} note: the producer refused a record: ${(sendError = (err as Error).message)}`);
      }
    }
    await sleep(10, signal);
  }
}
