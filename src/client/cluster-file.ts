import fs from 'node:fs';
import path from 'node:path';
import type { BrokerState } from '../common/cluster-types.js';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';

/**
 * `<data-dir>/cluster.json`, written by `yak up`: how other `yak` commands in the same directory
 * find the running cluster. Brokers and coordinator addresses change on every `yak up` (ephemeral ports).
 */
export interface ClusterFile {
  supervisorPid: number;
  startedAt: string;
  coordinator: { host: string; port: number; pid: number; state: BrokerState };
  /** The supervisor's control endpoint (restart, kill) for operator verbs. */
  control?: { host: string; port: number };
  /** pid -1 while the process is not running. */
  /** `reason`: why a dead broker is down (its exit, or why it could not start, e.g. a corrupted log.db). */
  brokers: { id: number; host: string; port: number; pid: number; state: BrokerState; dataDir: string; reason?: string }[];
  bootstrap: string;
  /** How the brokers' listeners are protected, and the CA and admin password files (paths only); absent: PLAINTEXT. */
  security?: { protocol: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'; caFile?: string; user?: string; passwordFile?: string; certFile?: string; keyFile?: string };
}

export function clusterFilePath(dataDir: string): string {
  return path.join(dataDir, 'cluster.json');
}

/**
 * Why an existing cluster.json cannot be used (not JSON, unreadable), or null when it is fine or absent.
 * `forbidden`: this user may not read it (a cluster's files are its owner's only).
 */
export function clusterFileProblem(dataDir: string): { reason: string; forbidden: boolean } | null {
  try {
    JSON.parse(fs.readFileSync(clusterFilePath(dataDir), 'utf8'));
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return { reason: `${clusterFilePath(dataDir)} cannot be read (${(err as Error).message})`, forbidden: code === 'EACCES' || code === 'EPERM' };
  }
}

export function readClusterFile(dataDir: string): ClusterFile | null {
  try {
    return JSON.parse(fs.readFileSync(clusterFilePath(dataDir), 'utf8')) as ClusterFile;
  } catch {
    return null;
  }
}

export function writeClusterFile(dataDir: string, file: ClusterFile): void {
  const target = clusterFilePath(dataDir);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, target);
}

export function removeClusterFile(dataDir: string): void {
  fs.rmSync(clusterFilePath(dataDir), { force: true });
}

export function isProcessAlive(pid: number): boolean {
  // 0 and negative pids name process groups (-1: every process): never "alive" here.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
