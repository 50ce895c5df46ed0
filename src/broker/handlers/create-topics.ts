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

/**
 * CreateTopics: -1 partitions or replication factor is the broker's default (KIP-464), unless the
 * topic's replicas are assigned by hand: then both come from the assignment, which the coordinator checks.
 */
export async function handleCreateTopics(ctx: BrokerContext, req: CreateTopicsRequest): Promise<CreateTopicsResponse> {
  const specs: CreateTopicSpec[] = req.topics.map((t) => {
    const configs = Object.fromEntries(t.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
    if (t.assignments.length > 0) return { name: t.name, partitions: t.numPartitions, replicationFactor: t.replicationFactor, configs, assignments: t.assignments };
    return {
      name: t.name,
      partitions: t.numPartitions === -1 ? ctx.config.defaultPartitions : t.numPartitions,
      replicationFactor: t.replicationFactor === -1 ? ctx.config.defaultReplicationFactor : t.replicationFactor,
      configs,
    };
  });
  const results = specs.length > 0 ? await createTopics(ctx, specs, req.validateOnly) : [];
  return { throttleTimeMs: 0, topics: results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null })) };
}
