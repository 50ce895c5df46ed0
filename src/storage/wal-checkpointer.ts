import type { Worker } from 'node:worker_threads';
import { nodeWorkerThreads } from '../common/lazy-builtin.js';
import { walCheckpointerCloseTimeoutMs, walCheckpointerIdleStopMs, walCheckpointerStartCommits, walCheckpointIntervalMs, walCheckpointLoopPages, walCheckpointRestartPages } from '../common/limits.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { sqliteModulePath, sqliteNativeBinding, type Database } from './database.js';

export interface WalCheckpointerOptions {
  /** The database file `db` has open (the worker opens its own connection to it). */
  file: string;
  /** The connection's synchronous level: the worker's checkpoints sync as its commits would. */
  synchronous: 'NORMAL' | 'FULL';
  intervalMs?: number;
  restartPages?: number;
  /** The worker stops after this long with nothing to copy... */
  idleStopMs?: number;
  /** ...and one starts after this many commits without one. */
  startCommits?: number;
  logger?: Logger;
}

/** What the checkpointer did so far (for tests and diagnostics). */
export interface WalCheckpointStats {
  /** Whether checkpoints run in the worker (false: none runs, as on an idle broker, or it failed: SQLite's auto-checkpoint runs them). */
  offLoop: boolean;
  /** Pages the worker copied into the database file, and those the event loop copied to let the WAL start over. */
  workerPages: number;
  loopPages: number;
  /** Passes the event loop ran to let the WAL start over. */
  loopPasses: number;
  /** The most pages the WAL held at a worker's pass. */
  maxWalPages: number;
}

/**
 * Worker → checkpointer: the connection is open; a pass's result (`wal_checkpoint`'s pages in the
 * WAL and pages copied; `handoff`: the worker waits for 'resume' before its next pass); or why it failed.
 */
type WorkerMessage = { ready: true } | { log: number; checkpointed: number; handoff: boolean } | { error: string; fatal: boolean };

/** The worker's state in shared memory, so `close()` can wait for it synchronously. */
const STARTING = 0;
const OPENING = 1;
const CLOSED = 2;

