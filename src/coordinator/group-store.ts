import type { Database } from '../storage/database.js';

export interface StoredOffset {
  topic: string;
  partition: number;
  committedOffset: number;
  metadata: string | null;
  commitTimeMs: number;
}

/**
 * Consumer groups' durable part in coordinator.db: each group's protocol type and its committed
 * offsets. Members and generations are not stored: after a coordinator restart members rejoin
 * (their next heartbeat gets UNKNOWN_MEMBER_ID), and resume from these offsets.
 */
export class GroupStore {
  constructor(private readonly db: Database) {}

  groups(): { groupId: string; protocolType: string }[] {
    return (this.db.prepare('SELECT group_id, protocol_type FROM consumer_groups ORDER BY group_id').all() as { group_id: string; protocol_type: string }[]).map(
      (g) => ({ groupId: g.group_id, protocolType: g.protocol_type }),
    );
  }

  saveGroup(groupId: string, protocolType: string): void {
    this.db.prepare('INSERT OR REPLACE INTO consumer_groups (group_id, protocol_type) VALUES (?, ?)').run(groupId, protocolType);
  }

  /** Stores a commit in one transaction: all of its partitions or none. */
  commitOffsets(groupId: string, protocolType: string, offsets: StoredOffset[]): void {
    const upsert = this.db.prepare(
      'INSERT OR REPLACE INTO group_offsets (group_id, topic, partition, committed_offset, metadata, commit_time_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO consumer_groups (group_id, protocol_type) VALUES (?, ?)').run(groupId, protocolType);
      for (const o of offsets) upsert.run(groupId, o.topic, o.partition, o.committedOffset, o.metadata, o.commitTimeMs);
    })();
  }

  offsets(groupId: string): StoredOffset[] {
    const rows = this.db
      .prepare('SELECT topic, partition, committed_offset, metadata, commit_time_ms FROM group_offsets WHERE group_id = ? ORDER BY topic, partition')
      .all(groupId) as { topic: string; partition: number; committed_offset: number; metadata: string | null; commit_time_ms: number }[];
    return rows.map((r) => ({ topic: r.topic, partition: r.partition, committedOffset: r.committed_offset, metadata: r.metadata, commitTimeMs: r.commit_time_ms }));
  }

  /** Removes the group and its offsets (cascade). */
  deleteGroup(groupId: string): void {
    this.db.prepare('DELETE FROM consumer_groups WHERE group_id = ?').run(groupId);
  }
}
