import fs from 'node:fs';
import type * as Hdr from 'hdr-histogram-js';
import { readClusterFile } from '../client/cluster-file.js';

/**
 * What `yak bench` measures besides counts: latencies in an HdrHistogram (hdr-histogram-js, as
 * Kafka's and most load tools' percentiles are: 3 significant digits, in microseconds, memory fixed
 * whatever the record count), a throttle to a target rate (Kafka's ThroughputThrottler), and the
 * CPU and RSS of the local cluster's processes over the run (Linux /proc; empty elsewhere or
 * without a cluster.json).
 */
export class LatencyHistogram {
  private constructor(private readonly h: Hdr.Histogram) {}

  /**
   * hdr-histogram-js is loaded here, not at start-up: only a bench needs it, and every broker and
   * coordinator process loads this bundle. Its WebAssembly build (shipped inside the package) records
   * a value in ~20 ns where the JavaScript one takes ~120 ns: at a million records a second that is a
   * tenth of the bench client's CPU.
   */
  static async create(): Promise<LatencyHistogram> {
    const hdr = await import('hdr-histogram-js');
    await hdr.initWebAssembly();
    return new LatencyHistogram(hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: true }));
  }

  recordMs(ms: number): void {
    this.h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Milliseconds at percentile `p` (0-100); 0 when empty. */
  percentileMs(p: number): number {
    return this.count === 0 ? 0 : this.h.getValueAtPercentile(p) / 1000;
  }

  get meanMs(): number {
    return this.count === 0 ? 0 : this.h.mean / 1000;
  }

  get maxMs(): number {
    return this.count === 0 ? 0 : this.h.maxValue / 1000;
  }

  summary(): { count: number; avgMs: number; p50Ms: number; p95Ms: number; p99Ms: number; p999Ms: number; maxMs: number } {
    const r = (v: number) => Math.round(v * 1000) / 1000;
    return { count: this.count, avgMs: r(this.meanMs), p50Ms: r(this.percentileMs(50)), p95Ms: r(this.percentileMs(95)), p99Ms: r(this.percentileMs(99)), p999Ms: r(this.percentileMs(99.9)), maxMs: r(this.maxMs) };
  }
}

/**
 * Shortest sleep of the throttle: ahead of the rate by less, it sends on (Kafka's ThroughputThrottler
 * MIN_SLEEP_NS, 2 ms), so records go in bursts of 2 ms worth rather than one per timer tick.
 */
const MIN_SLEEP_MS = 2;

/** Holds a sender to `recordsPerSec` (-1: unthrottled), as kafka-producer-perf-test's --throughput. */
export class Throttler {
  private readonly start = performance.now();

  constructor(private readonly recordsPerSec: number) {}

  /**
   * Milliseconds to wait before sending record number `sent` (counted from 0) so the rate stays at or
   * under the target; 0 when it may go now. A number, not a promise: the unthrottled send loop
   * awaits nothing per record.
   */
  delayMs(sent: number): number {
    if (this.recordsPerSec <= 0) return 0;
    const dueMs = (sent / this.recordsPerSec) * 1000 - (performance.now() - this.start);
    return dueMs >= MIN_SLEEP_MS ? dueMs : 0;
  }
}

/**
 * The send times of records not answered yet, per partition in send order: the producer answers a
 * partition's records in the order they were sent (as Kafka's does), so a record's answer takes the
 * oldest time of its partition. A bench keeps a number per record this way, instead of a closure
 * per record that lives until its answer (a million of those cost more garbage collection than the
 * rest of the client's work per record).
 */
export class SendTimes {
  private readonly queues: { times: Float64Array; head: number; count: number }[] = [];

  push(partition: number, ms: number): void {
    const q = (this.queues[partition] ??= { times: new Float64Array(1024), head: 0, count: 0 });
    if (q.count === q.times.length) {
      // Grow: unroll the ring into twice the room.
      const next = new Float64Array(q.times.length * 2);
      next.set(q.times.subarray(q.head));
      next.set(q.times.subarray(0, q.head), q.times.length - q.head);
      q.times = next;
      q.head = 0;
    }
    q.times[(q.head + q.count++) & (q.times.length - 1)] = ms;
  }

  /** The oldest send time of the partition, taken out; NaN when none is waiting. */
  shift(partition: number): number {
    const q = this.queues[partition];
    if (!q || q.count === 0) return NaN;
    const ms = q.times[q.head]!;
    q.head = (q.head + 1) & (q.times.length - 1);
    q.count--;
    return ms;
  }
}

