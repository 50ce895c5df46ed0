import { ErrorCode } from '../../common/errors.js';
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/apis/alter-partition-reassignments.js';
import type { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse, OngoingPartitionReassignment } from '../../protocol/apis/list-partition-reassignments.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { AclOperation } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;

/** AlterPartitionReassignments: the coordinator starts (or cancels) each move; the answer waits until this broker's metadata shows it. */
export async function handleAlterPartitionReassignments(ctx: BrokerContext, req: AlterPartitionReassignmentsRequest, _v: number, client: RequestClient): Promise<AlterPartitionReassignmentsResponse> {
  // Kafka's check: ALTER on the cluster.
  if (!ctx.security.authorizeCluster(client, AclOperation.ALTER)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not reassign partitions`, responses: [] };
  let results;
  try {
    const res = await ctx.coordinator.call(InternalApi.ReassignPartitions, { topics: req.topics });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    results = res.results;
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: `coordinator unavailable: ${(err as Error).message}`, responses: [] };
  }
  const byTopic = new Map<string, AlterPartitionReassignmentsResponse['responses'][number]>();
  for (const r of results) {
    let t = byTopic.get(r.topic);
    if (!t) byTopic.set(r.topic, (t = { name: r.topic, partitions: [] }));
    t.partitions.push({ partitionIndex: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses: [...byTopic.values()] };
}

/** ListPartitionReassignments: the moves under way, from this broker's metadata; a partition not being moved is not listed, as in Kafka. */
export function handleListPartitionReassignments(ctx: BrokerContext, req: ListPartitionReassignmentsRequest, _v: number, client: RequestClient): ListPartitionReassignmentsResponse {
  // Kafka's check: DESCRIBE on the cluster.
  if (!ctx.security.authorizeCluster(client, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not list reassignments`, topics: [] };
  const wanted = req.topics ? new Map(req.topics.map((t) => [t.name, new Set(t.partitionIndexes)])) : null;
  const topics: ListPartitionReassignmentsResponse['topics'] = [];
  for (const t of ctx.cache.topics) {
    const partitions: OngoingPartitionReassignment[] = t.partitions
      .filter((p) => p.addingReplicas && (!wanted || wanted.get(t.name)?.has(p.partition)))
      .map((p) => ({ partitionIndex: p.partition, replicas: p.replicas, addingReplicas: p.addingReplicas ?? [], removingReplicas: p.removingReplicas ?? [] }));
    if (partitions.length > 0) topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
}
