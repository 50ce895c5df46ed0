import type { ClusterMetadata } from '../common/cluster-types.js';
import { ErrorCode } from '../common/errors.js';
import { pushToList } from '../common/list-map.js';
import { ClientVersions, type KafkaClient } from '../client/kafka-client.js';
import { ListOffsetsApi } from '../protocol/apis/list-offsets.js';

const LATEST = -1;

/** Partitions grouped by their current leader (offline partitions left out). */
export function partitionsByLeader(md: ClusterMetadata): Map<number, { topic: string; partition: number }[]> {
  const out = new Map<number, { topic: string; partition: number }[]>();
  for (const t of md.topics) {
    for (const p of t.partitions) {
      if (p.leader < 0) continue;
      const list = out.get(p.leader) ?? [];
      if (!out.has(p.leader)) out.set(p.leader, list);
      list.push({ topic: t.name, partition: p.partition });
    }
  }
  return out;
}

/**
 * High watermarks of the partitions one broker leads: one ListOffsets(-1) request, the way
 * kafka-run-class GetOffsetShell asks. Partitions that answer with an error are left out.
 */
export async function leaderHighWatermarks(
  client: KafkaClient,
  leader: number,
  partitions: { topic: string; partition: number }[],
  timeoutMs: number,
): Promise<{ topic: string; partition: number; highWatermark: number }[]> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) pushToList(byTopic, p.topic, p.partition);
  const res = await client.send(
    leader,
    ListOffsetsApi,
    ClientVersions.ListOffsets,
    { replicaId: -1, isolationLevel: 0, topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp: LATEST })) })) },
    { timeoutMs },
  );
  const out: { topic: string; partition: number; highWatermark: number }[] = [];
  for (const t of res.topics) {
    for (const p of t.partitions) {
      if (p.errorCode === ErrorCode.NONE && (p.offset ?? -1) >= 0) out.push({ topic: t.name, partition: p.partitionIndex, highWatermark: p.offset! });
    }
  }
  return out;
}
