import path from 'node:path';
import crypto from 'node:crypto';
import type { PartitionState, TopicState } from '../common/cluster-types.js';
import { ensurePrivateDir } from '../common/private-files.js';
import { openDatabase, type Database } from '../storage/database.js';

const MIGRATIONS = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE brokers (id INTEGER PRIMARY KEY, host TEXT NOT NULL, port INTEGER NOT NULL, pid INTEGER NOT NULL, broker_epoch INTEGER NOT NULL);
   CREATE TABLE topics (name TEXT PRIMARY KEY, id TEXT NOT NULL, configs TEXT NOT NULL);
   CREATE TABLE partitions (
     topic TEXT NOT NULL REFERENCES topics(name) ON DELETE CASCADE,
     partition INTEGER NOT NULL,
     replicas TEXT NOT NULL,
     isr TEXT NOT NULL,
     leader INTEGER NOT NULL,
     leader_epoch INTEGER NOT NULL,
     PRIMARY KEY (topic, partition)
   );`,
  // A broker declared dead stays dead across a coordinator restart until it registers again.
  `ALTER TABLE brokers ADD COLUMN fenced INTEGER NOT NULL DEFAULT 0;`,
  // Consumer groups (DESIGN.md: committed offsets live with the coordinator, as old Kafka kept them in ZooKeeper).
  `CREATE TABLE consumer_groups (
     group_id TEXT PRIMARY KEY,
     protocol_type TEXT NOT NULL,
     generation INTEGER NOT NULL DEFAULT 0,
     protocol_name TEXT,
     leader_id TEXT,
     members TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE group_offsets (
     group_id TEXT NOT NULL REFERENCES consumer_groups(group_id) ON DELETE CASCADE,
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     committed_offset INTEGER NOT NULL,
     metadata TEXT,
     commit_time_ms INTEGER NOT NULL,
     PRIMARY KEY (group_id, topic, partition)
   );`,
  // The leader epoch of each committed offset (OffsetCommit v6+), handed back by OffsetFetch v5+ (KIP-320).
  `ALTER TABLE group_offsets ADD COLUMN committed_leader_epoch INTEGER NOT NULL DEFAULT -1;`,
];

export interface StoredBroker {
  id: number;
  host: string;
  port: number;
  pid: number;
  brokerEpoch: number;
  /** Declared dead (session expired or process exited) and not registered since. */
  fenced: boolean;
}

/**
 * The coordinator's SQLite file (coordinator.db): cluster id, metadata version, brokers, topics and
 * partition state. Every change is written before it is announced, so a restarted coordinator
 * resumes with every topic, assignment, ISR and epoch it had.
 */
export class MetadataStore {
  private readonly db: Database;

  constructor(dataDir: string) {
    ensurePrivateDir(dataDir);
    this.db = openDatabase(path.join(dataDir, 'coordinator.db'), MIGRATIONS, { synchronous: 'FULL' });
  }

  /** The open coordinator.db, for the other coordinator stores (GroupStore) that share its migrations. */
  get database(): Database {
    return this.db;
  }

  clusterId(): string {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'cluster_id'").get() as { value: string } | undefined;
    if (row) return row.value;
    const id = crypto.randomBytes(16).toString('base64url').slice(0, 22);
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('cluster_id', ?)").run(id);
    return id;
  }

  /** Hands out a block of `count` producer ids; persisted first, so a restart never reuses one (KIP-730). */
  allocateProducerIds(count: number): number {
    return this.db.transaction(() => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'next_producer_id'").get() as { value: string } | undefined;
      const first = row ? Number(row.value) : 1000;
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_producer_id', ?)").run(String(first + count));
      return first;
    })();
  }

  version(): number {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'version'").get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  brokers(): StoredBroker[] {
    return (this.db.prepare('SELECT id, host, port, pid, broker_epoch, fenced FROM brokers ORDER BY id').all() as {
      id: number;
      host: string;
      port: number;
      pid: number;
      broker_epoch: number;
      fenced: number;
    }[]).map((b) => ({ id: b.id, host: b.host, port: b.port, pid: b.pid, brokerEpoch: b.broker_epoch, fenced: b.fenced === 1 }));
  }

  topics(): TopicState[] {
    const topics = this.db.prepare('SELECT name, id, configs FROM topics ORDER BY name').all() as { name: string; id: string; configs: string }[];
    const parts = this.db.prepare('SELECT * FROM partitions WHERE topic = ? ORDER BY partition');
    return topics.map((t) => ({
      name: t.name,
      id: t.id,
      configs: JSON.parse(t.configs) as Record<string, string>,
      partitions: (parts.all(t.name) as { partition: number; replicas: string; isr: string; leader: number; leader_epoch: number }[]).map((p) => ({
        partition: p.partition,
        replicas: JSON.parse(p.replicas) as number[],
        isr: JSON.parse(p.isr) as number[],
        leader: p.leader,
        leaderEpoch: p.leader_epoch,
      })),
    }));
  }

  /** Applies a set of changes and the new version in one transaction. */
  commit(version: number, change: { brokers?: StoredBroker[]; topics?: TopicState[]; partitions?: { topic: string; state: PartitionState }[]; deletedTopics?: string[] }): void {
    this.db.transaction(() => {
      for (const b of change.brokers ?? []) {
        this.db
          .prepare('INSERT OR REPLACE INTO brokers (id, host, port, pid, broker_epoch, fenced) VALUES (?, ?, ?, ?, ?, ?)')
          .run(b.id, b.host, b.port, b.pid, b.brokerEpoch, b.fenced ? 1 : 0);
      }
      for (const t of change.topics ?? []) {
        this.db.prepare('INSERT OR REPLACE INTO topics (name, id, configs) VALUES (?, ?, ?)').run(t.name, t.id, JSON.stringify(t.configs));
        for (const p of t.partitions) this.savePartition(t.name, p);
      }
      for (const p of change.partitions ?? []) this.savePartition(p.topic, p.state);
      for (const name of change.deletedTopics ?? []) this.db.prepare('DELETE FROM topics WHERE name = ?').run(name);
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)").run(String(version));
    })();
  }

  private savePartition(topic: string, p: PartitionState): void {
    this.db
      .prepare('INSERT OR REPLACE INTO partitions (topic, partition, replicas, isr, leader, leader_epoch) VALUES (?, ?, ?, ?, ?, ?)')
      .run(topic, p.partition, JSON.stringify(p.replicas), JSON.stringify(p.isr), p.leader, p.leaderEpoch);
  }

  close(): void {
    this.db.close();
  }
}
