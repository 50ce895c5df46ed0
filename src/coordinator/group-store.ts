import type { Database } from '../storage/database.js';

export interface StoredOffset {
  topic: string;
  partition: number;
  committedOffset: number;
  /** The leader epoch of the record before the offset, as the consumer saw it; -1 unknown. */
  committedLeaderEpoch: number;
  metadata: string | null;
  commitTimeMs: number;
}

export interface StoredMember {
  memberId: string;
  /** group.instance.id of a static member; null (or absent, in rows from before static membership) for a dynamic one. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  assignment: Buffer;
}

/** A group as of its last settled moment: Stable (members with their assignments) or Empty. */
export interface StoredGroup {
  groupId: string;
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  members: StoredMember[];
}

interface GroupRow {
  group_id: string;
  protocol_type: string;
  generation: number;
  protocol_name: string | null;
  leader_id: string | null;
  members: string;
}

/** Members as JSON, their byte fields (subscriptions, assignments) in base64. */
function membersToJson(members: StoredMember[]): string {
  return JSON.stringify(
    members.map((m) => ({ ...m, protocols: m.protocols.map((p) => ({ name: p.name, metadata: p.metadata.toString('base64') })), assignment: m.assignment.toString('base64') })),
  );
}

function membersFromJson(json: string): StoredMember[] {
  const raw = JSON.parse(json) as (Omit<StoredMember, 'groupInstanceId' | 'protocols' | 'assignment'> & { groupInstanceId?: string | null; protocols: { name: string; metadata: string }[]; assignment: string })[];
  return raw.map((m) => ({ ...m, groupInstanceId: m.groupInstanceId ?? null, protocols: m.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata, 'base64') })), assignment: Buffer.from(m.assignment, 'base64') }));
}

/**
 * Consumer groups' durable part in coordinator.db, as Kafka keeps it in __consumer_offsets: each
 * group's last settled state (generation, leader, members and their assignments, written when it
 * becomes Stable or Empty) and its committed offsets. A restarted coordinator resumes every group
 * from there, so members carry on heartbeating.
 */
/** Told of every change once it is stored (the `__consumer_offsets` mirror, offsets-topic.ts). */
export interface GroupStoreListener {
  groupSaved(group: StoredGroup): void;
  offsetsCommitted(groupId: string, offsets: StoredOffset[]): void;
  offsetsDeleted(groupId: string, partitions: { topic: string; partition: number }[]): void;
  /** `offsets`: those the group had, now deleted with it. */
  groupDeleted(groupId: string, offsets: { topic: string; partition: number }[]): void;
}

export class GroupStore {
  constructor(
    private readonly db: Database,
    private readonly listener?: GroupStoreListener,
  ) {}

  groups(): StoredGroup[] {
    return (this.db.prepare('SELECT * FROM consumer_groups ORDER BY group_id').all() as GroupRow[]).map((r) => ({
      groupId: r.group_id,
      protocolType: r.protocol_type,
      generationId: r.generation,
      protocolName: r.protocol_name,
      leaderId: r.leader_id,
      members: membersFromJson(r.members),
    }));
  }

  /** An upsert, not INSERT OR REPLACE: replacing the row would cascade-delete the group's offsets. */
  saveGroup(g: StoredGroup): void {
    this.db
      .prepare(
        `INSERT INTO consumer_groups (group_id, protocol_type, generation, protocol_name, leader_id, members) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id) DO UPDATE SET protocol_type = excluded.protocol_type, generation = excluded.generation,
           protocol_name = excluded.protocol_name, leader_id = excluded.leader_id, members = excluded.members`,
      )
      .run(g.groupId, g.protocolType, g.generationId, g.protocolName, g.leaderId, membersToJson(g.members));
    this.listener?.groupSaved(g);
  }

