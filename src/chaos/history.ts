import type { AckedRecord } from './checker.js';

/**
 * What happened to each record of the chaos workload, indexed by seq: when it was handed to the
 * producer, and when and at which offset it was acknowledged (or that it failed). Record `seq` goes
 * to partition `seq % partitions`. Times are milliseconds on the run's monotonic clock.
 */
export class History {
  readonly sentMs: number[] = [];
  /** NaN until acknowledged. */
  readonly ackMs: number[] = [];
  /** -1 until acknowledged. */
  readonly offset: number[] = [];
  /** Records whose send ended in an error (after the producer's retries): unacknowledged, not lost. */
  failed = 0;
  readonly errors = new Map<string, number>();

  constructor(readonly partitions: number) {}

  get sent(): number {
    return this.sentMs.length;
  }

  /** Registers the next record; returns its seq. */
  recordSent(nowMs: number): number {
    this.sentMs.push(nowMs);
    this.ackMs.push(NaN);
    this.offset.push(-1);
    return this.sentMs.length - 1;
  }

  recordAck(seq: number, offset: number, nowMs: number): void {
    this.ackMs[seq] = nowMs;
    this.offset[seq] = offset;
  }

  recordFailure(err: Error): void {
    this.failed++;
    this.errors.set(err.message, (this.errors.get(err.message) ?? 0) + 1);
  }

  acked(): AckedRecord[] {
    const out: AckedRecord[] = [];
    for (let seq = 0; seq < this.offset.length; seq++) {
      if (this.offset[seq]! >= 0) out.push({ seq, partition: seq % this.partitions, offset: this.offset[seq]! });
    }
    return out;
  }

  /** How many records were acknowledged (so far). */
  ackedCount(): number {
    let n = 0;
    for (const o of this.offset) if (o >= 0) n++;
    return n;
  }
}

/**
 * Unavailability of one partition after a fault at `tMs`: the time from `tMs` to the first
 * acknowledgement of a record sent to that partition at or after `tMs`. Null if no such record was
 * acknowledged (yet).
 */
export function unavailableMs(h: History, partition: number, tMs: number): number | null {
  // First seq sent at or after tMs (sentMs never decreases).
  let lo = 0;
  let hi = h.sentMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.sentMs[mid]! < tMs) lo = mid + 1;
    else hi = mid;
  }
  let best = Infinity;
  const first = lo + ((((partition - lo) % h.partitions) + h.partitions) % h.partitions);
  for (let seq = first; seq < h.sentMs.length; seq += h.partitions) {
    // A record sent after the best acknowledgement so far cannot have been acknowledged before it.
    if (h.sentMs[seq]! > best) break;
    const ack = h.ackMs[seq]!;
    if (ack < best) best = ack;
  }
  return best === Infinity ? null : best - tMs;
}
