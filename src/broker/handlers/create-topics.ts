import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { CreatableTopicResult, CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/apis/create-topics.js';
import { InternalApi, type CreateTopicSpec, type TopicResult } from '../../protocol/internal-api.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';
import { topicConfigs } from './describe-configs.js';

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
 * topic's replicas are assigned by hand: then both come from the assignment, which the coordinator
 * checks. Needs CREATE on the cluster or on the topic (TOPIC_AUTHORIZATION_FAILED), as in Kafka.
 */
export async function handleCreateTopics(ctx: BrokerContext, req: CreateTopicsRequest, _v: number, client: RequestClient): Promise<CreateTopicsResponse> {
  const onCluster = ctx.security.authorizeCluster(client, AclOperation.CREATE);
  const mayCreate = (name: string) => onCluster || ctx.security.authorize(client, AclOperation.CREATE, ResourceType.TOPIC, name);
  const refused: CreatableTopicResult[] = req.topics.filter((t) => !mayCreate(t.name)).map((t) => ({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not create topic ${t.name}` }));
  const specs: CreateTopicSpec[] = req.topics.filter((t) => mayCreate(t.name)).map((t) => {
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
  return { throttleTimeMs: 0, topics: [...results.map((r, i) => describeResult(ctx, r, specs[i]!, req.validateOnly ?? false)), ...refused] };
}

/**
 * One topic's answer. A created topic (v5+) is described as it now is: id (v7), partitions,
 * replication factor and configs as DescribeConfigs shows them; a validated one as it would be.
 */
function describeResult(ctx: BrokerContext, r: TopicResult, spec: CreateTopicSpec, validateOnly: boolean): CreatableTopicResult {
  const result: CreatableTopicResult = { name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null };
  if (r.errorCode !== ErrorCode.NONE) return result;
  const created = validateOnly ? undefined : ctx.cache.topic(r.name);
  const configs = topicConfigs(ctx, created?.configs ?? spec.configs ?? {}).map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive }));
  if (created) {
    return { ...result, topicId: created.id, numPartitions: created.partitions.length, replicationFactor: created.partitions[0]?.replicas.length ?? -1, configs };
  }
  const assigned = spec.assignments?.length ? spec.assignments : null;
  return { ...result, numPartitions: assigned ? assigned.length : spec.partitions, replicationFactor: assigned ? assigned[0]!.brokerIds.length : spec.replicationFactor, configs };
}
