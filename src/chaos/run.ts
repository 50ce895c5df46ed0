import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Admin } from '../client/admin.js';
import { KafkaClient, parseBootstrap } from '../client/kafka-client.js';
import { UserError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import type { SecuritySetup } from '../supervisor/cluster-security.js';
import { Supervisor, type SupervisorOptions } from '../supervisor/supervisor.js';
import type { CheckResult } from './checker.js';
import { CoordinatorView, fullyInSync } from './coordinator-view.js';
import { Nemesis, sleep, stamp, type FaultKind } from './nemesis.js';
import { ProxyNetwork, type Address } from './proxy-network.js';
import { Prng } from './prng.js';
import { SETTLE_BOUND_MS } from './reading.js';
import { describeMeasure, measureFault, type FaultMeasure } from './report.js';
import type { TxnCheckResult } from './txn-checker.js';
import { runRecordsWorkload } from './records-workload.js';
import { runTxnWorkload } from './txn-workload.js';
import { interrupted, TOPIC, type WorkloadContext } from './workload.js';

/** records: an idempotent producer and a reader (the default); txn: a transactional consume-transform-produce pipeline (txn-workload.ts). */
export type Workload = 'records' | 'txn';
export const WORKLOADS: readonly Workload[] = ['records', 'txn'];

export interface ChaosOptions {
  workload: Workload;
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
  check: CheckResult | TxnCheckResult | null;
  measures: FaultMeasure[];
  dataDir: string;
  dataKept: boolean;
}

/**
 * `yak chaos`: YaK's Jepsen. Starts its own cluster, runs a workload (the default one: an idempotent
 * producer of sequence-numbered records and a consumer reading along; or `txn`, see txn-workload.ts)
 * while the nemesis kills, pauses and restarts brokers (and now and then the coordinator), then heals
 * everything, reads the topics from start to end and checks the workload's promises (the default:
 * every acknowledged record is there exactly once, in order, at the offset its ack named).
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
      (opts.workload === 'txn' ? 'workload txn, input ' : '') +
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
    const ctx: WorkloadContext = {
      opts,
      newClient,
      view,
      clock,
      signal,
      out,
      closers,
      begin: () => {
        t0 = performance.now();
        view.start();
      },
      runFaults: (history) => {
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
        const faults = nemesis;
        return faults.run(opts.durationMs).then(() => faults.faults.map((f) => measureFault(f, history, view)));
      },
    };
    const result = opts.workload === 'txn' ? await runTxnWorkload(ctx) : await runRecordsWorkload(ctx);
    for (const line of result.summary) out(line);
    outcome = { passed: result.failures.length === 0, failures: result.failures, check: result.check, measures: result.measures, dataDir, dataKept: false };
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
