import { fork, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { BrokerEvent } from '../common/cluster-events.js';
import { UserError } from '../common/errors.js';
import { clusterProcessMallocArenas, clusterProcessMallocMmapThresholdBytes, clusterProcessMallocTrimThresholdBytes, clusterProcessSemiSpaceMiB } from '../common/limits.js';

/** Messages a child sends its supervisor over the IPC channel. */
export type ChildMessage = { type: 'ready'; host: string; port: number } | { type: 'fatal'; message: string; exitCode?: number } | { type: 'event'; event: BrokerEvent };

export interface ChildSpec {
  /** Display name: `zookeeper`, `broker-1`. */
  name: string;
  /** The bundle (dist/yak.js) or, under tsx, the TypeScript entry. */
  entry: string;
  args: string[];
  execArgv?: string[];
  /** Added to this process's environment for the child: how it gets the cluster secret (argv is public, `ps` shows it). */
  env?: Record<string, string>;
  onLine: (name: string, line: string) => void;
  /** Events the child reports as data (a broker's truncations), whenever it does. */
  onEvent?: (event: BrokerEvent) => void;
}

export interface StartedChild {
  process: ChildProcess;
  host: string;
  port: number;
}

/**
 * Forks one cluster process of the same bundle and resolves when it reports ready over IPC.
 * Its stdout/stderr lines go to `onLine`. The IPC channel doubles as a lifeline: a child whose
 * supervisor dies sees `disconnect` and exits (see `exitWhenOrphaned`).
 */
export function startChild(spec: ChildSpec, readyTimeoutMs = 30_000): Promise<StartedChild> {
  const child = fork(spec.entry, spec.args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // --expose-gc: a broker whose appends stopped asks V8 for the full collection that frees what its
    // caches dropped (storage/recent-batches.ts); an idle process never reaches one by itself.
    execArgv: [...(spec.execArgv ?? process.execArgv), `--max-semi-space-size=${clusterProcessSemiSpaceMiB}`, '--expose-gc'],
    env: { ...clusterProcessMallocEnv(), ...process.env, ...spec.env },
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on('line', (line) => spec.onLine(spec.name, line));
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new UserError(`${spec.name} did not become ready in ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new UserError(`${spec.name} exited before it was ready (${signal ?? `code ${code}`}); its log above says why`));
    };
    child.once('exit', onExit);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'event') spec.onEvent?.(m.event);
      else if (m.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ process: child, host: m.host, port: m.port });
      } else if (m.type === 'fatal') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.kill('SIGKILL');
        // What a child reports as fatal is about its surroundings (port taken, data dir unwritable,
        // log.db corrupted): one line, and the child's exit code, which says what kind of failure it is.
        reject(new UserError(`${spec.name} could not start: ${m.message}`, m.exitCode ?? 1));
      }
    });
  });
}

/**
 * The allocators' settings for a cluster process, each unless the user's environment sets it: glibc
 * malloc's (limits.ts says why), and mimalloc's, the allocator built into @node-rs/crc32's native
 * module: at load it maps a 32 MiB segment and asks for transparent huge pages on it
 * (MADV_HUGEPAGE), so the few KB its CRC calls allocate made each coordinator and broker hold a whole
 * 2 MiB huge page (AnonHugePages 2048 kB in /proc/PID/smaps): 7.8 MB of the idle 3-broker cluster's
 * RSS. MIMALLOC_ALLOW_THP=0 keeps that segment in 4 KiB pages (the CRC calls allocate next to nothing).
 */
export function clusterProcessMallocEnv(): Record<string, string> {
  return {
    MALLOC_ARENA_MAX: String(clusterProcessMallocArenas),
    MALLOC_MMAP_THRESHOLD_: String(clusterProcessMallocMmapThresholdBytes),
    MALLOC_TRIM_THRESHOLD_: String(clusterProcessMallocTrimThresholdBytes),
    MIMALLOC_ALLOW_THP: '0',
  };
}

/** In a forked child: tell the supervisor we are ready (no-op when run by hand). */
export function reportReady(host: string, port: number): void {
  process.send?.({ type: 'ready', host, port } satisfies ChildMessage);
}

/** In a forked child: report an event to the supervisor (no-op when run by hand: the process's log line says it). */
export function reportEvent(event: BrokerEvent): void {
  if (process.connected) process.send?.({ type: 'event', event } satisfies ChildMessage);
}

/** In a forked child: tell the supervisor why it cannot start; resolves once sent (false when run by hand). */
export function reportFatal(message: string, exitCode: number): Promise<boolean> {
  const send = process.send?.bind(process);
  if (!send) return Promise.resolve(false);
  return new Promise((resolve) => send({ type: 'fatal', message, exitCode } satisfies ChildMessage, undefined, {}, () => resolve(true)));
}

/** In a forked child: run `shutdown` when the supervisor goes away, so no orphan is left. */
export function exitWhenOrphaned(shutdown: () => void): void {
  if (!process.send) return;
  // A supervisor that went away while this process was still loading left no event to wait for.
  if (!process.connected) return shutdown();
  process.on('disconnect', shutdown);
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
