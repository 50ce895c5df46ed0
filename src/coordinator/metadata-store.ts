import path from 'node:path';
import crypto from 'node:crypto';
import type { BrokerConfigOverrides } from '../common/broker-configs.js';
import type { AclBinding, PartitionState, TopicState, UserScramCredential } from '../common/cluster-types.js';
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
  // broker.rack, for rack-aware replica placement and Metadata's rack field.
  `ALTER TABLE brokers ADD COLUMN rack TEXT;`,
  // Dynamic broker configs (common/broker-configs.ts), by scope: a broker id, or '' for every broker.
  `CREATE TABLE broker_configs (scope TEXT PRIMARY KEY, configs TEXT NOT NULL);`,
  // Ongoing reassignments (KIP-455): the replicas being added and removed.
  `ALTER TABLE partitions ADD COLUMN adding_replicas TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE partitions ADD COLUMN removing_replicas TEXT NOT NULL DEFAULT '[]';`,
  // Transactions (KIP-98): each transactional id's producer, epoch and transaction (txn-store.ts),
  // and the offsets its ongoing transactions commit for groups, pending until they end (KIP-447).
  `CREATE TABLE transactions (
     transactional_id TEXT PRIMARY KEY,
     producer_id INTEGER NOT NULL,
     producer_epoch INTEGER NOT NULL,
     last_producer_epoch INTEGER NOT NULL,
     timeout_ms INTEGER NOT NULL,
     state TEXT NOT NULL,
     start_time_ms INTEGER NOT NULL,
     update_time_ms INTEGER NOT NULL,
     partitions TEXT NOT NULL,
     groups TEXT NOT NULL
   );
   CREATE TABLE pending_txn_offsets (
     transactional_id TEXT NOT NULL,
     group_id TEXT NOT NULL,
     topic TEXT NOT NULL,
     partition INTEGER NOT NULL,
     committed_offset INTEGER NOT NULL,
     committed_leader_epoch INTEGER NOT NULL,
     metadata TEXT,
     commit_time_ms INTEGER NOT NULL,
     PRIMARY KEY (transactional_id, group_id, topic, partition)
   );`,
  // SASL/SCRAM users (KIP-554), stored as Kafka stores them: salt, iterations, StoredKey, ServerKey.
  `CREATE TABLE scram_credentials (
     user TEXT NOT NULL,
     mechanism TEXT NOT NULL,
     iterations INTEGER NOT NULL,
     salt BLOB NOT NULL,
     stored_key BLOB NOT NULL,
     server_key BLOB NOT NULL,
     PRIMARY KEY (user, mechanism)
   );`,
  // ACLs (security/acl.ts): one row per binding, codes as Kafka's wire carries them.
  `CREATE TABLE acls (
     resource_type INTEGER NOT NULL,
     resource_name TEXT NOT NULL,
     pattern_type INTEGER NOT NULL,
     principal TEXT NOT NULL,
     host TEXT NOT NULL,
     operation INTEGER NOT NULL,
     permission_type INTEGER NOT NULL,
     PRIMARY KEY (resource_type, resource_name, pattern_type, principal, host, operation, permission_type)
   );`,
];

export interface StoredBroker {
  id: number;
  host: string;
  port: number;
  pid: number;
  brokerEpoch: number;
  /** Declared dead (session expired or process exited) and not registered since. */
  fenced: boolean;
  /** broker.rack, or null when the broker has none. */
  rack: string | null;
}

/** One commit's changes; the metadata version moves once for all of them. */
export interface MetadataChange {
  brokers?: StoredBroker[];
  topics?: TopicState[];
  partitions?: { topic: string; state: PartitionState }[];
  deletedTopics?: string[];
  /** Scopes whose dynamic broker configs are now these (all of them; {} for none). */
  brokerConfigs?: BrokerConfigOverrides;
  /** SCRAM credentials added or replaced, and removed (by user and mechanism). */
  scramUpserted?: UserScramCredential[];
  scramDeleted?: { user: string; mechanism: string }[];
  aclsAdded?: AclBinding[];
  aclsDeleted?: AclBinding[];
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

