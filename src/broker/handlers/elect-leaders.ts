import { ErrorCode } from '../../common/errors.js';
import { ElectionType, type ElectLeadersRequest, type ElectLeadersResponse } from '../../protocol/apis/elect-leaders.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { AclOperation } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;

/** ElectLeaders: the coordinator elects; the answer waits until this broker's metadata shows the new leaders. Needs ALTER on the cluster. */
export async function handleElectLeaders(ctx: BrokerContext, req: ElectLeadersRequest, _v: number, client: RequestClient): Promise<ElectLeadersResponse> {
  if (!ctx.security.authorizeCluster(client, AclOperation.ALTER)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, replicaElectionResults: [] };
  const electionType = req.electionType ?? ElectionType.Preferred;
  if (electionType !== ElectionType.Preferred && electionType !== ElectionType.Unclean) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
  }
  let results;
  try {
    const res = await ctx.coordinator.call(InternalApi.ElectLeaders, { electionType, topicPartitions: req.topicPartitions });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    results = res.results;
  } catch (err) {
    const errorMessage = `coordinator unavailable: ${(err as Error).message}`;
    results = (req.topicPartitions ?? []).flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage })));
  }
  const byTopic = new Map<string, ElectLeadersResponse['replicaElectionResults'][number]>();
  for (const r of results) {
    let t = byTopic.get(r.topic);
    if (!t) byTopic.set(r.topic, (t = { topic: r.topic, partitionResult: [] }));
    t.partitionResult.push({ partitionId: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: [...byTopic.values()] };
}
