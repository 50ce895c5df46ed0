import fs from 'node:fs';
import path from 'node:path';
import { DATA_CORRUPTED_EXIT_CODE, ErrorCode, KafkaError, UserError } from '../common/errors.js';
import { highWatermarkCheckpointIntervalMs, recentBatchesCacheBytes, recentBatchesMaxAgeMs } from '../common/limits.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { ensurePrivateDir } from '../common/private-files.js';
import { openDatabase, type Database, type OpenOptions } from './database.js';
import { PartitionLog, type LogStatements, type LogStoreHooks } from './partition-log.js';
import { RecentBatches } from './recent-batches.js';
import { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer.js';

const MIGRATIONS = [
  `CREATE TABLE batches (
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     base_offset INTEGER NOT NULL,
     last_offset INTEGER NOT NULL,
     leader_epoch INTEGER NOT NULL,
     max_timestamp INTEGER NOT NULL,
     producer_id INTEGER NOT NULL,
     producer_epoch INTEGER NOT NULL,
     base_sequence INTEGER NOT NULL,
     record_count INTEGER NOT NULL,
     bytes BLOB NOT NULL,
     PRIMARY KEY (topic, partition, base_offset)
   );
   CREATE TABLE partitions (
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     log_start_offset INTEGER NOT NULL DEFAULT 0,
     high_watermark INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (topic, partition)
   );
   CREATE TABLE leader_epochs (
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     epoch INTEGER NOT NULL,
     start_offset INTEGER NOT NULL,
     PRIMARY KEY (topic, partition, epoch)
   );
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Transactions (KIP-98). txn_boundaries: per producer, the first batch of each transaction and
  // each marker (marker -1 for a first batch, else 0 ABORT / 1 COMMIT; first_offset the
  // transaction's first offset, -1 for a marker that closed none here): enough to rebuild which
  // transactions are open without reading batches. aborted_txns: Kafka's aborted transaction index,
  // what read_committed fetches are told to drop.
  `CREATE TABLE txn_boundaries (
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     base_offset INTEGER NOT NULL,
     producer_id INTEGER NOT NULL,
     producer_epoch INTEGER NOT NULL,
     marker INTEGER NOT NULL,
     coordinator_epoch INTEGER NOT NULL,
     first_offset INTEGER NOT NULL,
     PRIMARY KEY (topic, partition, base_offset)
   );
   CREATE INDEX txn_boundaries_by_producer ON txn_boundaries (topic, partition, producer_id, base_offset);
   CREATE TABLE aborted_txns (
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     producer_id INTEGER NOT NULL,
     first_offset INTEGER NOT NULL,
     last_offset INTEGER NOT NULL,
     PRIMARY KEY (topic, partition, last_offset)
   );`,
];

/** SQLite result codes (primary, before any `_` extension) that mean the file or the disk failed, not the request. */
const STORAGE_FAULT_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL']);

function isStorageFault(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && STORAGE_FAULT_CODES.has(code.split('_').slice(0, 2).join('_'));
}

/** A broker's log file in its data dir (with SQLite's `-wal` and `-shm` beside it). */
const LOG_FILE = 'log.db';

/** log.db failed its integrity check on open, or SQLite found it malformed while opening it. */
export class CorruptLogError extends UserError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file} is corrupted (${detail})`, DATA_CORRUPTED_EXIT_CODE);
  }
}

/**
 * Opens log.db and checks it before anything reads it: `PRAGMA quick_check` walks every page of the
 * b-trees (it skips integrity_check's index-against-table comparison): 45 ms for a 123 MB file of
 * 10,000 batches, 1,000,000 records, in the page cache. A damaged file is refused whole, at once:
 * serving from it would fail at random later (or answer wrong), and a broker that registered first
 * would churn its leaderships.
 */
