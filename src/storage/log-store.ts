import path from 'node:path';
import { ensurePrivateDir } from '../common/private-files.js';
import { openDatabase, type Database, type OpenOptions } from './database.js';
import { PartitionLog, type LogStatements } from './partition-log.js';

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
];

/**
 * The broker's SQLite file: every partition log this broker holds, one row per record batch.
 * Owns the connection and prepared statements; hands out one PartitionLog per partition.
 * Lifecycle: open -> partitions loaded lazily -> close. Writes from one request share one transaction.
 */
export class LogStore {
  private readonly db: Database;
  private readonly stmts: LogStatements;
  private readonly logs = new Map<string, PartitionLog>();
  private readonly dirty = new Set<PartitionLog>();
  private readonly checkpointTimer: NodeJS.Timeout;

  constructor(dataDir: string, opts: OpenOptions = {}) {
    ensurePrivateDir(dataDir);
    this.db = openDatabase(path.join(dataDir, 'log.db'), MIGRATIONS, opts);
    const db = this.db;
    this.stmts = {
      insertBatch: db.prepare(
        `INSERT INTO batches (topic, partition, base_offset, last_offset, leader_epoch, max_timestamp, producer_id, producer_epoch, base_sequence, record_count, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      lastBatch: db.prepare(
        'SELECT base_offset, last_offset FROM batches WHERE topic = ? AND partition = ? ORDER BY base_offset DESC LIMIT 1',
      ),
      batchStartAtOrBefore: db.prepare(
        'SELECT base_offset FROM batches WHERE topic = ? AND partition = ? AND base_offset <= ? ORDER BY base_offset DESC LIMIT 1',
      ),
      batchesFrom: db.prepare(
        'SELECT base_offset, last_offset, bytes FROM batches WHERE topic = ? AND partition = ? AND base_offset >= ? ORDER BY base_offset',
      ),
      firstBatchAfterTimestamp: db.prepare(
        'SELECT base_offset, bytes FROM batches WHERE topic = ? AND partition = ? AND max_timestamp >= ? ORDER BY base_offset LIMIT 1',
      ),
      // Columns before the blob: SQLite reads them without touching the batch bytes.
      recentProducerBatches: db.prepare(
        `SELECT base_offset, last_offset, producer_id, producer_epoch, base_sequence, record_count FROM batches
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
    };
    this.checkpointTimer = setInterval(() => this.checkpointHighWatermarks(), 1000);
    this.checkpointTimer.unref();
  }

  /** The log of one partition, loaded from the file on first use (creating it if new). */
  partition(topic: string, partition: number): PartitionLog {
    const key = `${topic}\u0000${partition}`;
    let log = this.logs.get(key);
    if (!log) {
      log = new PartitionLog(topic, partition, this.stmts, (l) => this.dirty.add(l));
      this.logs.set(key, log);
    }
    return log;
  }

  /** Writes every changed high watermark in one transaction (every second, and on close). */
  checkpointHighWatermarks(): void {
    if (this.dirty.size === 0) return;
    const logs = [...this.dirty];
    this.dirty.clear();
    this.transaction(() => logs.forEach((l) => l.checkpoint()));
  }

  /** Topic-partitions that have data or state in this file (what a restarted broker still holds). */
  storedPartitions(): { topic: string; partition: number }[] {
    return this.db
      .prepare('SELECT topic, partition FROM partitions UNION SELECT DISTINCT topic, partition FROM batches')
      .all() as { topic: string; partition: number }[];
  }

  /** Runs `fn` in one SQLite transaction: one produce request = one commit, whatever its partitions. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  deletePartition(topic: string, partition: number): void {
    const log = this.logs.get(`${topic}\u0000${partition}`);
    if (log) this.dirty.delete(log);
    this.transaction(() => {
      this.db.prepare('DELETE FROM batches WHERE topic = ? AND partition = ?').run(topic, partition);
      this.db.prepare('DELETE FROM partitions WHERE topic = ? AND partition = ?').run(topic, partition);
      this.db.prepare('DELETE FROM leader_epochs WHERE topic = ? AND partition = ?').run(topic, partition);
    });
    this.logs.delete(`${topic}\u0000${partition}`);
  }

  close(): void {
    clearInterval(this.checkpointTimer);
    this.checkpointHighWatermarks();
    this.db.close();
  }
}
