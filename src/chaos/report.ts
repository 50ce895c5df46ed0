import type { CheckResult } from './checker.js';
import type { TxnCheckResult } from './txn-checker.js';
import type { CoordinatorView } from './coordinator-view.js';
import { unavailableMs, type History } from './history.js';
import type { FaultKind, FaultRecord } from './nemesis.js';

/** What one fault cost: unavailability of what it led, the acks=all stall of what it followed, the coordinator's failover. */
export interface FaultMeasure {
  fault: FaultRecord;
  /** Max over the partitions it led (all partitions for the coordinator); null if one has no ack after the fault yet. */
  unavailableMs: number | null;
  /** Max over the partitions it was only a follower of (acks=all waits for it until it leaves the ISR). */
  followerStallMs: number | null;
  /** When the coordinator had moved all its partitions to other leaders; null if it never did (it came back first). */
  failoverMs: number | null;
  /** Records the target truncated after the fault (a cut-off or killed leader's unacknowledged tail). */
  truncated: number;
}

export function measureFault(f: FaultRecord, h: History, view: CoordinatorView): FaultMeasure {
  const worst = (ps: number[]): number | null => {
    let max = 0;
    for (const p of ps) {
      const u = unavailableMs(h, p, f.atMs);
      if (u === null) return null;
      max = Math.max(max, u);
    }
    return max;
  };
  return {
    fault: f,
    unavailableMs: f.led.length > 0 ? worst(f.led) : null,
    followerStallMs: f.followed.length > 0 ? worst(f.followed) : null,
    failoverMs: f.brokerId !== null ? view.failoverMs(f.led, f.brokerId, f.atMs) : null,
    truncated: f.truncated,
  };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The follow-up line for one fault, printed once it has healed. */
export function describeMeasure(m: FaultMeasure): string {
  const f = m.fault;
  const parts: string[] = [];
  if (f.led.length > 0) parts.push(m.unavailableMs === null ? 'no acknowledgement since (yet)' : `unavailable ${secs(m.unavailableMs)}`);
  if (f.brokerId !== null && f.led.length > 0) parts.push(m.failoverMs === null ? 'no failover (it came back first)' : `failover ${secs(m.failoverMs)}`);
  if (f.followed.length > 0) parts.push(m.followerStallMs === null ? 'followed partitions: no acknowledgement since (yet)' : `followed partitions stalled ${secs(m.followerStallMs)}`);
  if (m.truncated > 0) parts.push(`${f.target} truncated ${m.truncated} unacknowledged record(s)`);
  return `-> fault ${f.n} (${f.kind} ${f.target}): ${parts.join(', ') || 'nothing measured'}`;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Row {
  label: string;
  values: (number | null)[];
  /** Records the targets of these faults truncated afterwards of what they led (null: not a leader's row). */
  truncated: number | null;
  targetMs?: number;
}

function unavailabilityRows(measures: FaultMeasure[], sessionTimeoutMs: number): Row[] {
  const row = (label: string, pred: (m: FaultMeasure) => boolean, pick: (m: FaultMeasure) => number | null, targetMs?: number): Row => {
    const ms = measures.filter(pred);
    return { label, values: ms.map(pick), truncated: ms.reduce((n, m) => n + m.truncated, 0), targetMs };
  };
  const followers = measures.filter((m) => m.fault.brokerId !== null && m.fault.followed.length > 0);
  const ofLeader = (kind: FaultKind) => (m: FaultMeasure) => m.fault.kind === kind && m.fault.brokerId !== null && m.fault.led.length > 0;
  return [
    row('kill -9 of a leader', ofLeader('kill'), (m) => m.unavailableMs, 1000),
    row('SIGSTOP of a leader', ofLeader('pause'), (m) => m.unavailableMs, sessionTimeoutMs + 1000),
    // Cut off, a leader keeps its clients but loses its followers and the coordinator: it must
    // acknowledge nothing until the session expires and the others elect a new leader.
    row('partition of a leader', ofLeader('partition'), (m) => m.unavailableMs, sessionTimeoutMs + 1000),
    row('kill -9 of the coordinator', (m) => m.fault.kind === 'coordinator', (m) => m.unavailableMs),
    row('partition of the coordinator', (m) => m.fault.kind === 'partition' && m.fault.brokerId === null, (m) => m.unavailableMs),
    { label: 'follower down or cut off', values: followers.map((m) => m.followerStallMs), truncated: null },
  ];
}

export interface SummaryInput {
  check: CheckResult;
  readDuringRun: number;
  liveConsumerError: string | null;
  producerErrors: Map<string, number>;
  measures: FaultMeasure[];
  sessionTimeoutMs: number;
  problems: string[];
}

export function formatSummary(s: SummaryInput): string[] {
  const c = s.check;
  const lines: string[] = [];
  const count = (label: string, n: number, note = '') => lines.push(`  ${label.padEnd(16)}${String(n).padStart(9)}${note ? `  ${note}` : ''}`);
  lines.push('records');
  count('sent', c.sent);
  count('acknowledged', c.acknowledged);
  count('unacknowledged', c.unacknowledged, c.unacknowledged > 0 ? `(${c.recovered} of them present anyway; unacknowledged is not a violation)` : '');
  count('read at the end', c.read);
  count('lost', c.lost.length);
  count('duplicated', c.duplicated.length);
  count('reordered', c.reordered.length);
  count('misplaced', c.misplaced.length, c.misplaced.length > 0 ? '(not at the offset their ack named)' : '');
  count('unexpected', c.unexpected.length);
  count('phantom', c.phantom.length, c.phantom.length > 0 ? '(seen during the run, gone at the end)' : '');
  count('read during run', s.readDuringRun, s.liveConsumerError ? `(live consumer failed: ${s.liveConsumerError})` : '(by a consumer reading along)');
  for (const [message, n] of s.producerErrors) lines.push(`  producer gave up on ${n} record(s): ${message}`);
  lines.push(...formatFaults(s.measures, s.sessionTimeoutMs));
  lines.push(...violationDetails(c));
  for (const p of s.problems) lines.push(`problem: ${p}`);
  return lines;
}

/** The faults' counts and the unavailability table (of the records producer's, or the txn workload's seeder's, partitions). */
function formatFaults(measures: FaultMeasure[], sessionTimeoutMs: number): string[] {
  const lines: string[] = [];
  const kinds: Record<FaultKind, number> = { kill: 0, pause: 0, partition: 0, coordinator: 0 };
  for (const m of measures) kinds[m.fault.kind]++;
  lines.push(`faults: ${kinds.kill} kill, ${kinds.pause} pause, ${kinds.partition} partition, ${kinds.coordinator} coordinator`);

  lines.push('unavailability after a fault (until the first ack of a record sent after it); records its target truncated afterwards');
  lines.push(`  ${'fault'.padEnd(30)}${'count'.padStart(5)}${'p50'.padStart(9)}${'max'.padStart(9)}${'truncated'.padStart(11)}  target`);
  for (const row of unavailabilityRows(measures, sessionTimeoutMs)) {
    const known = row.values.filter((v): v is number => v !== null);
    const unknown = row.values.length - known.length;
    const p50 = known.length ? secs(percentile(known, 50)) : '-';
    const max = known.length ? secs(Math.max(...known)) : '-';
    let target = '';
    if (row.targetMs !== undefined) {
      target = `<= ${(row.targetMs / 1000).toFixed(1)} s`;
      if (known.length > 0 || unknown > 0) target += unknown > 0 || Math.max(...known) > row.targetMs ? ': MISSED' : ': met';
    }
    if (unknown > 0) target += ` (${unknown} never acknowledged after the fault)`;
    lines.push(`  ${row.label.padEnd(30)}${String(row.values.length).padStart(5)}${p50.padStart(9)}${max.padStart(9)}${String(row.truncated ?? '-').padStart(11)}  ${target}`.trimEnd());
  }
  return lines;
}

/** The first few examples of each violation, for diagnosis. */
function violationDetails(c: CheckResult): string[] {
  const out: string[] = [];
  const show = <T>(label: string, list: T[], fmt: (x: T) => string) => out.push(...examples(label, list, fmt));
  show('lost', c.lost, (x) => `seq ${x.seq}: acknowledged at partition ${x.partition} offset ${x.offset}, not in the log`);
  show('duplicated', c.duplicated, (x) => `seq ${x.seq}: partition ${x.partition} offsets ${x.firstOffset} and ${x.offset}`);
  show('reordered', c.reordered, (x) => `partition ${x.partition} offset ${x.offset}: seq ${x.seq} after seq ${x.previousSeq}`);
  show('misplaced', c.misplaced, (x) => `seq ${x.seq}: acknowledged at partition ${x.ackedPartition} offset ${x.ackedOffset}, read at offset ${x.readOffset}`);
  show('unexpected', c.unexpected, (x) => `partition ${x.partition} offset ${x.offset}: value ${JSON.stringify(x.value)}`);
  show('phantom', c.phantom, (x) => `partition ${x.partition} offset ${x.offset}: seen ${JSON.stringify(x.value)} during the run, ${x.finalValue === null ? 'absent' : JSON.stringify(x.finalValue)} at the end`);
  return out;
}

/** Up to 10 examples of one violation, under a heading that says how many there are. */
function examples<T>(label: string, list: readonly T[], fmt: (x: T) => string): string[] {
  if (list.length === 0) return [];
  return [`${label} (first ${Math.min(10, list.length)} of ${list.length}):`, ...list.slice(0, 10).map((x) => `  ${fmt(x)}`)];
}

export interface TxnSummaryInput {
  check: TxnCheckResult;
  inputSent: number;
  inputAcknowledged: number;
  readDuringRun: number;
  liveConsumerError: string | null;
  /** Per transformer: why its instances ended, and what made transactions abort that were not aborted on purpose, counted. */
  transformers: { instanceEnds: Map<string, number>; abortCauses: Map<string, number> }[];
  measures: FaultMeasure[];
  sessionTimeoutMs: number;
  problems: string[];
}

/** `yak chaos --workload txn`'s table: the transactions, the records carried over, the violations, then the faults as the default workload shows them. */
export function formatTxnSummary(s: TxnSummaryInput): string[] {
  const c = s.check;
  const lines: string[] = [];
  const count = (label: string, n: number, note = '') => lines.push(`  ${label.padEnd(16)}${String(n).padStart(9)}${note ? `  ${note}` : ''}`);
  lines.push('transactions');
  count('committed', c.committed);
  count('aborted', c.aborted, `(${c.deliberatelyAborted} on purpose, ${c.aborted - c.deliberatelyAborted} after a failure)`);
  count('unknown outcome', c.unknown, c.unknown > 0 ? '(commit sent, no answer: all or nothing either way)' : '');
  s.transformers.forEach((t, i) => {
    for (const [cause, n] of t.abortCauses) lines.push(`  transformer ${i}: ${n} aborted after ${cause}`);
    for (const [reason, n] of t.instanceEnds) lines.push(`  transformer ${i}: ${n} instance(s) ended by ${reason}`);
  });
  lines.push('records');
  count('input sent', s.inputSent, `(${s.inputAcknowledged} acknowledged)`);
  count('input at the end', c.inputs, '(each must be in the output exactly once)');
  count('output read', c.outputRead, '(read_committed, at the end)');
  count('lost', c.lost.length, '(input never in the output)');
  count('duplicated', c.duplicated.length, '(input in the output twice)');
  count('aborted reads', c.abortedReads.length, "(G1a: a read_committed reader saw an aborted transaction's record)");
  count('torn', c.torn.length, '(transactions partly visible)');
  count('unexpected', c.unexpected.length);
  count('phantom', c.phantom.length, c.phantom.length > 0 ? '(seen during the run, gone at the end)' : '');
  count('read during run', s.readDuringRun, s.liveConsumerError ? `(live consumer failed: ${s.liveConsumerError})` : '(by a read_committed consumer reading along)');
  lines.push(...formatFaults(s.measures, s.sessionTimeoutMs));
  lines.push(...examples('lost', c.lost, (seq) => `input seq ${seq}: in no committed transaction's output`));
  lines.push(...examples('duplicated', c.duplicated, (x) => `input seq ${x.seq} again at partition ${x.partition} offset ${x.offset}, by ${x.txn}`));
  lines.push(...examples('aborted reads', c.abortedReads, (x) => `partition ${x.partition} offset ${x.offset}: ${x.value} of aborted ${x.txn}, read ${x.during === 'run' ? 'during the run' : 'at the end'}`));
  lines.push(...examples('torn', c.torn, (x) => `${x.txn} (${x.outcome}): ${x.visible} of its ${x.written} records visible`));
  lines.push(...examples('unexpected', c.unexpected, (x) => `partition ${x.partition} offset ${x.offset}: value ${JSON.stringify(x.value)}`));
  lines.push(...examples('phantom', c.phantom, (x) => `partition ${x.partition} offset ${x.offset}: seen ${JSON.stringify(x.value)} during the run, not at the end`));
  for (const p of s.problems) lines.push(`problem: ${p}`);
  return lines;
}