/**
 * The worker thread: its own connection to the file; a PASSIVE checkpoint every interval (it never
 * waits for, nor blocks, the broker's connection), reporting those that copied something. Once the
 * WAL holds restartPages, all copied by a pass that had at most loopPages to copy (so about as few
 * are written until the loop's pass), or 2 x restartPages whatever the writes, it hands off: no pass
 * until 'resume', so the event loop's pass never finds the checkpoint lock taken. On 'close', or
 * after idleStopMs with nothing to copy, closes the connection, says so in the shared state and
 * exits. A close that came first: nothing.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const closed = () => { Atomics.store(state, 0, ${CLOSED}); Atomics.notify(state, 0); };
if (Atomics.compareExchange(state, 0, ${STARTING}, ${OPENING}) === ${STARTING}) {
  let db;
  try {
    const Database = require(workerData.sqlite);
    db = new Database(workerData.file, { timeout: 0, nativeBinding: workerData.nativeBinding });
    db.pragma('synchronous = ' + workerData.synchronous);
    parentPort.postMessage({ ready: true });
  } catch (err) {
    closed();
    parentPort.postMessage({ error: String(err && err.message), fatal: true });
  }
  if (db) {
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    let copied = -1;
    let timer = null;
    let busySince = Date.now();
    const stop = () => {
      if (timer) clearTimeout(timer);
      db.close();
      closed();
      parentPort.close();
    };
    const pass = () => {
      timer = null;
      let handoff = false;
      let again = false;
      try {
        const r = checkpoint.get();
        if (r.checkpointed !== copied) busySince = Date.now();
        else if (Date.now() - busySince > workerData.idleStopMs) return stop();
        // Past the restart point: passes follow each other, each copying what was written during the
        // one before, until one copied at most loopPages (about what the loop's pass will copy).
        const copiedNow = r.checkpointed >= copied ? r.checkpointed - Math.max(copied, 0) : r.checkpointed;
        if (r.log >= workerData.restartPages && r.checkpointed === r.log) {
          handoff = copiedNow <= workerData.loopPages || r.log >= 2 * workerData.restartPages;
          again = !handoff;
        }
        if (handoff || (r.log > 0 && r.checkpointed !== copied)) parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed, handoff });
        copied = r.checkpointed;
      } catch (err) {
        parentPort.postMessage({ error: (err && err.code ? err.code + ': ' : '') + String(err && err.message), fatal: false });
      }
      if (!handoff) timer = setTimeout(pass, again ? 0 : workerData.intervalMs);
    };
    timer = setTimeout(pass, workerData.intervalMs);
    parentPort.on('message', (m) => {
      if (m !== 'resume') return stop();
      if (!timer) timer = setTimeout(pass, workerData.intervalMs);
    });
  }
}
`;

/**
 * Keeps log.db's WAL checkpointed without holding up the broker's event loop (no Kafka twin: Kafka
 * appends to segment files and leaves flushing to the OS).
 *
 * SQLite's auto-checkpoint runs inside the commit that crosses 1000 WAL pages, on the event loop: it
 * copies about 4 MB into the database file and syncs both files (5-7 ms on a quiet machine, every
 * 0.4 s on each broker under `bench e2e`: every produce, fetch and acks=all answer waits behind it).
 * Here a worker thread with its own connection runs PASSIVE checkpoints every `intervalMs`, which
 * copy and sync without blocking this connection's reads or writes, and the connection's
 * auto-checkpoint is off (`wal_autocheckpoint=0`) while the worker runs.
 *
 * The WAL stays bounded: SQLite starts the WAL over only at a write that begins when every page in
 * it has been copied, and under steady writes some always arrive during the worker's pass (measured:
 * passive passes alone let the WAL grow to 300 MB in 8 s at 5000 commits/s). So once the WAL holds
 * `restartPages`, the worker passes again at once until a pass had little to copy, then hands off,
 * and the event loop runs one PASSIVE pass itself: it copies only the pages written meanwhile (about
 * `walCheckpointLoopPages`) and syncs, and as the only writer it leaves nothing uncopied, so the next
 * write starts the WAL over. The WAL holds at most about twice `restartPages` plus one
 * interval's writes. A checkpoint that fails (a full disk: the database file cannot grow) is retried
 * on the next pass; until then the WAL keeps what it holds, and a write that needs more room fails
 * with the store's storage fault. If the worker cannot start or dies, auto-checkpoint comes back on.
 *
 * Lifecycle: a worker starts once the store has made `startCommits` commits without one (`wrote()`)
 * and stops itself after `idleStopMs` with nothing to copy, so an idle broker holds no thread (a
 * worker costs about 10 MB of RSS); while none runs, SQLite's auto-checkpoint is on. `close()` before the connection closes, so the
 * connection's own close is the last one and does the final checkpoint, as before.
 */
export class WalCheckpointer {
  /** The running worker and its state in shared memory (STARTING, OPENING, CLOSED), or null. */
  private worker: { thread: Worker; state: Int32Array } | null = null;
  private readonly logger: Logger;
  private closing = false;
  /** The worker failed (it could not open the file, or died): auto-checkpoint for good. */
  private brokenWhy: string | null = null;
  /** The last failure logged, until a pass succeeds again (logged once each way). */
  private failure: string | null = null;
  private readonly counts: WalCheckpointStats = { offLoop: false, workerPages: 0, loopPages: 0, loopPasses: 0, maxWalPages: 0 };
  /** Pages of the current WAL the worker had copied at its last report (its count starts over with the WAL). */
  private workerCopied = 0;
  /** Commits since the last worker stopped (or since the start). */
  private commitsWithoutWorker = 0;

  constructor(
    private readonly db: Database,
    private readonly opts: WalCheckpointerOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
  }

  stats(): Readonly<WalCheckpointStats> {
    return { ...this.counts };
  }

