import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../src/common/logger.js';
import { Supervisor, type SupervisorOptions } from '../../src/supervisor/supervisor.js';
import type { ClusterFile } from '../../src/client/cluster-file.js';
import type { SecuritySetup } from '../../src/supervisor/cluster-security.js';

/** The bundle users run; `npm test` builds it first. Tests exercise it, not the sources. */
export const YAK = fileURLToPath(new URL('../../dist/yak.js', import.meta.url));

export interface TestCluster {
  dataDir: string;
  file: ClusterFile;
  bootstrap: string;
  supervisor: Supervisor;
  /** Child output and the supervisor's own lines (`yak: WARN ...`), for diagnosing a failure. */
  log: string[];
  stop(): Promise<void>;
  /** Stops the cluster and removes its data dir. */
  destroy(): Promise<void>;
}

export function tempDir(prefix = 'yak-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts a real cluster (coordinator + brokers as child processes of dist/yak.js) through the supervisor `yak up` uses.
 * Groups form at once (group.initial.rebalance.delay.ms 0, as Kafka's own test clusters set it) unless a test asks for a delay.
 */
export async function startCluster(
  opts: { brokers?: number; dataDir?: string; sessionTimeoutMs?: number; brokerArgs?: string[]; groupInitialRebalanceDelayMs?: number; racks?: string[]; onEvent?: SupervisorOptions['onEvent']; security?: SecuritySetup } = {},
): Promise<TestCluster> {
  const dataDir = opts.dataDir ?? path.join(tempDir(), 'data');
  const log: string[] = [];
  const logger: Logger = { info: (m) => log.push(`yak: INFO ${m}`), warn: (m) => log.push(`yak: WARN ${m}`), error: (m) => log.push(`yak: ERROR ${m}`) };
  const supervisor = new Supervisor({
    brokers: opts.brokers ?? 3,
    dataDir,
    host: '127.0.0.1',
    entry: YAK,
    execArgv: [],
    heartbeatIntervalMs: 250,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 2000,
    brokerArgs: opts.brokerArgs,
    coordinatorArgs: ['--group-initial-rebalance-delay-ms', String(opts.groupInitialRebalanceDelayMs ?? 0)],
    racks: opts.racks,
    onEvent: opts.onEvent,
    security: opts.security,
    logger,
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

/** A long-running `yak` command (e.g. `consume --group`), with its output as it comes. */
export interface YakProcess {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once `condition` holds, checked on every output; rejects if the process exits first or after `timeoutMs`. */
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** The first stderr line matching `pattern` after the first `fromLine` lines, once it is printed. */
  waitForLine(pattern: RegExp, opts?: { timeoutMs?: number; fromLine?: number }): Promise<string>;
  stderrLineCount(): number;
  stdoutLines(): string[];
  /** Writes to its stdin (started with `keepStdinOpen`). */
  write(text: string): void;
  /** Sends `signal` and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * Starts `node dist/yak.js ...args` in the background; killYakProcesses() (in test.after) ends any still running.
 * With `netns`, inside that network namespace (`ip netns exec` execs node, so the pid is node's).
 */
export function spawnYak(args: string[], opts: { keepStdinOpen?: boolean; env?: Record<string, string>; netns?: string } = {}): YakProcess {
  const [command, argv] = opts.netns ? ['ip', ['netns', 'exec', opts.netns, process.execPath, YAK, ...args]] : [process.execPath, [YAK, ...args]];
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  running.add(child);
  let out = '';
  let err = '';
  let exit: RunResult | null = null;
  const listeners = new Set<() => void>();
  const poke = () => listeners.forEach((l) => l());
  child.stdout.on('data', (d) => {
    out += d;
    poke();
  });
  child.stderr.on('data', (d) => {
    err += d;
    poke();
  });
  const exited = new Promise<RunResult>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      exit = { code, stdout: out, stderr: err };
      poke();
      resolve(exit);
    }),
  );
  if (!opts.keepStdinOpen) child.stdin.end();
  const lines = () => err.split('\n').filter(Boolean);
  const waitFor = (condition: () => boolean, what: string, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (condition()) done(resolve);
        else if (exit) done(() => reject(new Error(`yak ${args.join(' ')} exited (${exit!.code}) before ${what}; stderr: ${err}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`yak ${args.join(' ')}: no ${what} in ${timeoutMs} ms; stderr: ${err}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });
  return {
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    stderrLineCount: () => lines().length,
    stdoutLines: () => out.split('\n').filter(Boolean),
    waitFor,
    async waitForLine(pattern, opts = {}) {
      const find = () => lines().slice(opts.fromLine ?? 0).find((l) => pattern.test(l));
      await waitFor(() => find() !== undefined, `a line matching ${pattern}`, opts.timeoutMs);
      return find()!;
    },
    write(text) {
      child.stdin.write(text);
    },
    stop(signal = 'SIGINT') {
      if (!exit) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs every spawnYak process still running (for test.after, so a failed test leaves none behind). */
export function killYakProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}
