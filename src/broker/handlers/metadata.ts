import type { TopicState } from '../../common/cluster-types.js';
import { ErrorCode } from '../../common/errors.js';
import { isInternalTopic, topicNameProblem } from '../../common/topic-name.js';
import { AUTHORIZED_OPERATIONS_OMITTED, type MetadataRequest, type MetadataResponse, type MetadataTopic } from '../../protocol/apis/metadata.js';
import { ZERO_UUID } from '../../protocol/schema.js';
import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType, type AclOperationCode, type ResourceTypeCode } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';
import { createTopics } from './create-topics.js';
import { distinctBy } from './distinct.js';

/** The ACL operations (Kafka's AclOperation codes) each resource type supports. */
const TOPIC_OPERATIONS: AclOperationCode[] = [3, 4, 5, 6, 7, 8, 10, 11]; // READ WRITE CREATE DELETE ALTER DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS
const CLUSTER_OPERATIONS: AclOperationCode[] = [5, 7, 8, 9, 10, 11, 12]; // CREATE ALTER DESCRIBE CLUSTER_ACTION DESCRIBE_CONFIGS ALTER_CONFIGS IDEMPOTENT_WRITE

/** The operations of `all` the client may perform on the resource, as Kafka's bitfield (everything without an authorizer). */
function authorizedOperations(ctx: BrokerContext, client: RequestClient, all: AclOperationCode[], resourceType: ResourceTypeCode, name: string): number {
  return all.filter((op) => ctx.security.authorize(client, op, resourceType, name)).reduce<number>((bits, op) => bits | (1 << op), 0);
}

export function clusterAuthorizedOperations(ctx: BrokerContext, client: RequestClient): number {
  return authorizedOperations(ctx, client, CLUSTER_OPERATIONS, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
}

/**
 * Metadata, authorized as Kafka's KafkaApis does: a topic the client may not DESCRIBE is left out of
 * an all-topics answer and is TOPIC_AUTHORIZATION_FAILED when named (whether it exists or not, so
 * names do not leak); auto-creation needs CREATE on the cluster or on the topic, and a topic that
 * would be created without it is TOPIC_AUTHORIZATION_FAILED.
 */
export async function handleMetadata(ctx: BrokerContext, req: MetadataRequest, _v: number, client: RequestClient): Promise<MetadataResponse> {
  const mayDescribe = (name: string) => ctx.security.authorize(client, AclOperation.DESCRIBE, ResourceType.TOPIC, name);
  const mayCreate = (name: string) => ctx.security.authorizeCluster(client, AclOperation.CREATE) || ctx.security.authorize(client, AclOperation.CREATE, ResourceType.TOPIC, name);
  // v12 asks for topics by id (null name); every other entry is by name.
  const requested = req.topics ? distinctBy(req.topics, (t) => t.name ?? `id:${t.topicId}`) : null;
  const names = requested?.flatMap((t) => (t.name === null ? [] : [t.name])) ?? [];
  // Why an auto-creation failed (INVALID_REPLICATION_FACTOR with brokers down, say) is the topic's error, as in Kafka.
  const creationErrors = new Map<string, number>();
  if (requested && ctx.config.autoCreateTopics && req.allowAutoTopicCreation !== false) {
    const missing = names.filter((n) => !ctx.cache.topic(n) && topicNameProblem(n) === null && !isInternalTopic(n) && mayDescribe(n) && mayCreate(n));
    if (missing.length > 0) {
      const results = await createTopics(
        ctx,
        missing.map((name) => ({ name, partitions: ctx.config.defaultPartitions, replicationFactor: ctx.config.defaultReplicationFactor })),
      );
      for (const r of results) if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) creationErrors.set(r.name, r.errorCode);
    }
  }
  const alive = new Set(ctx.cache.aliveBrokers().map((b) => b.id));
  const operations = (name: string) => (req.includeTopicAuthorizedOperations ? authorizedOperations(ctx, client, TOPIC_OPERATIONS, ResourceType.TOPIC, name) : AUTHORIZED_OPERATIONS_OMITTED);
  const describe = (t: TopicState) => describeTopic(t, alive, operations(t.name));
  const refused = (name: string | null, topicId: string): MetadataTopic => ({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId, isInternal: name !== null && isInternalTopic(name), partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED });
  const topics: MetadataTopic[] = requested
    ? requested.map(({ name, topicId }) => {
        if (name === null) {
          const t = topicId ? ctx.cache.topicById(topicId) : undefined;
          if (t && !mayDescribe(t.name)) return refused(null, topicId ?? ZERO_UUID);
          if (t) return describe(t);
          return { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: topicId ?? ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
        }
        if (!mayDescribe(name)) return refused(name, ZERO_UUID);
        const t = ctx.cache.topic(name);
        if (t) return describe(t);
        if (ctx.config.autoCreateTopics && req.allowAutoTopicCreation !== false && topicNameProblem(name) === null && !isInternalTopic(name) && !mayCreate(name)) return refused(name, ZERO_UUID);
        const code = topicNameProblem(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : (creationErrors.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return { errorCode: code, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
      })
    : ctx.cache.topics.filter((t) => mayDescribe(t.name)).map(describe);
  const brokers = ctx.cache.aliveBrokers();
  return {
    throttleTimeMs: 0,
    brokers: brokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: b.rack ?? null })),
    clusterId: ctx.cache.clusterId,
    controllerId: controllerId(ctx),
    topics,
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? clusterAuthorizedOperations(ctx, client) : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

/** YaK's controller lives in the coordinator; clients (Metadata, DescribeCluster) only need a live broker id here. */
export function controllerId(ctx: BrokerContext): number {
  return ctx.cache.aliveBrokers()[0]?.id ?? ctx.brokerId;
}

function describeTopic(t: TopicState, alive: ReadonlySet<number>, topicAuthorizedOperations: number): MetadataTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: isInternalTopic(t.name),
    partitions: t.partitions.map((p) => ({
      errorCode: p.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      // Kafka's offline replicas are those on a failed log dir or a broker that is gone.
      offlineReplicas: p.replicas.filter((id) => !alive.has(id)),
    })),
    topicAuthorizedOperations,
  };
}
