import type { ControlAction } from '../protocol/internal-api.js';
import { fullyInSync, type CoordinatorView, type TopicSnapshot } from './coordinator-view.js';
import type { Prng } from './prng.js';

export type FaultKind = 'kill' | 'pause' | 'coordinator';

/** One fault as drawn from the seed: what, whom, for how long, and the quiet time after it. */
export interface PlannedFault {
  kind: FaultKind;
  /** Aim at the leader of partition ⌊pick × partitions⌋, rather than at broker ⌊pick × brokers⌋ + 1. */
  atLeader: boolean;
  pick: number;
  /** How long the target stays killed or paused. */
  holdMs: number;
  /** Quiet time once the cluster has healed, before the next fault. */
  gapMs: number;
}

/**
 * Draws the next fault. Always four draws per fault, so the plan (kinds, picks, durations) depends on
 * the seed only, never on timing. Weights: 1 in 8 kills and restarts the coordinator; the rest is split
 * evenly between kill a random broker, kill a partition's leader, pause a random broker, pause a leader.
 * Kills last 1-4 s; pauses 1-6 s, so some outlast the session timeout (3 s by default) and some do not.
 */
export function planFault(rng: Prng): PlannedFault {
  const k = rng.next();
  const pick = rng.next();
  const hold = rng.next();
  const gapMs = 1000 + 2000 * rng.next();
  if (k < 1 / 8) return { kind: 'coordinator', atLeader: false, pick, holdMs: 500 + 2500 * hold, gapMs };
  const variant = Math.min(3, Math.floor(((k - 1 / 8) / (7 / 8)) * 4));
  const kind: FaultKind = variant < 2 ? 'kill' : 'pause';
  return { kind, atLeader: variant % 2 === 1, pick, holdMs: kind === 'kill' ? 1000 + 3000 * hold : 1000 + 5000 * hold, gapMs };
}

/** A fault that happened, with the partitions it hit (from the coordinator just before it). */
export interface FaultRecord {
  n: number;
  kind: FaultKind;
  /** `broker-N` or `zookeeper`. */
  target: string;
  brokerId: number | null;
  atMs: number;
  healedAtMs: number | null;
  /** Partitions the target led at the fault (every partition for the coordinator). */
  led: number[];
  /** Partitions whose ISR had the target as a follower. */
  followed: number[];
}

export interface NemesisOptions {
  control: (action: ControlAction, target: string) => Promise<unknown>;
  view: CoordinatorView;
  brokers: number;
  partitions: number;
  topic: string;
  rng: Prng;
  clock: () => number;
  out: (line: string) => void;
  signal: AbortSignal;
  /** Called once a fault has healed and the quiet time after it has passed (to report on it). */
  afterFault: (f: FaultRecord) => void;
}

const FIRST_FAULT_AFTER_MS = 2000;
const IN_SYNC_BOUND_MS = 20_000;

/**
 * Injects one fault at a time, drawn from the seed, and heals it before the next: the target comes back
 * (restart or resume) and every partition has its full ISR again (or 20 s passed). So at most one
 * broker is ever down, and with RF 3 and min.insync.replicas 2 a majority of replicas always lives.
 */
export class Nemesis {
  readonly faults: FaultRecord[] = [];

  constructor(private readonly opts: NemesisOptions) {}

  /** Injects faults until `untilMs` on the run clock (the last one is healed even if it ends later). */
  async run(untilMs: number): Promise<void> {
    const o = this.opts;
    await sleep(FIRST_FAULT_AFTER_MS, o.signal);
    while (!o.signal.aborted && o.clock() < untilMs) {
      const plan = planFault(o.rng);
      const fault = await this.inject(plan);
      await sleep(plan.holdMs, o.signal);
      if (o.signal.aborted) return;
      await this.heal(fault);
      await this.waitInSync();
      await sleep(plan.gapMs, o.signal);
      if (o.signal.aborted) return;
      o.afterFault(fault);
    }
  }