  /** Moves the stored counter `key` on by one and returns its new value (1 on the first call). */
  nextCounter(key: string): number {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
      const next = (row ? Number(row.value) : 0) + 1;
      this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, String(next));
      return next;
    })();
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
    return (this.db.prepare('SELECT id, host, port, pid, broker_epoch, fenced, rack FROM brokers ORDER BY id').all() as {
      id: number;
      host: string;
      port: number;
      pid: number;
      broker_epoch: number;
      fenced: number;
      rack: string | null;
    }[]).map((b) => ({ id: b.id, host: b.host, port: b.port, pid: b.pid, brokerEpoch: b.broker_epoch, fenced: b.fenced === 1, rack: b.rack }));
  }

  topics(): TopicState[] {
    const topics = this.db.prepare('SELECT name, id, configs FROM topics ORDER BY name').all() as { name: string; id: string; configs: string }[];
    const parts = this.db.prepare('SELECT * FROM partitions WHERE topic = ? ORDER BY partition');
    return topics.map((t) => ({
      name: t.name,
      id: t.id,
      configs: JSON.parse(t.configs) as Record<string, string>,
      partitions: (parts.all(t.name) as { partition: number; replicas: string; isr: string; leader: number; leader_epoch: number; adding_replicas: string; removing_replicas: string }[]).map((p) => {
        const adding = JSON.parse(p.adding_replicas) as number[];
        const removing = JSON.parse(p.removing_replicas) as number[];
        return {
          partition: p.partition,
          replicas: JSON.parse(p.replicas) as number[],
          isr: JSON.parse(p.isr) as number[],
          leader: p.leader,
          leaderEpoch: p.leader_epoch,
          ...(adding.length > 0 || removing.length > 0 ? { addingReplicas: adding, removingReplicas: removing } : {}),
        };
      }),
    }));
  }

  brokerConfigs(): BrokerConfigOverrides {
    const rows = this.db.prepare('SELECT scope, configs FROM broker_configs ORDER BY scope').all() as { scope: string; configs: string }[];
    return Object.fromEntries(rows.map((r) => [r.scope, JSON.parse(r.configs) as Record<string, string>]));
  }

  scramCredentials(): UserScramCredential[] {
    const rows = this.db.prepare('SELECT user, mechanism, iterations, salt, stored_key, server_key FROM scram_credentials ORDER BY user, mechanism').all() as {
      user: string;
      mechanism: UserScramCredential['mechanism'];
      iterations: number;
      salt: Buffer;
      stored_key: Buffer;
      server_key: Buffer;
    }[];
    return rows.map((r) => ({ user: r.user, mechanism: r.mechanism, iterations: r.iterations, salt: r.salt, storedKey: r.stored_key, serverKey: r.server_key }));
  }

  acls(): AclBinding[] {
    const rows = this.db.prepare('SELECT * FROM acls ORDER BY resource_type, resource_name, pattern_type, principal, host, operation, permission_type').all() as {
      resource_type: number;
      resource_name: string;
      pattern_type: number;
      principal: string;
      host: string;
      operation: number;
      permission_type: number;
    }[];
    return rows.map((r) => ({ resourceType: r.resource_type, resourceName: r.resource_name, patternType: r.pattern_type, principal: r.principal, host: r.host, operation: r.operation, permissionType: r.permission_type }));
  }

  /** Applies a set of changes and the new version in one transaction. A scope's empty broker configs remove its row. */
  commit(version: number, change: MetadataChange): void {
    this.db.transaction(() => {
      for (const [scope, configs] of Object.entries(change.brokerConfigs ?? {})) {
        if (Object.keys(configs).length === 0) this.db.prepare('DELETE FROM broker_configs WHERE scope = ?').run(scope);
        else this.db.prepare('INSERT OR REPLACE INTO broker_configs (scope, configs) VALUES (?, ?)').run(scope, JSON.stringify(configs));
      }
      for (const b of change.brokers ?? []) {
        this.db
          .prepare('INSERT OR REPLACE INTO brokers (id, host, port, pid, broker_epoch, fenced, rack) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(b.id, b.host, b.port, b.pid, b.brokerEpoch, b.fenced ? 1 : 0, b.rack);
      }
      for (const t of change.topics ?? []) {
        this.db.prepare('INSERT OR REPLACE INTO topics (name, id, configs) VALUES (?, ?, ?)').run(t.name, t.id, JSON.stringify(t.configs));
        for (const p of t.partitions) this.savePartition(t.name, p);
      }
      for (const p of change.partitions ?? []) this.savePartition(p.topic, p.state);
      for (const name of change.deletedTopics ?? []) this.db.prepare('DELETE FROM topics WHERE name = ?').run(name);
      for (const d of change.scramDeleted ?? []) this.db.prepare('DELETE FROM scram_credentials WHERE user = ? AND mechanism = ?').run(d.user, d.mechanism);
      for (const c of change.scramUpserted ?? []) {
        this.db
          .prepare('INSERT OR REPLACE INTO scram_credentials (user, mechanism, iterations, salt, stored_key, server_key) VALUES (?, ?, ?, ?, ?, ?)')
          .run(c.user, c.mechanism, c.iterations, c.salt, c.storedKey, c.serverKey);
      }
      const aclKey = (a: AclBinding) => [a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permissionType];
      for (const a of change.aclsDeleted ?? []) {
        this.db.prepare('DELETE FROM acls WHERE resource_type = ? AND resource_name = ? AND pattern_type = ? AND principal = ? AND host = ? AND operation = ? AND permission_type = ?').run(...aclKey(a));
      }
      for (const a of change.aclsAdded ?? []) {
        this.db.prepare('INSERT OR IGNORE INTO acls (resource_type, resource_name, pattern_type, principal, host, operation, permission_type) VALUES (?, ?, ?, ?, ?, ?, ?)').run(...aclKey(a));
      }
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)").run(String(version));
    })();
  }

  private savePartition(topic: string, p: PartitionState): void {
    this.db
      .prepare('INSERT OR REPLACE INTO partitions (topic, partition, replicas, isr, leader, leader_epoch, adding_replicas, removing_replicas) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(topic, p.partition, JSON.stringify(p.replicas), JSON.stringify(p.isr), p.leader, p.leaderEpoch, JSON.stringify(p.addingReplicas ?? []), JSON.stringify(p.removingReplicas ?? []));
  }

  close(): void {
    this.db.close();
  }
}