/**
 * performance.now() once per turn of the event loop: every record answered by one response shares
 * the time the response was read (they are answered in one synchronous stretch), so a bench reads
 * the clock once per response, not once per record.
 */
export class TurnClock {
  private nowMs = -1;
  private readonly reset = () => {
    this.nowMs = -1;
  };

  now(): number {
    if (this.nowMs < 0) {
      this.nowMs = performance.now();
      queueMicrotask(this.reset);
    }
    return this.nowMs;
  }
}

/**
 * Records a send loop takes a clock reading for: one performance.now() each costs about as much as
 * the producer's own work per record (~70 ns here), and records sent in one run of the loop are a
 * microsecond or so apart, so one reading serves the next SEND_CLOCK_RECORDS records. A record's send
 * time is then early by at most that many records' sends (~15 µs, against the millisecond a
 * latency is reported in, as Kafka's producer-perf-test does).
 */
export const SEND_CLOCK_RECORDS = 16;

/**
 * The send time of each record of a bench's send loop (ms, performance.now()), read once per
 * SEND_CLOCK_RECORDS records, and afresh after the loop waited (`waited`), so no record takes a time from before a wait.
 */
export class SendClock {
  private left = 0;
  private ms = 0;

  /** The send time of the record about to be sent. */
  next(): number {
    if (this.left === 0) {
      this.ms = performance.now();
      this.left = SEND_CLOCK_RECORDS;
    }
    this.left--;
    return this.ms;
  }

  /** The loop awaited something: the next record reads the clock. */
  waited(): void {
    this.left = 0;
  }
}

export interface ProcessUsage {
  name: string;
  pid: number;
  /** CPU seconds (user + system) the process used during the run. */
  cpuSeconds: number;
  rssMb: number;
}

/** CPU seconds and RSS of one process from /proc, or null (not Linux, gone). */
function sample(pid: number): { cpuSeconds: number; rssMb: number } | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    // USER_HZ is 100 on every Linux a user runs this on.
    return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return null;
  }
}

/** The local cluster's processes (from the data dir's cluster.json), sampled at start and asked for their usage since. */
export class ClusterUsage {
  private readonly before = new Map<number, { name: string; cpuSeconds: number }>();

  constructor(dataDir: string | undefined) {
    const file = dataDir ? readClusterFile(dataDir) : null;
    if (!file) return;
    const procs = [
      { name: 'supervisor', pid: file.supervisorPid },
      { name: 'zookeeper', pid: file.coordinator.pid },
      ...file.brokers.map((b) => ({ name: `broker-${b.id}`, pid: b.pid })),
    ];
    for (const p of procs) {
      const s = p.pid > 0 ? sample(p.pid) : null;
      if (s) this.before.set(p.pid, { name: p.name, cpuSeconds: s.cpuSeconds });
    }
  }

  /** Each process's CPU seconds since the start and its RSS now. */
  since(): ProcessUsage[] {
    const out: ProcessUsage[] = [];
    for (const [pid, b] of this.before) {
      const s = sample(pid);
      if (s) out.push({ name: b.name, pid, cpuSeconds: Math.round((s.cpuSeconds - b.cpuSeconds) * 100) / 100, rssMb: Math.round(s.rssMb) });
    }
    return out;
  }
}

/** The bench process's own CPU over the run (what the client costs per record, beside the cluster's). */
export interface ClientUsage {
  cpuSeconds: number;
  cpuUsPerRecord: number;
}

/** Measures this process's CPU (user + system, process.cpuUsage) from its creation. */
export class ClientCpu {
  private readonly start = process.cpuUsage();

  since(records: number): ClientUsage {
    const used = process.cpuUsage(this.start);
    const micros = used.user + used.system;
    return { cpuSeconds: Math.round(micros / 1e4) / 100, cpuUsPerRecord: records > 0 ? Math.round((micros / records) * 100) / 100 : 0 };
  }
}

/** One line per process: `broker-1 1.23 s CPU, 140 MB RSS; ...`, or '' when nothing was sampled. */
export function usageLine(usage: ProcessUsage[]): string {
  return usage.map((u) => `${u.name} ${u.cpuSeconds.toFixed(2)} s CPU, ${u.rssMb} MB RSS`).join('; ');
}
