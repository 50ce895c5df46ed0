import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { isProcessAlive, readClusterFile, type ClusterFile } from '../../src/client/cluster-file.js';
import { ClusterSecret, clusterSecretPath } from '../../src/common/cluster-secret.js';
import { spawnYak, tempDir, type YakProcess } from '../helpers/cluster.js';
import { clusterJoin } from './cluster-join.js';
import { loadSeeds, type SeedFrame } from './seeds.js';
import { TARGETS, WireFuzzer, type ClusterJoin, type Endpoint, type TargetName } from './wire-fuzzer.js';

/**
 * The fuzz run: a real 3-broker cluster started by `yak up` (supervisor, coordinator and brokers each
 * their own process), each listener fuzzed in turn while a normal acks=all producer and a group
 * consumer (kafkajs) carry on. Passes when no process exits or is replaced, every process's RSS stays
 * within `rssGrowthMb` of where it started, every acknowledged record is read back, and the producer
 * kept acknowledging while each listener was fuzzed.
 */
export interface FuzzOptions {
  /** Frames per listener. */
  frames: number;
  seed: number;
  targets?: readonly TargetName[];
  /** Sessions in flight at once per listener. */
  concurrency?: number;
  rssGrowthMb?: number;
  /**
   * Sessions that prove the cluster secret first on the coordinator and control ports (see
   * ClusterJoin). By default most do, with the cluster's own secret; false: strangers only.
   */
  join?: ClusterJoin | false;
  log?: (line: string) => void;
  /** Where to write the cluster's whole log (yak up's output) when the run ends. */
  logFile?: string;
}

export interface ProcessRss {
  name: string;
  pid: number;
  beforeMb: number;
  maxMb: number;
  afterMb: number;
}

export interface TargetResult {
  target: TargetName;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  /** Records the workload producer had acknowledged while this listener was fuzzed. */
  acknowledgedMeanwhile: number;
  /** Sessions that proved the cluster secret first (coordinator and control ports), and joins refused. */
  joined: number;
  joinsRefused: number;
  /** Joins that got no answer: the listener's connection limit (64 at the control port) turned them away. */
  joinsUnanswered: number;
  /** The largest answers one session got, with its first frame in hex: amplification to look at. */
  largestAnswers: { session: number; bytes: number; sent: number; firstFrame: string }[];
}

export interface FuzzReport {
  seed: number;
  targets: TargetResult[];
  rss: ProcessRss[];
  acknowledged: number;
  consumed: number;
  slowestSendMs: number;
  /** Empty when the run passed; otherwise what went wrong, with the frames to reproduce it. */
  failures: string[];
}

const WORKLOAD_TOPIC = 'fuzz-workload';
const WORKLOAD_GROUP = 'fuzz-workload-group';
const DEFAULT_RSS_GROWTH_MB = 256;
const MONITOR_INTERVAL_MS = 250;

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

function processesOf(file: ClusterFile): { name: string; pid: number }[] {
  return [
    { name: 'supervisor', pid: file.supervisorPid },
    { name: 'coordinator', pid: file.coordinator.pid },
    ...file.brokers.map((b) => ({ name: `broker-${b.id}`, pid: b.pid })),
  ];
}

async function waitForCluster(dataDir: string, up: YakProcess): Promise<ClusterFile> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const file = readClusterFile(dataDir);
    if (file?.control && file.brokers.length === 3 && file.brokers.every((b) => b.state === 'alive' && b.pid > 0) && file.coordinator.pid > 0) return file;
    if (Date.now() > deadline) throw new Error(`cluster not up within 60 s; yak up said: ${up.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The acks=all producer and the group consumer that must carry on while the listeners are fuzzed. */
class Workload {
  acknowledged = new Set<string>();
  consumed = new Set<string>();
  errors: string[] = [];
  /** The longest an acks=all send took: how well the producer carried on. */
  slowestSendMs = 0;
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private producer: Producer;
  private consumer: Consumer;

  constructor(private readonly kafka: Kafka) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = kafka.consumer({ groupId: WORKLOAD_GROUP, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: WORKLOAD_TOPIC, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: WORKLOAD_TOPIC, fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ message }) => void this.consumed.add(message.value!.toString()) });
    let n = 0;
    this.loop = (async () => {
      while (this.running) {
        const values = Array.from({ length: 5 }, () => `record-${n++}`);
        const sentAt = Date.now();
        try {
          await this.producer.send({ topic: WORKLOAD_TOPIC, acks: -1, messages: values.map((value) => ({ key: value, value })) });
          for (const v of values) this.acknowledged.add(v);
          this.slowestSendMs = Math.max(this.slowestSendMs, Date.now() - sentAt);
        } catch (err) {
          this.errors.push(`produce failed: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  }

  /** Stops producing; waits (up to `ms`) for the consumer to read every acknowledged record. */
  async finish(ms: number): Promise<string[]> {
    this.running = false;
    await this.loop;
    const deadline = Date.now() + ms;
    const missing = () => [...this.acknowledged].filter((v) => !this.consumed.has(v));
    while (missing().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    const lost = missing();
    return lost.length === 0 ? [] : [`${lost.length} acknowledged records never consumed (first: ${lost.slice(0, 5).join(', ')})`];
  }
}