  /** Stores a commit in one transaction: all of its partitions or none. */
  commitOffsets(groupId: string, protocolType: string, offsets: StoredOffset[]): void {
    const upsert = this.db.prepare(
      'INSERT OR REPLACE INTO group_offsets (group_id, topic, partition, committed_offset, committed_leader_epoch, metadata, commit_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO consumer_groups (group_id, protocol_type) VALUES (?, ?)').run(groupId, protocolType);
      for (const o of offsets) upsert.run(groupId, o.topic, o.partition, o.committedOffset, o.committedLeaderEpoch, o.metadata, o.commitTimeMs);
    })();
    this.listener?.offsetsCommitted(groupId, offsets);
  }

  offsets(groupId: string): StoredOffset[] {
    const rows = this.db
      .prepare('SELECT topic, partition, committed_offset, committed_leader_epoch, metadata, commit_time_ms FROM group_offsets WHERE group_id = ? ORDER BY topic, partition')
      .all(groupId) as { topic: string; partition: number; committed_offset: number; committed_leader_epoch: number; metadata: string | null; commit_time_ms: number }[];
    return rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      committedOffset: r.committed_offset,
      committedLeaderEpoch: r.committed_leader_epoch,
      metadata: r.metadata,
      commitTimeMs: r.commit_time_ms,
    }));
  }

  deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[]): void {
    const del = this.db.prepare('DELETE FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?');
    this.db.transaction(() => {
      for (const p of partitions) del.run(groupId, p.topic, p.partition);
    })();
    if (partitions.length > 0) this.listener?.offsetsDeleted(groupId, partitions);
  }

  /**
   * Offsets a transaction commits for a group (TxnOffsetCommit, KIP-447): kept aside, invisible to
   * OffsetFetch, until the transaction ends (`pendingOffsets`, `dropPendingOffsets`). A partition
   * committed twice in one transaction keeps the later offset.
   */
  addPendingOffsets(transactionalId: string, groupId: string, offsets: StoredOffset[]): void {
    const upsert = this.db.prepare(
      `INSERT OR REPLACE INTO pending_txn_offsets (transactional_id, group_id, topic, partition, committed_offset, committed_leader_epoch, metadata, commit_time_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const o of offsets) upsert.run(transactionalId, groupId, o.topic, o.partition, o.committedOffset, o.committedLeaderEpoch, o.metadata, o.commitTimeMs);
    })();
  }

  /** A transaction's pending offsets, by group. */
  pendingOffsets(transactionalId: string): Map<string, StoredOffset[]> {
    const rows = this.db
      .prepare('SELECT * FROM pending_txn_offsets WHERE transactional_id = ? ORDER BY group_id, topic, partition')
      .all(transactionalId) as { group_id: string; topic: string; partition: number; committed_offset: number; committed_leader_epoch: number; metadata: string | null; commit_time_ms: number }[];
    const byGroup = new Map<string, StoredOffset[]>();
    for (const r of rows) {
      const list = byGroup.get(r.group_id) ?? [];
      byGroup.set(r.group_id, list);
      list.push({ topic: r.topic, partition: r.partition, committedOffset: r.committed_offset, committedLeaderEpoch: r.committed_leader_epoch, metadata: r.metadata, commitTimeMs: r.commit_time_ms });
    }
    return byGroup;
  }

  dropPendingOffsets(transactionalId: string): void {
    this.db.prepare('DELETE FROM pending_txn_offsets WHERE transactional_id = ?').run(transactionalId);
  }

  /** The partitions of a group that some ongoing transaction has offsets pending for, as `topic\0partition`. */
  pendingPartitions(groupId: string): Set<string> {
    const rows = this.db.prepare('SELECT DISTINCT topic, partition FROM pending_txn_offsets WHERE group_id = ?').all(groupId) as { topic: string; partition: number }[];
    return new Set(rows.map((r) => `${r.topic}\u0000${r.partition}`));
  }

  /** Runs `work` in one coordinator.db transaction (a transaction's state and its offsets change together). */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Removes the group and its offsets (cascade). */
  deleteGroup(groupId: string): void {
    const offsets = this.listener ? this.offsets(groupId) : [];
    this.db.prepare('DELETE FROM consumer_groups WHERE group_id = ?').run(groupId);
    this.listener?.groupDeleted(groupId, offsets);
  }
}
