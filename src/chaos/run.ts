import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Admin } from '../client/admin.js';
import { Consumer } from '../client/consumer.js';
import { KafkaClient, parseBootstrap } from '../client/kafka-client.js';
import { Producer } from '../client/producer.js';
import { ErrorCode, KafkaError, UserError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import type { SecuritySetup } from '../supervisor/cluster-security.js';
import { Supervisor, type SupervisorOptions } from '../supervisor/supervisor.js';
import { check, violations, type CheckResult, type ReadRecord } from './checker.js';
import { CoordinatorView, fullyInSync } from './coordinator-view.js';
import { History } from './history.js';
import { Nemesis, sleep, stamp, type FaultKind } from './nemesis.js';
import { ProxyNetwork, type Address } from './proxy-network.js';
import { Prng } from './prng.js';
import { describeMeasure, formatSummary, measureFault, type FaultMeasure } from './report.js';

export interface ChaosOptions {
  durationMs: number;
  seed: number;
  brokers: number;
  partitions: number;
  acks: 'all' | '1';
  /** Records per second handed to the producer. */
  rate: number;
  sessionTimeoutMs: number;
  /** The faults to draw from (all by default). */
  faults: readonly FaultKind[];
  /** Where the cluster lives; a fresh temp dir (removed afterwards) when omitted. */
  dataDir?: string;
  /** Keep the temp dir even when the run passes (it is always kept when it fails). */
  keepData?: boolean;
  /** Echo the cluster's log lines to stderr. */
  verbose?: boolean;
  /** TLS and SASL on the cluster (`yak chaos --security sasl-tls`); absent: PLAINTEXT. */
  security?: SecuritySetup;
  /** The bundle to fork for the cluster (dist/yak.js). */
  entry: string;
  execArgv?: string[];
  /** Told where the cluster lives as soon as that is known (to kill it on a second Ctrl-C). */
  onDataDir?: (dataDir: string) => void;
}

export interface ChaosOutcome {
  passed: boolean;
  /** Violations and anything that kept the check from being complete. */
  failures: string[];
  check: CheckResult | null;
  measures: FaultMeasure[];
  dataDir: string;
  dataKept: boolean;
}

export const TOPIC = 'chaos';
const DELIVERY_TIMEOUT_MS = 30_000;
const FLUSH_BOUND_MS = 90_000;
const SETTLE_BOUND_MS = 30_000;
const FINAL_READ_BOUND_MS = 60_000;

/**
 * `yak chaos`: YaK's Jepsen. Starts its own cluster, runs an idempotent producer of sequence-numbered
 * records and a consumer reading along while the nemesis kills, pauses and restarts brokers (and now and
 * then the coordinator), then heals everything, reads every partition from start to end and checks that
 * every acknowledged record is there exactly once, in order, at the offset its ack named.
 * Lifecycle: temp dir -> cluster -> topic -> workload + faults -> heal -> flush -> settle -> final read
 * -> check -> cluster stopped, temp dir removed (kept when the run fails, for diagnosis).
 */
export async function runChaos(opts: ChaosOptions, print: (line: string) => void, signal: AbortSignal): Promise<ChaosOutcome> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'yak-chaos-'));
  if (!ownDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    if (fs.readdirSync(dataDir).length > 0) throw new UserError(`--data-dir ${dataDir} is not empty: yak chaos needs a fresh cluster`);
  }
  opts.onDataDir?.(dataDir);
  const log = fs.createWriteStream(path.join(dataDir, 'chaos.log'), { flags: 'a' });
  log.on('error', () => undefined); // the log is an aid: never let it end the run
  const logger = createLogger('chaos', log);
  // Every line printed also goes to chaos.log, between the cluster's own lines.
  const out = (line: string) => {
    print(line);
    if (log.writable) log.write(`${new Date().toISOString()} chaos: ${line}\n`);
  };
  const rf = Math.min(3, opts.brokers);
  out(
    `yak chaos: seed ${opts.seed} (repeat with --seed ${opts.seed}), ${opts.durationMs / 1000} s, ${opts.brokers} broker(s), ` +
      `topic ${TOPIC} (${opts.partitions} partitions, replication factor ${rf}), acks=${opts.acks}, ${opts.rate} records/s, session timeout ${opts.sessionTimeoutMs} ms, ` +
      `faults: ${opts.faults.join(', ')}`,
  );
  // Partitions: a proxy in front of every process, which the supervisor's brokers are pointed at.
  const network = opts.faults.includes('partition') ? new ProxyNetwork() : null;
  let addressOf: (name: string) => Address | null = () => null; // until the supervisor exists
  const links = network ? await proxyLinks(network, opts.brokers, (name) => addressOf(name)) : undefined;
  if (network) out('partitions through a TCP proxy in front of each process (brokers advertise theirs; clients are never cut off)');
  let nemesis: Nemesis | null = null;
  const supervisor = new Supervisor({
    brokers: opts.brokers,
    dataDir,
    host: '127.0.0.1',
    entry: opts.entry,
    execArgv: opts.execArgv,
    heartbeatIntervalMs: Math.max(50, Math.min(500, Math.floor(opts.sessionTimeoutMs / 6))),
    sessionTimeoutMs: opts.sessionTimeoutMs,
    links,
    security: opts.security,
    logger,
    onChildLine: (name, line) => {
      nemesis?.observe(name, line);
      if (log.writable) log.write(`${name}: ${line}\n`);
      if (opts.verbose) process.stderr.write(`${name}: ${line}\n`);
    },
  });
  addressOf = (name) => supervisor.address(name);

  const clients: KafkaClient[] = [];
  const closers: (() => void | Promise<void>)[] = [];
  let outcome: ChaosOutcome | null = null;
  try {
    const started = performance.now();
    const file = await supervisor.start();
    out(`cluster up in ${Math.round(performance.now() - started)} ms (data in ${dataDir})`);
    const bootstrap = parseBootstrap(file.bootstrap);
    const newClient = (clientId: string) => {
      const c = new KafkaClient({ bootstrap, clientId, security: supervisor.clientSecurity });
      clients.push(c);
      return c;
    };

    let t0 = performance.now();
    const clock = () => performance.now() - t0;
    const view = new CoordinatorView({ host: file.coordinator.host, port: file.coordinator.port }, supervisor.clusterSecret, TOPIC, clock, supervisor.coordinatorSecurity);
    closers.push(() => view.stop());

    // The topic, fully in sync before the first record.
    const client = newClient('yak-chaos-producer');
    await new Admin(client).createTopic(TOPIC, opts.partitions, rf);
    const settleDeadline = performance.now() + SETTLE_BOUND_MS;
    for (;;) {
      const s = await view.query();
      if (s && fullyInSync(s)) break;
      if (performance.now() > settleDeadline) throw new Error(`topic ${TOPIC} did not get leaders and full ISRs in ${SETTLE_BOUND_MS / 1000} s`);
      await sleep(100, signal);
      if (signal.aborted) throw interrupted();
    }
    const acks = opts.acks === 'all' ? -1 : 1;
    const producer = new Producer(client, { acks, idempotent: acks === -1, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, lingerMs: 10 });
    await producer.partitionsOf(TOPIC);

    // The consumer reading along.
    const live = new LiveReader(newClient('yak-chaos-live'), TOPIC);
    closers.push(() => void live.close());
    await live.start();

    t0 = performance.now();
    view.start();
    const history = new History(opts.partitions);
    const workload = runWorkload(producer, history, opts, clock, signal, out);
    nemesis = new Nemesis({
      control: (action, target) => supervisor.handleControl(action, target),
      network,
      kinds: opts.faults,
      view,
      brokers: opts.brokers,
      partitions: opts.partitions,
      topic: TOPIC,
      rng: new Prng(opts.seed),
      clock,
      out,
      signal,
      afterFault: (f) => {
        const m = measureFault(f, history, view);
        out(`${stamp(clock())}   ${describeMeasure(m)}`);
      },
    });
    await Promise.all([workload, nemesis.run(opts.durationMs)]);
    if (signal.aborted) throw interrupted();

    // Heal (the nemesis healed its last fault), flush, settle.
    out(`${stamp(clock())} faults over: ${history.sent} records handed to the producer; flushing`);
    const flushBound = new AbortController();
    const stopBound = () => flushBound.abort();
    signal.addEventListener('abort', stopBound, { once: true });
    const flushed = await Promise.race([producer.flush().then(() => true), sleep(FLUSH_BOUND_MS, flushBound.signal).then(() => false)]);
    flushBound.abort();
    signal.removeEventListener('abort', stopBound);
    if (signal.aborted) throw interrupted();
    const failures: string[] = [];
    if (!flushed) failures.push(`the producer still had unanswered records after ${FLUSH_BOUND_MS / 1000} s (they count as unacknowledged)`);
    const acked = history.acked();
    const needEnd = new Array<number>(opts.partitions).fill(0);
    for (const a of acked) needEnd[a.partition] = Math.max(needEnd[a.partition]!, a.offset + 1);
    const ends = await settle(view, newClient('yak-chaos-settle'), opts.partitions, needEnd, signal);
    if (signal.aborted) throw interrupted();
    if (!ends.inSync) out(`${stamp(clock())} note: the ISR was not full again within ${SETTLE_BOUND_MS / 1000} s; reading anyway`);
    out(`${stamp(clock())} reading ${TOPIC} to its end (${ends.offsets.map((o, p) => `${TOPIC}-${p}: ${o}`).join(', ')})`);
    const seenDuringRun = live.close();

    const read = await readAll(newClient('yak-chaos-check'), TOPIC, ends.offsets, signal);
    if (signal.aborted) throw interrupted();
    if (read.incomplete) failures.push(read.incomplete);

    const result = check({ sent: history.sent, partitions: opts.partitions, acked, read: read.records, seenDuringRun });
    const finalMeasures = nemesis.faults.map((f) => measureFault(f, history, view));
    failures.unshift(...violations(result));
    for (const line of formatSummary({
      check: result,
      readDuringRun: seenDuringRun.length,
      liveConsumerError: live.error,
      producerErrors: history.errors,
      measures: finalMeasures,
      sessionTimeoutMs: opts.sessionTimeoutMs,
      problems: failures.slice(violations(result).length),
    })) {
      out(line);
    }
    outcome = { passed: failures.length === 0, failures, check: result, measures: finalMeasures, dataDir, dataKept: false };
    return outcome;
  } finally {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
    for (const c of clients) c.close();
    await supervisor.stop();
    await network?.close();
    const keep = !ownDir || opts.keepData === true || !outcome?.passed;
    await new Promise<void>((r) => log.end(() => r()));
    if (outcome) outcome.dataKept = keep;
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    else if (ownDir) print(`data and cluster log kept in ${dataDir} (chaos.log)`);
  }
}