/**
 * ERROR lines, exceptions a peer's bytes provoked that are not a refusal (ProtocolError,
 * KafkaError): a decoder or handler that trusted its input, and a broker losing its coordinator link. The listener survives them (it closes the connection), but each is a bug to fix; one
 * line per distinct error and the place it was thrown.
 */
function unexpectedErrors(log: string): string[] {
  const found = new Map<string, string>();
  const lines = log.split('\n');
  lines.forEach((line, i) => {
    // A broker's link to the coordinator is shared by all its clients: a peer's frame must never break it.
    const m = / ERROR (.*)$/.exec(line) ?? /(?:handler failed|failed unexpectedly|unhandled|uncaught)[^:]*: (.*)$/i.exec(line) ?? /(coordinator unreachable.*)$/.exec(line);
    if (!m) return;
    const at = lines.slice(i + 1, i + 4).find((l) => /^\s+at /.test(l))?.trim() ?? '';
    const key = `${m[1]!.replace(/\d+/g, 'N')} ${at}`;
    if (!found.has(key)) found.set(key, `${line.trim()} ${at}`);
  });
  return [...found.values()];
}

function seedsFor(target: TargetName, all: SeedFrame[]): Buffer[] {
  const sources: Record<TargetName, string[]> = { broker: ['kcat', 'kafkajs', 'yak-broker'], coordinator: ['yak-coordinator'], control: ['yak-control'] };
  const own = all.filter((s) => sources[target].includes(s.source));
  // A few frames meant for the other listeners: a port must survive any peer's grammar.
  const others = all.filter((s) => !sources[target].includes(s.source)).filter((_, i) => i % 8 === 0);
  return [...own, ...others].map((s) => Buffer.from(s.hex, 'hex'));
}

