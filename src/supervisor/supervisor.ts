import type { ChildProcess } from 'node:child_process';
import { describeProcessEvent, type BrokerEvent, type ProcessEvent } from '../common/cluster-events.js';
import type { BrokerState, ClusterMetadata } from '../common/cluster-types.js';
import { ClusterSecret } from '../common/cluster-secret.js';
import { DATA_CORRUPTED_EXIT_CODE, UserError } from '../common/errors.js';
import { isoTimestamp, type Logger } from '../common/logger.js';
import { ensurePrivateDir } from '../common/private-files.js';
import { connectToCluster } from '../net/cluster-auth.js';
import type { ConnectionSecurity } from '../net/connection.js';
import { InternalApi, type ControlAction, type ControlRequest, type ControlResponse } from '../protocol/internal-api.js';
import { isProcessAlive, readClusterFile, removeClusterFile, writeClusterFile, type ClusterFile } from '../client/cluster-file.js';
import { startChild, stopChild } from './child-process.js';
import { ControlServer } from './control-server.js';
import { connectionSecurityFrom, prepareClusterSecurity, registerAdminUser, type SecuritySetup } from './cluster-security.js';
import { brokerDir, coordinatorDir } from './data-dir.js';

export interface SupervisorOptions {
  brokers: number;
  dataDir: string;
  host: string;
  /** Script to fork for children (dist/yak.js, or the TS entry under tsx). */
  entry: string;
  execArgv?: string[];
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  /** broker-1's port, broker-N's is this + N - 1 (Kafka's 9092, say); 0 or none: ephemeral ports. */
  port?: number;
  /** Extra flags passed to every broker (partitions defaults, sync mode). */
  brokerArgs?: string[];
  /** broker.rack of each broker: broker N gets racks[(N - 1) mod length] (`yak up --racks a,b,c`). */
  racks?: string[];
  /** Extra flags for the coordinator (replication defaults). */
  coordinatorArgs?: string[];
  /**
   * Something standing between the processes (yak chaos's partition proxies): the address brokers
   * are given for the coordinator, and the port broker N advertises (clients and followers connect
   * there). Default: the processes' own addresses.
   */
  links?: { coordinator: string; advertisedPort: (brokerId: number) => number };
  /** TLS and SASL on the brokers' listeners (`yak up --security`); absent: PLAINTEXT. */
  security?: SecuritySetup;
  logger: Logger;
  /**
   * Its children starting and exiting, and what brokers report as data (truncations), for the TUI's
   * event log; absent: starts and exits are logged as lines (a broker logs its own events).
   */
  onEvent?: (e: ProcessEvent | BrokerEvent) => void;
  /** Every line a child prints, prefixed with its name (the headless log). */
  onChildLine: (name: string, line: string) => void;
  /**
   * `yak down` from another shell: how the owner of this supervisor stops it (as its Ctrl-C does).
   * Without it (yak chaos, tests) the control endpoint refuses to stop the cluster.
   */
  onStopRequested?: () => void;
}

/** One supervised process: the coordinator or a broker. Its port stays the same across restarts. */
interface Managed {
  name: string;
  args: (port: number) => string[];
  dataDir: string;
  process: ChildProcess | null;
  host: string;
  port: number;
  state: BrokerState;
  /** Why it is dead (its exit, or why it could not start), shown in cluster.json; null while it runs. */
  reason: string | null;
  brokerId?: number;
}

/**
 * `yak up`: forks the coordinator and N brokers from the same bundle, waits until each is ready,
 * writes cluster.json, serves the control endpoint (`yak kill|pause|resume|restart`), reports broker
 * exits to the coordinator at once (fast failover), and stops everything in order: brokers, then
 * the coordinator. A restarted process keeps its id, data dir and port, so clients reconnect.
 */