/** Starts the proxy in front of each process; returns the links the supervisor gives its brokers. */
async function proxyLinks(network: ProxyNetwork, brokers: number, addressOf: (name: string) => Address | null): Promise<NonNullable<SupervisorOptions['links']>> {
  try {
    const coordinator = await network.add('zookeeper', '127.0.0.1', () => addressOf('zookeeper'));
    const ports = new Map<number, number>();
    for (let id = 1; id <= brokers; id++) ports.set(id, (await network.add(`broker-${id}`, '127.0.0.1', () => addressOf(`broker-${id}`))).port);
    return { coordinator: `${coordinator.host}:${coordinator.port}`, advertisedPort: (id) => ports.get(id)! };
  } catch (err) {
    await network.close();
    throw err;
  }
}

function interrupted(): UserError {
  return new UserError('interrupted: the cluster was stopped, nothing was checked', 130);
}

/**
 * The workload: record seq = 0, 1, 2, ... at `rate` per second, value String(seq), to partition
 * seq % partitions, until the run's duration is over.
 */
async function runWorkload(producer: Producer, history: History, opts: ChaosOptions, clock: () => number, signal: AbortSignal, out: (line: string) => void): Promise<void> {
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

/** A consumer from the earliest offset that reads along during the run and keeps what it saw. */
class LiveReader {
  private consumer: Consumer;
  private readonly seen: ReadRecord[] = [];
  private stopped = false;
  error: string | null = null;

  constructor(client: KafkaClient, topic: string) {
    this.consumer = new Consumer(client, { topic, start: 'earliest' });
  }

  async start(): Promise<void> {
    await this.consumer.start();
    void (async () => {
      while (!this.stopped) {
        try {
          for (const r of await this.consumer.poll(500)) this.seen.push({ partition: r.partition, offset: r.offset, value: r.value?.toString('utf8') ?? null });
        } catch (err) {
          this.error = (err as Error).message;
          return;
        }
      }
    })();
  }

  /** Stops reading; returns what was seen. */
  close(): ReadRecord[] {
    this.stopped = true;
    this.consumer.close();
    return this.seen;
  }
}

/**
 * Waits (bounded) until every partition has its full ISR and its end offset (high watermark) covers
 * every acknowledged record; returns the end offsets to read up to.
 */
async function settle(view: CoordinatorView, client: KafkaClient, partitions: number, needEnd: number[], signal: AbortSignal): Promise<{ offsets: number[]; inSync: boolean }> {
  const deadline = performance.now() + SETTLE_BOUND_MS;
  let inSync = false;
  while (!signal.aborted) {
    const s = await view.query();
    inSync = s !== null && fullyInSync(s);
    if (inSync || performance.now() > deadline) break;
    await sleep(200, signal);
  }
  let offsets: number[] = [];
  while (!signal.aborted) {
    offsets = await endOffsets(client, TOPIC, partitions, deadline + FINAL_READ_BOUND_MS);
    if (offsets.every((o, p) => o >= needEnd[p]!) || performance.now() > deadline) break;
    await sleep(500, signal);
  }
  return { offsets, inSync };
}

/** ListOffsets latest (the high watermark) of every partition, from its leader, with retries. */
async function endOffsets(client: KafkaClient, topic: string, partitions: number, deadlineMs: number): Promise<number[]> {
  const admin = new Admin(client);
  for (;;) {
    try {
      const latest = await admin.listOffsets(topic, 'latest', { timeoutMs: 5000 });
      return Array.from({ length: partitions }, (_, p) => {
        const end = latest.get(p);
        if (end === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `no end offset for ${topic}-${p}`);
        return end;
      });
    } catch (err) {
      if (performance.now() > deadlineMs) throw new Error(`cannot get the end offsets of ${topic}: ${(err as Error).message}`);
      await sleep(200);
    }
  }
}

/** The final read: every partition from its start to `ends` with a fresh consumer (bounded in time). */
async function readAll(client: KafkaClient, topic: string, ends: number[], signal: AbortSignal): Promise<{ records: ReadRecord[]; incomplete: string | null }> {
  const consumer = new Consumer(client, { topic, start: 'earliest' });
  const records: ReadRecord[] = [];
  const take = (rs: Awaited<ReturnType<Consumer['poll']>>) => {
    for (const r of rs) records.push({ partition: r.partition, offset: r.offset, value: r.value?.toString('utf8') ?? null });
  };
  const deadline = performance.now() + FINAL_READ_BOUND_MS;
  try {
    await consumer.start();
    const behind = () => ends.map((end, p) => ({ p, at: consumer.position(p) ?? 0, end })).filter((x) => x.at < x.end);
    while (behind().length > 0 && !signal.aborted) {
      if (performance.now() > deadline) {
        const b = behind().map((x) => `${topic}-${x.p} at ${x.at} of ${x.end}`).join(', ');
        take(await consumer.poll(0));
        return { records, incomplete: `the final read did not reach the end in ${FINAL_READ_BOUND_MS / 1000} s (${b})` };
      }
      take(await consumer.poll(500));
    }
    take(await consumer.poll(0));
    return { records, incomplete: null };
  } finally {
    consumer.close();
  }
}
