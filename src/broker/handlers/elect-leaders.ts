import { ErrorCode } from '../../common/errors.js';
import { ElectionType, type ElectLeadersRequest, type ElectLeadersResponse } from '../../protocol/apis/elect-leaders.js';
import { InternalApi } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';

const METADATA_WAIT_MS = 2000;

/** ElectLeaders: the coordinator elects; the answer waits until this broker's metadata shows the new leaders. */
export async function handleElectLeaders(ctx: BrokerContext, req: ElectLeadersRequest): Promise<ElectLeadersResponse> {
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
