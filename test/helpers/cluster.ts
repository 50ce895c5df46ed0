import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../src/common/logger.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { ClusterFile } from '../../src/client/cluster-file.js';

/** The bundle users run; `npm test` builds it first. Tests exercise it, not the sources. */
export const YAK = fileURLToPath(new URL('../../dist/yak.js', import.meta.url));

export interface TestCluster {
  dataDir: string;
  file: ClusterFile;
  bootstrap: string;
  supervisor: Supervisor;
  /** Child output, for diagnosing a failure. */
  log: string[];
  stop(): Promise<void>;
  /** Stops the cluster and removes its data dir. */
  destroy(): Promise<void>;
}

export function tempDir(prefix = 'yak-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a real cluster (coordinator + brokers as child processes of dist/yak.js) through the supervisor `yak up` uses. */
export async function startCluster(opts: { brokers?: number; dataDir?: string; sessionTimeoutMs?: number } = {}): Promise<TestCluster> {
  const dataDir = opts.dataDir ?? path.join(tempDir(), 'data');
  const log: string[] = [];
  const supervisor = new Supervisor({
    brokers: opts.brokers ?? 3,
    dataDir,
    host: '127.0.0.1',
    entry: YAK,
    execArgv: [],
    heartbeatIntervalMs: 250,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 2000,
    logger: silentLogger,
    onChildLine: (name, line) => log.push(`${name}: ${line}`),
  });
  const file = await supervisor.start();
  return {
    dataDir,
    file,
    bootstrap: file.bootstrap,
    supervisor,
    log,
    stop: () => supervisor.stop(),
    async destroy() {
      await supervisor.stop();
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/yak.js ...args` to completion, feeding `input` on stdin. */
export function runYak(args: string[], opts: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [YAK, ...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`yak ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