export class Supervisor {
  private coordinator: Managed | null = null;
  private readonly brokers = new Map<number, Managed>();
  private control: ControlServer | null = null;
  #secret: ClusterSecret | null = null;
  /** The prepared security (flags for the children, what cluster.json records); null: PLAINTEXT. */
  private security: Awaited<ReturnType<typeof prepareClusterSecurity>> | null = null;
  private stopping = false;
  private readonly startedAt = isoTimestamp();

  constructor(private readonly opts: SupervisorOptions) {}

  async start(): Promise<ClusterFile> {
    const existing = readClusterFile(this.opts.dataDir);
    if (existing && isProcessAlive(existing.supervisorPid) && existing.supervisorPid !== process.pid) {
      throw new UserError(`a YaK cluster is already running in ${this.opts.dataDir} (supervisor pid ${existing.supervisorPid}, bootstrap ${existing.bootstrap})`);
    }
    ensurePrivateDir(this.opts.dataDir);
    // The data dir's secret, kept across restarts: a process started by hand can join with it.
    this.#secret = ClusterSecret.createOrLoad(this.opts.dataDir).secret;
    try {
      if (this.opts.security) this.security = await prepareClusterSecurity(this.opts.dataDir, this.opts.host, this.opts.security);
      this.coordinator = this.managedCoordinator();
      await this.launch(this.coordinator);
      // Before any broker serves: the admin can log in from the first connection on.
      const passwordFile = this.security?.info.passwordFile;
      if (passwordFile) await registerAdminUser(this.coordinator, this.#secret, this.security?.coordinatorClient, passwordFile);
      for (let id = 1; id <= this.opts.brokers; id++) this.brokers.set(id, this.managedBroker(id));
      // Every launch settles before a failure is reported, so stop() below finds (and stops) the brokers that did start.
      const launched = await Promise.allSettled([...this.brokers.values()].map((b) => this.launch(b)));
      const failed = launched.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      // A broker whose log.db is corrupted stays down and the cluster comes up without it, so that
      // `yak restart broker-N --rebuild` (which its reason names) can bring it back from the others.
      const corrupted = (r: PromiseRejectedResult) => r.reason instanceof UserError && r.reason.exitCode === DATA_CORRUPTED_EXIT_CODE;
      const fatal = failed.find((r) => !corrupted(r));
      if (fatal) throw fatal.reason;
      for (const r of failed) this.opts.logger.error((r.reason as Error).message);
      this.control = new ControlServer(this.opts.host, this.#secret, (action, target, flags) => this.handleControl(action, target, flags), this.opts.logger);
      await this.control.listen();
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this.writeClusterFile();
  }

  /** How a Kafka client in this process reaches the brokers (chaos's workload): the admin's login and the CA; PLAINTEXT: undefined. */
  get clientSecurity(): ConnectionSecurity | undefined {
    return this.security ? connectionSecurityFrom(this.security.info) : undefined;
  }

  /** How a client in this process reaches the coordinator: over TLS, trusting the cluster's CA, when the cluster has TLS. */
  get coordinatorSecurity(): ConnectionSecurity | undefined {
    return this.security?.coordinatorClient;
  }

  /** The cluster secret (`<data-dir>/cluster.secret`), for a client of the coordinator in this process (TUI, chaos). */
  get clusterSecret(): ClusterSecret {
    if (!this.#secret) throw new Error('the supervisor has not started');
    return this.#secret;
  }

  private managedCoordinator(): Managed {
    const dataDir = coordinatorDir(this.opts.dataDir);
    return {
      name: 'zookeeper',
      dataDir,
      process: null,
      host: this.opts.host,
      port: 0,
      state: 'starting',
      reason: null,
      args: (port) => [
        'zookeeper',
        '--host', this.opts.host,
        '--port', String(port),
        '--data-dir', dataDir,
        '--heartbeat-interval-ms', String(this.opts.heartbeatIntervalMs),
        '--session-timeout-ms', String(this.opts.sessionTimeoutMs),
        ...(this.opts.coordinatorArgs ?? []),
        ...(this.security?.coordinatorArgs ?? []),
      ],
    };
  }

  private managedBroker(id: number): Managed {
    const dataDir = brokerDir(this.opts.dataDir, id);
    return {
      name: `broker-${id}`,
      brokerId: id,
      dataDir,
      process: null,
      host: this.opts.host,
      port: this.opts.port ? this.opts.port + id - 1 : 0,
      state: 'starting',
      reason: null,
      args: (port) => [
        'broker',
        '--id', String(id),
        '--host', this.opts.host,
        '--port', String(port),
        '--data-dir', dataDir,
        '--coordinator', this.opts.links?.coordinator ?? `${this.coordinator!.host}:${this.coordinator!.port}`,
        ...(this.opts.links ? ['--advertised-port', String(this.opts.links.advertisedPort(id))] : []),
        ...(this.opts.racks?.length ? ['--rack', this.opts.racks[(id - 1) % this.opts.racks.length]!] : []),
        ...(this.opts.brokerArgs ?? []),
        ...(this.security?.brokerArgs ?? []),
      ],
    };
  }

  /** Starts (or restarts) a managed process and resolves once it reports ready. */
  private async launch(m: Managed): Promise<void> {
    m.state = 'starting';
    let child;
    try {
      child = await startChild({ name: m.name, entry: this.opts.entry, execArgv: this.opts.execArgv, args: m.args(m.port), env: this.clusterSecret.childEnv(), onLine: this.opts.onChildLine, onEvent: this.opts.onEvent });
    } catch (err) {
      m.state = 'dead';
      m.reason = (err as Error).message;
      if (!this.stopping && this.control) this.writeClusterFile(); // a restart that failed: show it dead
      throw err;
    }
    m.process = child.process;
    m.host = child.host;
    m.port = child.port;
    m.state = 'alive';
    m.reason = null;
    const pid = child.process.pid!;
    this.report({ type: 'process-started', name: m.name, pid, host: m.host, port: m.port });
    child.process.once('exit', (code, signal) => {
      if (m.process !== child.process) return;
      const how = signal ?? `code ${code}`;
      m.process = null;
      m.state = 'dead';
      m.reason = `exited (${how})`;
      if (this.stopping) return;
      this.report({ type: 'process-exited', name: m.name, pid, how });
      if (m.brokerId !== undefined) void this.reportBrokerExit(m.brokerId, pid);
      this.writeClusterFile();
    });
  }

  private report(e: ProcessEvent): void {
    if (this.opts.onEvent) return this.opts.onEvent(e);
    if (e.type === 'process-exited') this.opts.logger.warn(describeProcessEvent(e));
    else this.opts.logger.info(describeProcessEvent(e));
  }

  /** Tells the coordinator a broker process is gone, so it elects new leaders without waiting for the session to expire. */
  private async reportBrokerExit(brokerId: number, pid: number): Promise<void> {
    const c = this.coordinator;
    if (!c || c.state !== 'alive') return;
    try {
      const conn = await connectToCluster(c.host, c.port, this.clusterSecret, { clientId: 'supervisor', security: this.coordinatorSecurity });
      await conn.request(InternalApi.BrokerExited, 0, { brokerId, pid }, { timeoutMs: 2000 });
      conn.close();
    } catch {
      // The coordinator will notice through the missed heartbeats.
    }
  }

  /** Where `zookeeper` or `broker-N` listens while it runs; null when it does not. */
  address(target: string): { host: string; port: number } | null {
    const m = this.find(target);
    return m.process ? { host: m.host, port: m.port } : null;
  }

  private find(target: string): Managed {
    if (target === 'zookeeper' || target === 'coordinator') return this.coordinator!;
    const m = /^broker-(\d+)$/.exec(target);
    const b = m ? this.brokers.get(Number(m[1])) : undefined;
    if (!b) {
      const names = ['zookeeper', ...[...this.brokers.keys()].map((id) => `broker-${id}`)].join(', ');
      throw new UserError(`no process named "${target}" in this cluster (it has ${names})`);
    }
    return b;
  }

  /**
   * The operator verbs: kill (SIGKILL, a crash), pause/resume (SIGSTOP/SIGCONT, a hang), restart (a
   * clean stop first if it runs; with `rebuild`, a broker's log.db is moved aside before it starts);
   * and stop (`yak down`: the whole cluster, through its owner).
   */
  async handleControl(action: ControlAction, target: string, flags: Pick<ControlRequest, 'rebuild' | 'force'> = {}): Promise<ControlResponse> {
    if (action === 'stop') {
      const stop = this.opts.onStopRequested;
      if (!stop) throw new UserError('this cluster is run by a program that stops it itself (yak chaos, a test): it cannot be stopped from here');
      // Answered first: the stop closes this endpoint.
      setImmediate(stop);
      return { message: `stopping the cluster (supervisor pid ${process.pid})` };
    }
    const m = this.find(target);
    const pid = m.process?.pid ?? -1;
    switch (action) {
      case 'kill': {
        const child = m.process;
        if (!child) throw new UserError(`${m.name} is not running`);
        // Answer once the process is gone, so a `restart` right after the kill is accepted.
        const exited = new Promise((resolve) => child.once('exit', resolve));
        if (m.state === 'paused') child.kill('SIGCONT');
        child.kill('SIGKILL');
        await exited;
        return { message: `killed ${m.name} (pid ${pid}, SIGKILL)` };
      }
      case 'pause':
        if (m.state === 'paused') throw new UserError(`${m.name} is already paused (yak resume ${m.name})`);
        if (!m.process || m.state !== 'alive') throw new UserError(`${m.name} is ${m.state}, not running`);
        m.process.kill('SIGSTOP');
        m.state = 'paused';
        this.writeClusterFile();
        return { message: `paused ${m.name} (pid ${pid}, SIGSTOP): it stops heartbeating and serving until resumed` };
      case 'resume':
        if (!m.process || m.state !== 'paused') throw new UserError(`${m.name} is not paused`);
        m.process.kill('SIGCONT');
        m.state = 'alive';
        this.writeClusterFile();
        return { message: `resumed ${m.name} (pid ${pid}, SIGCONT)` };
      case 'restart': {
        // A broker becomes ready once it has registered: without a coordinator it never would.
        const c = this.coordinator!;
        if (m !== c && (!c.process || c.state === 'paused')) {
          throw new UserError(`${m.name} cannot start while zookeeper is ${c.state === 'paused' ? 'paused' : 'down'}: a broker registers with it first (yak ${c.state === 'paused' ? 'resume' : 'restart'} zookeeper)`);
        }
        if (flags.rebuild) {
          if (m.brokerId === undefined) throw new UserError(`--rebuild is for a broker's log.db; ${m.name} keeps the cluster's metadata`);
          if (!flags.force) await this.refuseRebuildLosingData(m.brokerId);
        }
        const started = Date.now();
        // Running: a clean stop first, as systemctl restart does (a paused one is woken to act on it).
        const running = m.process;
        if (running) {
          if (m.state === 'paused') running.kill('SIGCONT');
          await stopChild(running, 10_000);
        }
        if (flags.rebuild) await this.waitUntilGivenUp(m.brokerId!);
        // Imported here: the supervisor evaluates the storage layer (and its codecs) only for a rebuild.
        const backup = flags.rebuild ? (await import('../storage/log-store.js')).moveLogAside(m.dataDir) : null;
        if (backup) this.opts.logger.warn(`${m.name}: moved its log aside to ${backup}; it re-replicates every partition from the leaders`);
        await this.launch(m);
        this.writeClusterFile();
        const how = running ? `stopped pid ${pid}, ` : '';
        const rebuilt = flags.rebuild ? (backup ? `, empty: the old log.db is ${backup}; it re-replicates from the leaders` : ', empty (it had no log.db)') : '';
        return { message: `restarted ${m.name} (${how}pid ${m.process!.pid}, ${m.host}:${m.port}${rebuilt}) in ${Date.now() - started} ms` };
      }
    }
  }

  /**
   * A rebuilt broker starts empty, so its log must exist elsewhere: refused (unless forced) while it
   * is the only in-sync replica of a partition, whose acknowledged records may be on it alone.
   */
  private async refuseRebuildLosingData(brokerId: number): Promise<void> {
    const md = await this.coordinatorMetadata();
    const only = md.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length > 0 && p.isr.every((r) => r === brokerId)).map((p) => `${t.name}-${p.partition}`));
    if (only.length === 0) return;
    const list = only.length > 5 ? `${only.slice(0, 5).join(', ')} and ${only.length - 5} more` : only.join(', ');
    throw new UserError(
      `refusing to rebuild broker-${brokerId}: it is the only in-sync replica of ${list}, whose records may exist nowhere else; ` +
        `bring another replica back in sync first, or add --force to rebuild anyway and lose them`,
    );
  }

  /**
   * Before an emptied broker registers, the coordinator must have given it up (and so dropped it from
   * every ISR): a session it restored when it restarted stays alive until it expires, and a broker
   * registering into it would keep its ISR places, and leaderships, with nothing in its log.
   */
  private async waitUntilGivenUp(brokerId: number): Promise<void> {
    const deadline = Date.now() + this.opts.sessionTimeoutMs * 2 + 5000;
    for (;;) {
      const md = await this.coordinatorMetadata();
      if (md.brokers.find((b) => b.id === brokerId)?.state !== 'alive') return;
      if (Date.now() > deadline) throw new UserError(`broker-${brokerId} is still registered with the coordinator; not starting it empty (try again)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async coordinatorMetadata(): Promise<ClusterMetadata> {
    const c = this.coordinator!;
    const conn = await connectToCluster(c.host, c.port, this.clusterSecret, { clientId: 'supervisor', security: this.coordinatorSecurity });
    try {
      return await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: -1, maxWaitMs: 0 }, { timeoutMs: 5000 });
    } finally {
      conn.close();
    }
  }

  private writeClusterFile(): ClusterFile {
    const c = this.coordinator!;
    const brokers = [...this.brokers.values()].sort((a, b) => a.brokerId! - b.brokerId!);
    const file: ClusterFile = {
      supervisorPid: process.pid,
      startedAt: this.startedAt,
      coordinator: { host: c.host, port: c.port, pid: c.process?.pid ?? -1, state: c.state },
      control: this.control?.address ?? undefined,
      brokers: brokers.map((b) => ({ id: b.brokerId!, host: b.host, port: b.port, pid: b.process?.pid ?? -1, state: b.state, dataDir: b.dataDir, ...(b.reason ? { reason: b.reason } : {}) })),
      // A broker that never started (yak up with its log.db corrupted) has no port yet.
      bootstrap: brokers.filter((b) => b.port > 0).map((b) => `${b.host}:${b.port}`).join(','),
      ...(this.security ? { security: this.security.info } : {}),
    };
    if (!this.stopping) writeClusterFile(this.opts.dataDir, file);
    return file;
  }

  /** Stops brokers (SIGTERM, then SIGKILL after a grace period), then the coordinator; removes cluster.json. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.control?.close();
    const all = [...this.brokers.values()];
    for (const m of [...all, this.coordinator]) if (m?.state === 'paused') m.process?.kill('SIGCONT');
    await Promise.all(all.map((b) => (b.process ? stopChild(b.process) : Promise.resolve())));
    if (this.coordinator?.process) await stopChild(this.coordinator.process);
    const file = readClusterFile(this.opts.dataDir);
    if (file?.supervisorPid === process.pid) removeClusterFile(this.opts.dataDir);
  }
}
