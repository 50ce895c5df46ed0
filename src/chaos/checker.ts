/**
 * The chaos checker: a pure function from what the producer was told and what the log holds to the
 * list of broken promises. Kept small on purpose (it is the judge of everything else).
 *
 * The workload it judges: record `seq` (0, 1, 2, ...) has the value `String(seq)` and was sent to
 * partition `seq % partitions` by one idempotent producer, in seq order.
 *
 * Rules (a violation is any non-empty list):
 * - lost:       an acknowledged seq that the final read does not contain;
 * - duplicated: a seq the final read contains more than once (each extra copy is listed);
 * - reordered:  within a partition, in offset order, a seq not greater than the one before it
 *               (extra copies of a duplicated seq are skipped here: they are counted as duplicated);
 * - misplaced:  an acknowledged seq whose (first) copy is not at the partition and offset its ack named;
 * - unexpected: a value that is not a seq we sent, or a seq in a partition it was not sent to;
 * - phantom:    a record a consumer saw during the run that the final read does not have at the same
 *               partition and offset (consumers must only see committed records, which never go away).
 * Records sent but never acknowledged may or may not be present: either is fine ("recovered" counts
 * the present ones).
 */

export interface AckedRecord {
  seq: number;
  partition: number;
  offset: number;
}

export interface ReadRecord {
  partition: number;
  offset: number;
  value: string | null;
}

export interface CheckInput {
  /** Seqs 0 .. sent-1 were handed to the producer. */
  sent: number;
  partitions: number;
  /** Every record the producer acknowledged, with the offset the broker reported. */
  acked: AckedRecord[];
  /** The final read: every partition from its start to its end. */
  read: ReadRecord[];
  /** What a consumer saw while the faults went on (optional). */
  seenDuringRun?: ReadRecord[];
}

export interface CheckResult {
  sent: number;
  acknowledged: number;
  unacknowledged: number;
  read: number;
  /** Unacknowledged records that are present anyway (not a violation). */
  recovered: number;
  lost: AckedRecord[];
  duplicated: { seq: number; partition: number; offset: number; firstOffset: number }[];
  reordered: { partition: number; offset: number; seq: number; previousSeq: number }[];
  misplaced: { seq: number; ackedPartition: number; ackedOffset: number; readOffset: number }[];
  unexpected: ReadRecord[];
  phantom: (ReadRecord & { finalValue: string | null })[];
}

export function parseSeq(value: string | null): number | null {
  return value !== null && /^(0|[1-9]\d*)$/.test(value) ? Number(value) : null;
}

export function check(input: CheckInput): CheckResult {
  const { sent, partitions } = input;
  const copies = new Uint32Array(sent);
  const firstOffset = new Float64Array(sent).fill(-1);
  const duplicated: CheckResult['duplicated'] = [];
  const reordered: CheckResult['reordered'] = [];
  const unexpected: ReadRecord[] = [];

  // One pass over the final read in (partition, offset) order.
  const ordered = [...input.read].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const previousSeq = new Map<number, number>();
  for (const r of ordered) {
    const seq = parseSeq(r.value);
    if (seq === null || seq >= sent || seq % partitions !== r.partition) {
      unexpected.push(r);
      continue;
    }
    copies[seq]! += 1;
    if (copies[seq]! > 1) {
      duplicated.push({ seq, partition: r.partition, offset: r.offset, firstOffset: firstOffset[seq]! });
      continue;
    }
    firstOffset[seq] = r.offset;
    const prev = previousSeq.get(r.partition);
    if (prev !== undefined && seq <= prev) reordered.push({ partition: r.partition, offset: r.offset, seq, previousSeq: prev });
    previousSeq.set(r.partition, seq);
  }

  const lost: AckedRecord[] = [];
  const misplaced: CheckResult['misplaced'] = [];
  const acked = new Uint8Array(sent);
  for (const a of input.acked) {
    acked[a.seq] = 1;
    if (copies[a.seq] === 0) lost.push(a);
    else if (a.partition !== a.seq % partitions || firstOffset[a.seq] !== a.offset) {
      misplaced.push({ seq: a.seq, ackedPartition: a.partition, ackedOffset: a.offset, readOffset: firstOffset[a.seq]! });
    }
  }
  let recovered = 0;
  for (let seq = 0; seq < sent; seq++) if (!acked[seq] && copies[seq]! > 0) recovered++;

  // What the final read holds at each (partition, offset), to compare with what was seen during the run.
  const finalAt = new Map<number, (string | null)[]>();
  for (const r of input.read) {
    let values = finalAt.get(r.partition);
    if (!values) finalAt.set(r.partition, (values = []));
    values[r.offset] = r.value;
  }
  const phantom: CheckResult['phantom'] = [];
  for (const r of input.seenDuringRun ?? []) {
    const finalValue = finalAt.get(r.partition)?.[r.offset];
    if (finalValue === undefined || finalValue !== r.value) phantom.push({ ...r, finalValue: finalValue ?? null });
  }

  return {
    sent,
    acknowledged: input.acked.length,
    unacknowledged: sent - input.acked.length,
    read: input.read.length,
    recovered,
    lost,
    duplicated,
    reordered,
    misplaced,
    unexpected,
    phantom,
  };
}

/** One phrase per kind of violation, empty when the run kept every promise. */
export function violations(r: CheckResult): string[] {
  const out: string[] = [];
  const add = (n: number, what: string) => n > 0 && out.push(`${n} ${what}`);
  add(r.lost.length, 'lost');
  add(r.duplicated.length, 'duplicated');
  add(r.reordered.length, 'reordered');
  add(r.misplaced.length, 'misplaced');
  add(r.unexpected.length, 'unexpected');
  add(r.phantom.length, 'phantom');
  return out;
}