  private async inject(plan: PlannedFault): Promise<FaultRecord> {
    const o = this.opts;
    const before = (await o.view.query()) ?? o.view.changes[o.view.changes.length - 1] ?? null;
    const all = Array.from({ length: o.partitions }, (_, p) => p);
    let fault: FaultRecord;
    if (plan.kind === 'coordinator') {
      fault = { n: this.faults.length + 1, kind: 'coordinator', target: 'zookeeper', brokerId: null, atMs: 0, healedAtMs: null, led: all, followed: [] };
    } else {
      const brokerId = chooseBroker(plan, before, o.brokers, o.partitions);
      const parts = before?.partitions ?? [];
      fault = {
        n: this.faults.length + 1,
        kind: plan.kind,
        target: `broker-${brokerId}`,
        brokerId,
        atMs: 0,
        healedAtMs: null,
        led: parts.filter((p) => p.leader === brokerId).map((p) => p.partition),
        followed: parts.filter((p) => p.leader !== brokerId && p.isr.includes(brokerId)).map((p) => p.partition),
      };
    }
    fault.atMs = o.clock();
    await o.control(plan.kind === 'pause' ? 'pause' : 'kill', fault.target);
    this.faults.push(fault);
    const names = (ps: number[]) => ps.map((p) => `${o.topic}-${p}`).join(', ');
    const roles =
      fault.kind === 'coordinator'
        ? 'the coordinator'
        : [fault.led.length > 0 ? `leader of ${names(fault.led)}` : '', fault.followed.length > 0 ? `follower of ${names(fault.followed)}` : ''].filter(Boolean).join('; ') || 'no replicas';
    const then = plan.kind === 'pause' ? 'resume' : 'restart';
    o.out(`${stamp(fault.atMs)} ${plan.kind === 'pause' ? 'pause' : 'kill'} ${fault.target} (${roles}), ${then} in ${(plan.holdMs / 1000).toFixed(1)} s`);
    return fault;
  }

  private async heal(f: FaultRecord): Promise<void> {
    const o = this.opts;
    const started = o.clock();
    if (f.kind === 'pause') {
      await o.control('resume', f.target);
      f.healedAtMs = o.clock();
      o.out(`${stamp(f.healedAtMs)} resume ${f.target} (paused ${((f.healedAtMs - f.atMs) / 1000).toFixed(1)} s)`);
      return;
    }
    await restart(o.control, f.target);
    f.healedAtMs = o.clock();
    o.out(`${stamp(f.healedAtMs)} restart ${f.target} (down ${((f.healedAtMs - f.atMs) / 1000).toFixed(1)} s, ready in ${((f.healedAtMs - started) / 1000).toFixed(2)} s)`);
  }

  /** Waits until every partition has a leader and its full ISR again, up to a bound. */
  async waitInSync(boundMs = IN_SYNC_BOUND_MS): Promise<boolean> {
    const o = this.opts;
    const deadline = o.clock() + boundMs;
    while (!o.signal.aborted) {
      const s = await o.view.query();
      if (s && fullyInSync(s)) return true;
      if (o.clock() > deadline) {
        o.out(`${stamp(o.clock())} note: the ISR of ${o.topic} is still not full after ${boundMs / 1000} s (${describeIsr(s, o.topic)})`);
        return false;
      }
      await sleep(200, o.signal);
    }
    return false;
  }
}

function chooseBroker(plan: PlannedFault, before: TopicSnapshot | null, brokers: number, partitions: number): number {
  if (plan.atLeader) {
    const leader = before?.partitions[Math.floor(plan.pick * partitions)]?.leader ?? -1;
    if (leader >= 1) return leader;
  }
  return Math.floor(plan.pick * brokers) + 1;
}

/** Restarts a killed process; waits until the supervisor has seen it exit (SIGKILL is not instant). */
async function restart(control: NemesisOptions['control'], target: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await control('restart', target);
      return;
    } catch (err) {
      const stillRunning = /is running/.test((err as Error).message);
      if (stillRunning ? attempt > 200 : attempt > 5) throw err;
      await sleep(stillRunning ? 50 : 500);
    }
  }
}

function describeIsr(s: TopicSnapshot | null, topic: string): string {
  if (!s) return 'the coordinator does not answer';
  return s.partitions.map((p) => `${topic}-${p.partition} leader ${p.leader} ISR [${p.isr.join(',')}]`).join('; ');
}

/** `+4.2s`: a time on the run clock. */
export function stamp(ms: number): string {
  return `+${(ms / 1000).toFixed(1)}s`;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