/** Session `id`'s frames at `target` under `seed`, as a run sends them (to reproduce one by hand). */
export function sessionPlan(target: TargetName, seed: number, id: number): { mode: string; endpointIndex: number; frames: Buffer[] } {
  const endpoints = Array.from({ length: target === 'broker' ? 3 : 1 }, (_, i) => ({ host: '127.0.0.1', port: i }));
  const fuzzer = new WireFuzzer({ target, endpoints: () => endpoints, seeds: seedsFor(target, loadSeeds()), seed, concurrency: 1 });
  const { mode, endpoint, frames } = fuzzer.plan(id, endpoints);
  return { mode, endpointIndex: endpoint.port, frames };
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.join(tempDir('yak-fuzz-'), 'data');
  const up = spawnYak(['up', '--headless', '--brokers', '3', '--data-dir', dataDir]);
  const failures: string[] = [];
  const report: FuzzReport = { seed: opts.seed, targets: [], rss: [], acknowledged: 0, consumed: 0, slowestSendMs: 0, failures };
  try {
    const file = await waitForCluster(dataDir, up);
    const join = opts.join === false ? undefined : (opts.join ?? clusterJoin(ClusterSecret.fromFile(clusterSecretPath(dataDir))));
    const procs = processesOf(file);
    const kafka = new Kafka({ clientId: 'fuzz-workload', brokers: file.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const workload = new Workload(kafka);
    await workload.start();
    const rss = new Map(procs.map((p) => [p.name, { name: p.name, pid: p.pid, beforeMb: rssMb(p.pid) ?? 0, maxMb: 0, afterMb: 0 }]));
    const growthMb = opts.rssGrowthMb ?? DEFAULT_RSS_GROWTH_MB;
    let current: TargetName | null = null;

    const check = () => {
      const now = readClusterFile(dataDir);
      for (const p of procs) {
        const replaced = now ? processesOf(now).find((q) => q.name === p.name)?.pid : p.pid;
        if (!isProcessAlive(p.pid) || (replaced !== undefined && replaced !== p.pid)) {
          if (!failures.some((f) => f.startsWith(`${p.name} (pid`))) failures.push(`${p.name} (pid ${p.pid}) exited${current ? ` while the ${current} listener was fuzzed` : ''}`);
          continue;
        }
        const r = rss.get(p.name)!;
        const mb = rssMb(p.pid) ?? 0;
        r.maxMb = Math.max(r.maxMb, mb);
        if (mb > r.beforeMb + growthMb && !failures.some((f) => f.startsWith(`${p.name} RSS`))) failures.push(`${p.name} RSS ${mb} MB, more than ${growthMb} MB above its ${r.beforeMb} MB at the start`);
      }
    };
    const monitor = setInterval(check, MONITOR_INTERVAL_MS);
    const seeds = loadSeeds();
    try {
      for (const target of opts.targets ?? TARGETS) {
        const endpoints = (): Endpoint[] => {
          const f = readClusterFile(dataDir) ?? file;
          if (target === 'broker') return f.brokers.map((b) => ({ host: b.host, port: b.port }));
          if (target === 'coordinator') return [{ host: f.coordinator.host, port: f.coordinator.port }];
          return [f.control!];
        };
        const fuzzer = new WireFuzzer({ target, endpoints, seeds: seedsFor(target, seeds), seed: opts.seed, join: target === 'broker' ? undefined : join, concurrency: opts.concurrency ?? 16 });
        current = target;
        const ackedBefore = workload.acknowledged.size;
        const started = Date.now();
        let lastLog = started;
        const progress = setInterval(() => {
          if (Date.now() - lastLog >= 10_000) {
            lastLog = Date.now();
            log(`  ${target}: ${fuzzer.sent} frames, ${Math.round(fuzzer.sent / ((Date.now() - started) / 1000))}/s, ${[...rss.values()].map((r) => `${r.name} ${rssMb(r.pid)} MB`).join(', ')}`);
          }
        }, 1000);
        log(`fuzzing the ${target} listener${target === 'broker' ? 's' : ''} with ${opts.frames} frames (seed ${opts.seed})`);
        await fuzzer.run(opts.frames, () => failures.length > 0);
        clearInterval(progress);
        const seconds = (Date.now() - started) / 1000;
        // Let the last sessions' effects (and any crash) show before judging this listener.
        await new Promise((r) => setTimeout(r, 1000));
        check();
        for (const e of unexpectedErrors(up.stdout() + up.stderr())) if (!failures.includes(e)) failures.push(e);
        const acknowledgedMeanwhile = workload.acknowledged.size - ackedBefore;
        const largestAnswers = fuzzer.largestAnswers().map((r) => ({ session: r.id, bytes: r.answered, sent: r.frames.reduce((n, f) => n + f.length, 0), firstFrame: r.frames[0]?.toString('hex').slice(0, 400) ?? '' }));
        report.targets.push({ target, frames: fuzzer.sent, seconds, framesPerSecond: Math.round(fuzzer.sent / seconds), acknowledgedMeanwhile, joined: fuzzer.joined, joinsRefused: fuzzer.joinsRefused, joinsUnanswered: fuzzer.joinsUnanswered, largestAnswers });
        if (fuzzer.joinsRefused > 0) failures.push(`${fuzzer.joinsRefused} sessions holding the cluster secret were refused at the ${target} listener`);
        if (acknowledgedMeanwhile === 0) failures.push(`the producer acknowledged nothing while the ${target} listener was fuzzed`);
        if (failures.length > 0) {
          failures.push(`seed ${opts.seed}, target ${target}; last sessions before the failure:\n${fuzzer.recentSessions().slice(-8).map((s) => `  session ${s.id} (${s.mode}) to ${s.endpoint.host}:${s.endpoint.port}:\n${s.frames.map((f) => `    ${f.toString('hex')}`).join('\n')}`).join('\n')}`);
          break;
        }
      }
    } finally {
      clearInterval(monitor);
    }
    failures.push(...workload.errors.slice(0, 5));
    failures.push(...(await workload.finish(60_000)));
    report.acknowledged = workload.acknowledged.size;
    report.consumed = workload.consumed.size;
    report.slowestSendMs = workload.slowestSendMs;
    for (const r of rss.values()) r.afterMb = rssMb(r.pid) ?? 0;
    report.rss = [...rss.values()];
    if (failures.length > 0) failures.push(`yak up's log (last lines):\n${(up.stdout() + up.stderr()).split('\n').filter((l) => !/closing connection/.test(l)).slice(-40).join('\n')}`);
    return report;
  } finally {
    if (opts.logFile) fs.writeFileSync(opts.logFile, up.stdout() + up.stderr());
    const killer = setTimeout(() => void up.stop('SIGKILL'), 20_000);
    await up.stop('SIGINT');
    clearTimeout(killer);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
}
