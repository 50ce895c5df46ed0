import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/create-topics.js';
import { InternalApi, type CreateTopicSpec, type TopicResult } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';

const METADATA_WAIT_MS = 2000;

/** Asks the coordinator to create topics, then waits until this broker's metadata shows them. */
export async function createTopics(ctx: BrokerContext, specs: CreateTopicSpec[], validateOnly = false): Promise<TopicResult[]> {
  let res;
  try {
    res = await ctx.coordinator.call(InternalApi.CreateTopics, { topics: specs, validateOnly });
  } catch (err) {
    const message = `coordinator unavailable: ${(err as Error).message}`;
    return specs.map((s) => ({ name: s.name, errorCode: (err as KafkaError).code === ErrorCode.REQUEST_TIMED_OUT ? ErrorCode.REQUEST_TIMED_OUT : ErrorCode.NOT_CONTROLLER, errorMessage: message }));
  }
  await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
  return res.topics;
}

export async function handleCreateTopics(ctx: BrokerContext, req: CreateTopicsRequest): Promise<CreateTopicsResponse> {
  const specs: CreateTopicSpec[] = [];
  const early: { name: string; errorCode: number; errorMessage: string | null }[] = [];
  for (const t of req.topics) {
    if (t.assignments.length > 0) {
      early.push({ name: t.name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'manual replica assignment is not supported: give partitions and replication factor' });
      continue;
    }
    const configs = Object.fromEntries(t.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
    specs.push({
      name: t.name,
      partitions: t.numPartitions === -1 ? ctx.config.defaultPartitions : t.numPartitions,
      replicationFactor: t.replicationFactor === -1 ? ctx.config.defaultReplicationFactor : t.replicationFactor,
      configs,
    });
  }
  const results = specs.length > 0 ? await createTopics(ctx, specs, req.validateOnly) : [];
  return {
    throttleTimeMs: 0,
    topics: [...early, ...results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null }))],
  };
}