  /** After a commit: starts a worker once `startCommits` were made without one. */
  wrote(): void {
    if (this.worker || this.closing || this.brokenWhy !== null) return;
    if (++this.commitsWithoutWorker < (this.opts.startCommits ?? walCheckpointerStartCommits)) return;
    this.commitsWithoutWorker = 0;
    const state = new Int32Array(new SharedArrayBuffer(4));
    const thread = new (nodeWorkerThreads().Worker)(WORKER_SOURCE, {
      eval: true,
      workerData: {
        state: state.buffer,
        sqlite: sqliteModulePath(),
        nativeBinding: sqliteNativeBinding(),
        file: this.opts.file,
        synchronous: this.opts.synchronous,
        intervalMs: this.opts.intervalMs ?? walCheckpointIntervalMs,
        restartPages: this.opts.restartPages ?? walCheckpointRestartPages,
        loopPages: walCheckpointLoopPages,
        idleStopMs: this.opts.idleStopMs ?? walCheckpointerIdleStopMs,
      },
    });
    const worker = { thread, state };
    this.worker = worker;
    // A broker's (or a test's) exit never waits for it.
    thread.unref();
    thread.on('message', (m: WorkerMessage) => this.worker === worker && this.onMessage(m));
    thread.on('error', (err) => this.logger.warn(`the WAL checkpointer's worker failed: ${err.message}`));
    thread.on('exit', () => this.worker === worker && this.exited(worker));
  }

  private onMessage(m: WorkerMessage): void {
    if ('ready' in m) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.counts.offLoop = true;
      return;
    }
    if ('error' in m) {
      if (m.fatal) this.brokenWhy = `its worker could not open the file: ${m.error}`;
      else this.failed(m.error);
      return;
    }
    this.succeeded();
    // A smaller count than last time: the WAL started over since.
    this.counts.workerPages += m.checkpointed >= this.workerCopied ? m.checkpointed - this.workerCopied : m.checkpointed;
    this.workerCopied = m.checkpointed;
    this.counts.maxWalPages = Math.max(this.counts.maxWalPages, m.log);
    if (!m.handoff) return;
    this.letWalStartOver();
    this.worker!.thread.postMessage('resume');
  }

  /** The event loop's pass: copies what was written since the worker's pass, so the next write starts the WAL over. */
  private letWalStartOver(): void {
    try {
      const r = (this.db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[])[0]!;
      this.counts.loopPasses++;
      this.counts.loopPages += Math.max(0, r.checkpointed - this.workerCopied);
      this.workerCopied = 0;
    } catch (err) {
      this.failed(`${(err as { code?: string }).code ?? ''}: ${(err as Error).message}`);
    }
  }

  private failed(why: string): void {
    if (this.failure === null) this.logger.warn(`WAL checkpoint of log.db failed (${why}); retrying every pass`);
    this.failure = why;
  }

  private succeeded(): void {
    if (this.failure === null) return;
    this.logger.info(`WAL checkpoint of log.db succeeds again (it failed with ${this.failure})`);
    this.failure = null;
  }

  /**
   * The worker is gone: stopped when idle (the next write starts another), or failed. Either way
   * SQLite's auto-checkpoint takes over at once, so the WAL never grows without bound.
   */
  private exited(worker: { state: Int32Array }): void {
    this.worker = null;
    this.counts.offLoop = false;
    this.workerCopied = 0;
    if (Atomics.load(worker.state, 0) !== CLOSED) this.brokenWhy ??= 'its worker exited';
    if (this.closing || !this.db.open) return;
    this.db.pragma('wal_autocheckpoint = 1000');
    if (this.brokenWhy !== null) this.logger.warn(`WAL checkpoints of log.db run on the event loop from now on: ${this.brokenWhy}`);
  }

  /** Stops the worker, after its connection is closed (it may be mid-pass: waits up to walCheckpointerCloseTimeoutMs). */
  close(): void {
    this.closing = true;
    this.counts.offLoop = false;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const { thread, state } = worker;
    if (Atomics.compareExchange(state, 0, STARTING, CLOSED) !== STARTING) {
      thread.postMessage('close');
      const deadline = Date.now() + walCheckpointerCloseTimeoutMs;
      while (Atomics.load(state, 0) !== CLOSED && Date.now() < deadline) Atomics.wait(state, 0, OPENING, deadline - Date.now());
    }
    void thread.terminate();
  }
}
