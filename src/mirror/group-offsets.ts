import { GroupAdmin } from '../client/group-admin.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { partitionKey } from './checkpoints.js';
import type { PartitionOffsetMap } from './offset-map.js';

export interface GroupOffsetsResult {
  committed: number;
  skipped: number;
}

/**
 * MirrorMaker 2's checkpoints, exactly: for each source group matching `groups`, each offset it
 * committed on a mirrored topic becomes the destination offset of the same record (the offset map's
 * `translate`), committed on the destination as the group's, so a consumer of that group pointed at
 * the destination resumes right after the last record it had consumed. As MM2 does, only for groups
 * with no active members on the destination (their coordinator refuses a commit from outside the
 * group, and an application already there owns its offsets), and never moving a destination
 * offset backwards (the group read further there).
 */
export async function mirrorGroupOffsets(
  source: KafkaClient,
  destination: KafkaClient,
  groups: RegExp,
  mirroredTopics: ReadonlySet<string>,
  maps: ReadonlyMap<string, PartitionOffsetMap>,
  say: (line: string) => void,
  /** For what may be so at every pass (a group active on the destination). */
  sayOnce: (line: string) => void,
): Promise<GroupOffsetsResult> {
  const sourceGroups = new GroupAdmin(source);
  const destinationGroups = new GroupAdmin(destination);
  const result: GroupOffsetsResult = { committed: 0, skipped: 0 };
  for (const { groupId } of await sourceGroups.listGroups()) {
    if (!groups.test(groupId)) continue;
    const described = await sourceGroups.describeGroup(groupId);
    const byTopic = new Map<string, Map<number, { from: number; to: number }>>();
    for (const row of described?.partitions ?? []) {
      if (row.committedOffset === null || !mirroredTopics.has(row.topic)) continue;
      const to = maps.get(partitionKey(row.topic, row.partition))?.translate(row.committedOffset) ?? null;
      if (to === null) continue; // nothing of that partition copied: no destination offset names its position
      byTopic.set(row.topic, (byTopic.get(row.topic) ?? new Map()).set(row.partition, { from: row.committedOffset, to }));
    }
    if (byTopic.size === 0) continue;
    const there = await destinationGroups.describeGroup(groupId);
    if (there && there.members.length > 0) {
      sayOnce(`group ${groupId}: ${there.members.length} active member(s) on the destination: its offsets there are left as they are`);
      result.skipped++;
      continue;
    }
    const current = new Map((there?.partitions ?? []).map((r) => [partitionKey(r.topic, r.partition), r.committedOffset]));
    const moved: string[] = [];
    for (const [topic, offsets] of byTopic) {
      const commit = new Map<number, number>();
      for (const [partition, { from, to }] of [...offsets].sort((a, b) => a[0] - b[0])) {
        const now = current.get(partitionKey(topic, partition)) ?? null;
        if (now !== null && now >= to) continue;
        commit.set(partition, to);
        moved.push(`${topic}-${partition} ${from} -> ${to}`);
      }
      if (commit.size > 0) await destinationGroups.commitOffsets(groupId, topic, commit);
    }
    if (moved.length > 0) {
      say(`group ${groupId}: committed ${moved.join(', ')} (source offset -> destination offset)`);
      result.committed++;
    }
  }
  return result;
}