function openLogFile(file: string, opts: OpenOptions): Database {
  let db: Database | undefined;
  try {
    db = openDatabase(file, MIGRATIONS, opts);
    const problem = db.pragma('quick_check(1)', { simple: true }) as string;
    // Its report is several lines ("*** in database main ***", then the first problem): one line of it.
    if (problem !== 'ok') throw new CorruptLogError(file, problem.replace(/\*\*\* in database \w+ \*\*\*/g, '').replace(/\s+/g, ' ').trim());
    return db;
  } catch (err) {
    try {
      db?.close();
    } catch {
      // the file is being refused anyway
    }
    if (err instanceof CorruptLogError) throw err;
    const code = String((err as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') throw new CorruptLogError(file, (err as Error).message);
    throw err;
  }
}

/**
 * Moves a broker's log.db (and its -wal and -shm) aside to `log.db.damaged-<time>` in the same dir,
 * so the broker starts empty and re-replicates from the leaders (`yak restart broker-N --rebuild`).
 * Returns the backup's path, or null if there was no log.db. The broker must not be running.
 */
export function moveLogAside(dataDir: string, now = new Date()): string | null {
  const file = path.join(dataDir, LOG_FILE);
  if (!fs.existsSync(file)) return null;
  const backup = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  // The WAL first: a log.db whose WAL stayed behind would be opened with it.
  for (const suffix of ['-wal', '-shm', '']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, backup + suffix);
  }
  return backup;
}

export interface LogStoreOptions extends OpenOptions {
  logger?: Logger;
  /** How often the WAL is checkpointed off the event loop, and when the loop lets it start over (the limits' values by default). */
  walCheckpoint?: Pick<WalCheckpointerOptions, 'intervalMs' | 'restartPages' | 'idleStopMs' | 'startCommits'>;
}

/**
 * The broker's SQLite file: every partition log this broker holds, one row per record batch.
 * Owns the connection and prepared statements; hands out one PartitionLog per partition.
 * Lifecycle: open -> partitions loaded lazily -> close. Writes from one request share one transaction.
 *
 * Storage faults (a full disk, an I/O error), the rule, enforced in `transaction` (every write goes
 * through it): the write fails with KAFKA_STORAGE_ERROR (retriable: producers retry, a follower's
 * fetcher retries) and rolls back whole, the store stays open, reads of what is stored go on, and
 * the first write that succeeds again ends the fault; nothing to restart. Kafka instead takes a
 * failed log dir offline until the broker restarts; here the log dir is the whole broker, and the
 * usual cause, a full disk, is cured by freeing space, which a broker that stayed up notices at
 * once. Until then a follower's log end does not move, so its leader sees it lagging and takes it
 * out of the ISR after replica.lag.time.max.ms, and back in once it caught up (Partition's rules).
 */
export class LogStore {
  private readonly db: Database;
  /**
   * better-sqlite3's transaction wrapper, made once: `db.transaction(fn)` builds four wrapper functions per call.
   * Its function returns nothing (see `transaction`).
   */
  private readonly runInTransaction: (fn: () => void) => void;
  private readonly stmts: LogStatements;
  private readonly logs = new Map<string, PartitionLog>();
  private readonly dirty = new Set<PartitionLog>();
  private readonly checkpointTimer: NodeJS.Timeout;
  private readonly recentSweepTimer: NodeJS.Timeout;
  /** Checkpoints the WAL in a worker thread, so no commit on the event loop does it (wal-checkpointer.ts). */
  readonly walCheckpointer: WalCheckpointer;
  private readonly hooks: LogStoreHooks;
  private readonly logger: Logger;
  readonly file: string;
  /** The storage fault writes last failed with, until one succeeds again (logged once each way). */
  private fault: string | null = null;

  constructor(dataDir: string, opts: LogStoreOptions = {}) {
    ensurePrivateDir(dataDir);
    this.file = path.join(dataDir, LOG_FILE);
    this.logger = opts.logger ?? silentLogger;
    this.db = openLogFile(this.file, opts);
    const db = this.db;
    this.runInTransaction = db.transaction((fn: () => void) => fn());
    this.stmts = {
      insertBatch: db.prepare(
        `INSERT INTO batches (topic, partition, base_offset, last_offset, leader_epoch, max_timestamp, producer_id, producer_epoch, base_sequence, record_count, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      lastBatch: db.prepare(
        'SELECT base_offset, last_offset FROM batches WHERE topic = ? AND partition = ? ORDER BY base_offset DESC LIMIT 1',
      ),
      batchStartAtOrBefore: db.prepare(
        'SELECT base_offset, last_offset FROM batches WHERE topic = ? AND partition = ? AND base_offset <= ? ORDER BY base_offset DESC LIMIT 1',
      ),
      batchesFrom: db.prepare(
        'SELECT base_offset, last_offset, bytes FROM batches WHERE topic = ? AND partition = ? AND base_offset >= ? ORDER BY base_offset',
      ),
      firstBatchAfterTimestamp: db.prepare(
        'SELECT base_offset, leader_epoch, max_timestamp, bytes FROM batches WHERE topic = ? AND partition = ? AND max_timestamp >= ? ORDER BY base_offset LIMIT 1',
      ),
      // Without the blob: the scan (no index on max_timestamp) reads only the columns before it.
      maxTimestampBatch: db.prepare(
        'SELECT base_offset, leader_epoch, max_timestamp FROM batches WHERE topic = ? AND partition = ? ORDER BY max_timestamp DESC, base_offset LIMIT 1',
      ),
      batchAt: db.prepare('SELECT bytes FROM batches WHERE topic = ? AND partition = ? AND base_offset = ?'),
      // Columns before the blob: SQLite reads them without touching the batch bytes.
      recentProducerBatches: db.prepare(
        `SELECT base_offset, last_offset, producer_id, producer_epoch, base_sequence, record_count, max_timestamp FROM batches
         WHERE topic = ? AND partition = ? AND base_offset >= ? AND producer_id >= 0 ORDER BY base_offset`,
      ),
      deleteFrom: db.prepare('DELETE FROM batches WHERE topic = ? AND partition = ? AND last_offset >= ?'),
      deleteBefore: db.prepare('DELETE FROM batches WHERE topic = ? AND partition = ? AND last_offset < ?'),
      // length() of a blob is read from the row header: retention sizes a log without reading it.
      batchSizes: db.prepare('SELECT last_offset, max_timestamp, length(bytes) AS size FROM batches WHERE topic = ? AND partition = ? ORDER BY base_offset'),
      logBytes: db.prepare('SELECT COALESCE(SUM(length(bytes)), 0) AS size FROM batches WHERE topic = ? AND partition = ?'),
      upsertPartition: db.prepare(
        `INSERT INTO partitions (topic, partition, log_start_offset, high_watermark) VALUES (?, ?, ?, ?)
         ON CONFLICT (topic, partition) DO UPDATE SET log_start_offset = excluded.log_start_offset, high_watermark = excluded.high_watermark`,
      ),
      loadPartition: db.prepare('SELECT log_start_offset, high_watermark FROM partitions WHERE topic = ? AND partition = ?'),
      loadEpochs: db.prepare('SELECT epoch, start_offset FROM leader_epochs WHERE topic = ? AND partition = ? ORDER BY epoch'),
      insertEpoch: db.prepare('INSERT OR REPLACE INTO leader_epochs (topic, partition, epoch, start_offset) VALUES (?, ?, ?, ?)'),
      deleteEpochsFrom: db.prepare('DELETE FROM leader_epochs WHERE topic = ? AND partition = ? AND start_offset >= ?'),
      deleteEpochsBefore: db.prepare('DELETE FROM leader_epochs WHERE topic = ? AND partition = ? AND start_offset < ?'),
      insertBoundary: db.prepare(
        `INSERT INTO txn_boundaries (topic, partition, base_offset, producer_id, producer_epoch, marker, coordinator_epoch, first_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // What the producer state needs back: each producer's latest boundary, and the markers the high watermark does not cover yet.
      loadBoundaries: db.prepare(
        `SELECT producer_id, producer_epoch, base_offset, marker, coordinator_epoch, first_offset FROM txn_boundaries b
         WHERE topic = @topic AND partition = @partition
           AND ((marker >= 0 AND base_offset >= @highWatermark)
                OR base_offset = (SELECT MAX(base_offset) FROM txn_boundaries WHERE topic = @topic AND partition = @partition AND producer_id = b.producer_id))
         ORDER BY base_offset`,
      ),
      deleteBoundariesFrom: db.prepare('DELETE FROM txn_boundaries WHERE topic = ? AND partition = ? AND base_offset >= ?'),
      deleteBoundariesBefore: db.prepare('DELETE FROM txn_boundaries WHERE topic = ? AND partition = ? AND base_offset < ?'),
      // A marker's row: the first offset of the transaction it closed, and its producer's latest row.
      boundaryOfMarker: db.prepare(
        `SELECT first_offset, (SELECT MAX(base_offset) FROM txn_boundaries WHERE topic = @topic AND partition = @partition AND producer_id = @producerId) AS latest
         FROM txn_boundaries WHERE topic = @topic AND partition = @partition AND base_offset = @marker`,
      ),
      // The rows of a transaction the cleaner removed whole, and older markers of the producer whose
      // batch is gone (kept by an earlier removal as the producer's latest row); never its latest row.
      deleteCleanedBoundaries: db.prepare(
        `DELETE FROM txn_boundaries
         WHERE topic = @topic AND partition = @partition AND producer_id = @producerId AND base_offset <= @marker AND base_offset < @latest
           AND (base_offset >= @from
                OR (marker >= 0 AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.topic = @topic AND b.partition = @partition AND b.base_offset = txn_boundaries.base_offset)))`,
      ),
      insertAborted: db.prepare('INSERT INTO aborted_txns (topic, partition, producer_id, first_offset, last_offset) VALUES (?, ?, ?, ?, ?)'),
      // Kafka's collectAbortedTransactions: those ending at or after the fetch offset that began before
      // the fetched range ends. The last bound (the range end plus the longest aborted span) only keeps
      // the scan of the primary key short: no row past it can have begun inside the range.
      abortedIn: db.prepare(
        `SELECT producer_id, first_offset, last_offset FROM aborted_txns
         WHERE topic = @topic AND partition = @partition AND last_offset >= @from AND last_offset <= @upTo + @maxSpan AND first_offset < @upTo
         ORDER BY first_offset`,
      ),
      longestAbortedSpan: db.prepare('SELECT COALESCE(MAX(last_offset - first_offset), 0) AS span FROM aborted_txns WHERE topic = ? AND partition = ?'),
      deleteAborted: db.prepare('DELETE FROM aborted_txns WHERE topic = ? AND partition = ? AND last_offset = ?'),
      deleteAbortedFrom: db.prepare('DELETE FROM aborted_txns WHERE topic = ? AND partition = ? AND last_offset >= ?'),
      deleteAbortedBefore: db.prepare('DELETE FROM aborted_txns WHERE topic = ? AND partition = ? AND last_offset < ?'),
      // substr(bytes, 22, 2): the batch's attributes (byte 21 on). SQLite loads the whole blob for it,
      // so only where they can be other than 0 for the cleaner: a batch with a producer id (transactional or a marker).
      batchHeaders: db.prepare(
        `SELECT base_offset, last_offset, max_timestamp, length(bytes) AS size FROM batches
         WHERE topic = ? AND partition = ? AND base_offset >= ? ORDER BY base_offset LIMIT ?`,
      ),
      updateBatch: db.prepare('UPDATE batches SET bytes = ?, record_count = ?, max_timestamp = ? WHERE topic = ? AND partition = ? AND base_offset = ?'),
      deleteBatch: db.prepare('DELETE FROM batches WHERE topic = ? AND partition = ? AND base_offset = ?'),
      bytesBefore: db.prepare('SELECT COALESCE(SUM(length(bytes)), 0) AS size FROM batches WHERE topic = ? AND partition = ? AND base_offset < ?'),
    };
    this.hooks = { transaction: (fn) => this.transaction(fn), markDirty: (l) => this.dirty.add(l), recent: new RecentBatches(recentBatchesCacheBytes) };
    this.checkpointTimer = setInterval(() => this.checkpointHighWatermarks(), highWatermarkCheckpointIntervalMs);
    this.checkpointTimer.unref();
    this.recentSweepTimer = setInterval(() => this.hooks.recent.sweep(), recentBatchesMaxAgeMs);
    this.recentSweepTimer.unref();
    this.walCheckpointer = new WalCheckpointer(db, { file: this.file, synchronous: opts.synchronous ?? 'NORMAL', logger: this.logger, ...opts.walCheckpoint });
  }

  /** The log of one partition, loaded from the file on first use (creating it if new). */
  partition(topic: string, partition: number): PartitionLog {
    const key = `${topic}\u0000${partition}`;
    let log = this.logs.get(key);
    if (!log) {
      log = new PartitionLog(topic, partition, this.stmts, this.hooks);
      this.logs.set(key, log);
    }
    return log;
  }

  /**
   * Writes every changed high watermark in one transaction (every second, and on close). A timer
   * never throws: if the write fails the logs stay dirty and the next tick retries.
   */
  checkpointHighWatermarks(): void {
    if (this.dirty.size === 0) return;
    const logs = [...this.dirty];
    try {
      this.transaction(() => logs.forEach((l) => l.checkpoint()));
      for (const l of logs) this.dirty.delete(l);
    } catch (err) {
      if (!(err instanceof KafkaError)) this.logger.error(`high-watermark checkpoint failed: ${(err as Error).message}`);
    }
  }

  /** Topic-partitions that have data or state in this file (what a restarted broker still holds). */
  storedPartitions(): { topic: string; partition: number }[] {
    return this.db
      .prepare('SELECT topic, partition FROM partitions UNION SELECT DISTINCT topic, partition FROM batches')
      .all() as { topic: string; partition: number }[];
  }

  /**
   * Runs `fn` in one SQLite transaction: one produce request = one commit, whatever its partitions.
   * Nested calls are savepoints of the outer one. A storage fault comes out as KAFKA_STORAGE_ERROR
   * (the rule is in the class comment).
   */
  transaction<T>(fn: () => T): T {
    try {
      // The result goes out through `result`, not through the wrapper: its check for a promise
      // (`result.then`) met each caller's result shape (arrays, append results, undefined) and
      // deoptimized the produce path's transactions (--trace-deopt: wrong map). Same check, here.
      let result!: T;
      this.runInTransaction(() => {
        result = fn();
        if (result instanceof Promise) throw new TypeError('a transaction function cannot return a promise');
      });
      if (!this.db.inTransaction) this.walCheckpointer.wrote();
      if (this.fault !== null && !this.db.inTransaction) {
        this.logger.info(`${this.file}: writes succeed again (they failed with ${this.fault})`);
        this.fault = null;
      }
      return result;
    } catch (err) {
      if (!isStorageFault(err)) throw err;
      const fault = `${err.code}: ${err.message}`;
      if (this.fault === null) this.logger.error(`${this.file}: writes fail (${fault}); answering KAFKA_STORAGE_ERROR and retrying until they succeed`);
      this.fault = fault;
      throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, `${this.file}: ${fault}`);
    }
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.transaction(() => this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value));
  }

  deletePartition(topic: string, partition: number): void {
    const log = this.logs.get(`${topic}\u0000${partition}`);
    if (log) this.dirty.delete(log);
    log?.forgetRecentBatches();
    this.transaction(() => {
      this.db.prepare('DELETE FROM batches WHERE topic = ? AND partition = ?').run(topic, partition);
      this.db.prepare('DELETE FROM partitions WHERE topic = ? AND partition = ?').run(topic, partition);
      this.db.prepare('DELETE FROM leader_epochs WHERE topic = ? AND partition = ?').run(topic, partition);
      this.db.prepare('DELETE FROM txn_boundaries WHERE topic = ? AND partition = ?').run(topic, partition);
      this.db.prepare('DELETE FROM aborted_txns WHERE topic = ? AND partition = ?').run(topic, partition);
    });
    this.logs.delete(`${topic}\u0000${partition}`);
  }

  close(): void {
    clearInterval(this.checkpointTimer);
    clearInterval(this.recentSweepTimer);
    this.checkpointHighWatermarks();
    // The worker's connection first: this one's close is then the last, and checkpoints what is left.
    this.walCheckpointer.close();
    this.db.close();
  }
}
