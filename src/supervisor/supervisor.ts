import path from 'node:path';
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { Connection } from '../net/connection.js';
import { InternalApi } from '../protocol/internal-api.js';
import { isProcessAlive, readClusterFile, removeClusterFile, writeClusterFile, type ClusterFile } from '../client/cluster-file.js';
import { startChild, stopChild } from './child-process.js';

export interface SupervisorOptions {
  brokers: number;
  dataDir: string;
  host: string;
  /** Script to fork for children (dist/yak.js, or the TS entry under tsx). */
  entry: string;
  execArgv?: string[];
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  /** Extra flags passed to every broker (partitions defaults, sync mode). */
  brokerArgs?: string[];
  logger: Logger;
  /** Every line a child prints, prefixed with its name (the headless log). */
  onChildLine: (name: string, line: string) => void;
}

interface BrokerProcess {
  id: number;
  dataDir: string;
  process: ChildProcess | null;
  host: string;
  port: number;
}

/**
 * `yak up`: forks the coordinator and N brokers from the same bundle, waits until each has
 * registered, writes cluster.json, reports child exits to the coordinator at once (fast failover),
 * and stops everything in order: brokers first, then the coordinator.
 */
export class Supervisor {
  private coordinator: { process: ChildProcess; host: string; port: number } | null = null;
  private readonly brokers = new Map<number, BrokerProcess>();
  private stopping = false;
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly opts: SupervisorOptions) {}

  async start(): Promise<ClusterFile> {
    const existing = readClusterFile(this.opts.dataDir);
    if (existing && isProcessAlive(existing.supervisorPid) && existing.supervisorPid !== process.pid) {
      throw new UserError(`a YaK cluster is already running in ${this.opts.dataDir} (supervisor pid ${existing.supervisorPid}, bootstrap ${existing.bootstrap})`);
    }
    fs.mkdirSync(this.opts.dataDir, { recursive: true });
    try {
      await this.startCoordinator();
      await Promise.all(Array.from({ length: this.opts.brokers }, (_, i) => this.startBroker(i + 1)));
    } catch (err) {
      await this.stop();
      throw err;
    }
    return this.writeClusterFile();
  }

  private async startCoordinator(): Promise<void> {
    const c = await startChild({
      name: 'zookeeper',
      entry: this.opts.entry,
      execArgv: this.opts.execArgv,
      args: [
        'zookeeper',
        '--host', this.opts.host,
        '--port', '0',
        '--data-dir', path.join(this.opts.dataDir, 'coordinator'),
        '--heartbeat-interval-ms', String(this.opts.heartbeatIntervalMs),
        '--session-timeout-ms', String(this.opts.sessionTimeoutMs),
      ],
      onLine: this.opts.onChildLine,
    });
    this.coordinator = c;
    c.process.once('exit', (code, signal) => {
      if (!this.stopping) this.opts.logger.warn(`zookeeper exited (${signal ?? `code ${code}`})`);
    });
  }

  async startBroker(id: number): Promise<void> {
    if (!this.coordinator) throw new Error('coordinator not started');
    const dataDir = path.join(this.opts.dataDir, `broker-${id}`);
    const b = await startChild({
      name: `broker-${id}`,
      entry: this.opts.entry,
      execArgv: this.opts.execArgv,
      args: [
        'broker',
        '--id', String(id),
        '--host', this.opts.host,
        '--port', '0',
        '--data-dir', dataDir,
        '--coordinator', `${this.coordinator.host}:${this.coordinator.port}`,
        ...(this.opts.brokerArgs ?? []),
      ],
      onLine: this.opts.onChildLine,
    });
    const entry: BrokerProcess = { id, dataDir, process: b.process, host: b.host, port: b.port };
    this.brokers.set(id, entry);
    const pid = b.process.pid!;
    b.process.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.opts.logger.warn(`broker-${id} exited (${signal ?? `code ${code}`})`);
      if (entry.process === b.process) entry.process = null;
      void this.reportBrokerExit(id, pid);
      this.writeClusterFile();
    });
  }

  /** Tells the coordinator a broker process is gone, so it elects new leaders without waiting for the session to expire. */
  private async reportBrokerExit(brokerId: number, pid: number): Promise<void> {
    if (!this.coordinator) return;
    try {
      const conn = await Connection.connect(this.coordinator.host, this.coordinator.port, { clientId: 'supervisor' });
      await conn.request(InternalApi.BrokerExited, 0, { brokerId, pid }, { timeoutMs: 2000 });
      conn.close();
    } catch {
      // The coordinator will notice through the missed heartbeats.
    }
  }

  private writeClusterFile(): ClusterFile {
    const c = this.coordinator!;
    const brokers = [...this.brokers.values()].sort((a, b) => a.id - b.id);
    const file: ClusterFile = {
      supervisorPid: process.pid,
      startedAt: this.startedAt,
      coordinator: { host: c.host, port: c.port, pid: c.process.pid! },
      brokers: brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, pid: b.process?.pid ?? -1, dataDir: b.dataDir })),
      bootstrap: brokers.map((b) => `${b.host}:${b.port}`).join(','),
    };
    if (!this.stopping) writeClusterFile(this.opts.dataDir, file);
    return file;
  }

  /** Stops brokers (SIGTERM, then SIGKILL after a grace period), then the coordinator; removes cluster.json. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all([...this.brokers.values()].map((b) => (b.process ? stopChild(b.process) : Promise.resolve())));
    if (this.coordinator) await stopChild(this.coordinator.process);
    const file = readClusterFile(this.opts.dataDir);
    if (file?.supervisorPid === process.pid) removeClusterFile(this.opts.dataDir);
  }
}
