import type { ControlAction } from '../protocol/internal-api.js';
import { fullyInSync, type CoordinatorView, type TopicSnapshot } from './coordinator-view.js';
import type { Prng } from './prng.js';

/** kill -9 and restart a broker; SIGSTOP and SIGCONT one; cut one off the network and heal it; kill -9 and restart the coordinator. */
export type FaultKind = 'kill' | 'pause' | 'partition' | 'coordinator';
export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'pause', 'partition', 'coordinator'];
/** How often each kind is drawn, relative to the others enabled. */
const WEIGHTS: Record<FaultKind, number> = { kill: 2, pause: 2, partition: 2, coordinator: 1 };

/** One fault as drawn from the seed: what, whom, for how long, and the quiet time after it. */
export interface PlannedFault {
  kind: FaultKind;
  /** The leader of partition ⌊pick × partitions⌋, broker ⌊pick × brokers⌋ + 1, or the coordinator. */
  aim: 'leader' | 'broker' | 'coordinator';
  pick: number;
  /** How long the target stays killed, paused or cut off. */
  holdMs: number;
  /** Quiet time once the cluster has healed, before the next fault. */
  gapMs: number;
}

/**
 * Draws the next fault among `kinds`. Always four draws per fault, so the plan (kinds, picks,
 * durations) depends on the seed and the kinds only, never on timing. Weights: kill, pause and
 * partition 2 each, the coordinator's kill 1. Kills and pauses aim at a leader or at any broker
 * (even odds); a partition cuts off a leader (2 in 5), any broker (2 in 5) or the coordinator (1 in 5).
 * Kills last 1-4 s; pauses and partitions 1-6 s, so some outlast the session timeout (3 s by default)
 * and some do not; the coordinator stays down 0.5-3 s.
 */
export function planFault(rng: Prng, kinds: readonly FaultKind[] = FAULT_KINDS): PlannedFault {
  const k = rng.next();
  const pick = rng.next();
  const hold = rng.next();
  const gapMs = 1000 + 2000 * rng.next();
  const total = kinds.reduce((sum, kind) => sum + WEIGHTS[kind], 0);
  let at = k * total;
  let kind = kinds[kinds.length - 1]!;
  for (const candidate of kinds) {
    if (at < WEIGHTS[candidate]) {
      kind = candidate;
      break;
    }
    at -= WEIGHTS[candidate];
  }
  // Where k fell within its kind's share, in [0, 1): picks the aim without another draw.
  const within = Math.min(0.999_999, Math.max(0, at / WEIGHTS[kind]));
  switch (kind) {
    case 'coordinator':
      return { kind, aim: 'coordinator', pick, holdMs: 500 + 2500 * hold, gapMs };
    case 'kill':
      return { kind, aim: within < 0.5 ? 'leader' : 'broker', pick, holdMs: 1000 + 3000 * hold, gapMs };
    case 'pause':
      return { kind, aim: within < 0.5 ? 'leader' : 'broker', pick, holdMs: 1000 + 5000 * hold, gapMs };
    case 'partition':
      return { kind, aim: within < 0.4 ? 'leader' : within < 0.8 ? 'broker' : 'coordinator', pick, holdMs: 1000 + 5000 * hold, gapMs };
  }
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
  /** Records the target truncated from the partitions it led, after this fault and before the next (its log lines say). */
  truncated: number;
}

/** Cuts a process off from the others and heals it (yak chaos's `ProxyNetwork`). */
export interface PartitionableNetwork {
  isolate(name: string): void;
  heal(name: string): void;
}

export interface NemesisOptions {
  control: (action: ControlAction, target: string) => Promise<unknown>;
  /** Needed when `kinds` has partitions. */
  network: PartitionableNetwork | null;
  kinds: readonly FaultKind[];
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
/** A broker's log line when a replica truncates (replication/replica-fetcher.ts). */
const TRUNCATION_LINE = /truncating (\S+)-(\d+) from (\d+) to (\d+)/;

/**
 * Injects one fault at a time, drawn from the seed, and heals it before the next: the target comes back
 * (restart, resume, or its links again) and every partition has its full ISR again (or 20 s passed). So
 * at most one broker is ever down or cut off, and with RF 3 and min.insync.replicas 2 a majority of
 * replicas always lives and can reach each other.
 */
export class Nemesis {
  readonly faults: FaultRecord[] = [];

  constructor(private readonly opts: NemesisOptions) {}

  /** Injects faults until `untilMs` on the run clock (the last one is healed even if it ends later). */
  async run(untilMs: number): Promise<void> {
    const o = this.opts;
    await sleep(FIRST_FAULT_AFTER_MS, o.signal);
    if (o.kinds.includes('partition') && !o.network) throw new Error('partitions need a network to cut');
    while (!o.signal.aborted && o.clock() < untilMs) {
      const plan = planFault(o.rng, o.kinds);
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

  /** A cluster process's log line: counts what the last fault's target truncates of what it led (its unacknowledged tail). */
  observe(name: string, line: string): void {
    const last = this.faults[this.faults.length - 1];
    const m = last?.target === name ? TRUNCATION_LINE.exec(line) : null;
    if (m && m[1] === this.opts.topic && last!.led.includes(Number(m[2]))) last!.truncated += Number(m[3]) - Number(m[4]);
  }

  private async inject(plan: PlannedFault): Promise<FaultRecord> {
    const o = this.opts;
    const before = (await o.view.query()) ?? o.view.changes[o.view.changes.length - 1] ?? null;
    const all = Array.from({ length: o.partitions }, (_, p) => p);
    const fault: FaultRecord = { n: this.faults.length + 1, kind: plan.kind, target: 'zookeeper', brokerId: null, atMs: 0, healedAtMs: null, led: all, followed: [], truncated: 0 };
    if (plan.aim !== 'coordinator') {
      const brokerId = chooseBroker(plan, before, o.brokers, o.partitions);
      const parts = before?.partitions ?? [];
      fault.target = `broker-${brokerId}`;
      fault.brokerId = brokerId;
      fault.led = parts.filter((p) => p.leader === brokerId).map((p) => p.partition);
      fault.followed = parts.filter((p) => p.leader !== brokerId && p.isr.includes(brokerId)).map((p) => p.partition);
    }
    fault.atMs = o.clock();
    if (plan.kind === 'partition') o.network!.isolate(fault.target);
    else await o.control(plan.kind === 'pause' ? 'pause' : 'kill', fault.target);
    this.faults.push(fault);
    const names = (ps: number[]) => ps.map((p) => `${o.topic}-${p}`).join(', ');
    const roles =
      fault.brokerId === null
        ? 'the coordinator'
        : [fault.led.length > 0 ? `leader of ${names(fault.led)}` : '', fault.followed.length > 0 ? `follower of ${names(fault.followed)}` : ''].filter(Boolean).join('; ') || 'no replicas';
    const [verb, then] = plan.kind === 'pause' ? ['pause', 'resume'] : plan.kind === 'partition' ? ['cut off', 'heal'] : ['kill', 'restart'];
    const what = plan.kind === 'partition' ? `${fault.target} from the other processes` : fault.target;
    o.out(`${stamp(fault.atMs)} ${verb} ${what} (${roles}), ${then} in ${(plan.holdMs / 1000).toFixed(1)} s`);
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
    if (f.kind === 'partition') {
      o.network!.heal(f.target);
      f.healedAtMs = o.clock();
      o.out(`${stamp(f.healedAtMs)} heal ${f.target} (cut off ${((f.healedAtMs - f.atMs) / 1000).toFixed(1)} s)`);
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
  if (plan.aim === 'leader') {
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
