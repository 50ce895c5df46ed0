import type { TopicState } from '../../common/cluster-types.js';
import { ErrorCode } from '../../common/errors.js';
import { isInternalTopic, topicNameProblem } from '../../common/topic-name.js';
import { AUTHORIZED_OPERATIONS_OMITTED, type MetadataRequest, type MetadataResponse, type MetadataTopic } from '../../protocol/apis/metadata.js';
import { ZERO_UUID } from '../../protocol/schema.js';
import type { BrokerContext } from '../context.js';
import { createTopics } from './create-topics.js';
import { distinctBy } from './distinct.js';

/**
 * The ACL operations (Kafka's AclOperation codes) a client may perform, as Kafka reports them when no
 * authorizer is configured: everything the resource type supports. YaK has no ACLs.
 */
const TOPIC_OPERATIONS = bitfield([3, 4, 5, 6, 7, 8, 10, 11]); // READ WRITE CREATE DELETE ALTER DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS
const CLUSTER_OPERATIONS = bitfield([5, 7, 8, 9, 10, 11, 12]); // CREATE ALTER DESCRIBE CLUSTER_ACTION DESCRIBE_CONFIGS ALTER_CONFIGS IDEMPOTENT_WRITE

function bitfield(operations: number[]): number {
  return operations.reduce((bits, op) => bits | (1 << op), 0);
}

export async function handleMetadata(ctx: BrokerContext, req: MetadataRequest): Promise<MetadataResponse> {
  // v12 asks for topics by id (null name); every other entry is by name.
  const requested = req.topics ? distinctBy(req.topics, (t) => t.name ?? `id:${t.topicId}`) : null;
  const names = requested?.flatMap((t) => (t.name === null ? [] : [t.name])) ?? [];
  // Why an auto-creation failed (INVALID_REPLICATION_FACTOR with brokers down, say) is the topic's error, as in Kafka.
  const creationErrors = new Map<string, number>();
  if (requested && ctx.config.autoCreateTopics && req.allowAutoTopicCreation !== false) {
    const missing = names.filter((n) => !ctx.cache.topic(n) && topicNameProblem(n) === null && !isInternalTopic(n));
    if (missing.length > 0) {
      const results = await createTopics(
        ctx,
        missing.map((name) => ({ name, partitions: ctx.config.defaultPartitions, replicationFactor: ctx.config.defaultReplicationFactor })),
      );
      for (const r of results) if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) creationErrors.set(r.name, r.errorCode);
    }
  }
  const alive = new Set(ctx.cache.aliveBrokers().map((b) => b.id));
  const operations = req.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
  const describe = (t: TopicState) => describeTopic(t, alive, operations);
  const topics: MetadataTopic[] = requested
    ? requested.map(({ name, topicId }) => {
        if (name === null) {
          const t = topicId ? ctx.cache.topicById(topicId) : undefined;
          if (t) return describe(t);
          return { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: topicId ?? ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: operations };
        }
        const t = ctx.cache.topic(name);
        if (t) return describe(t);
        const code = topicNameProblem(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : (creationErrors.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return { errorCode: code, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: operations };
      })
    : ctx.cache.topics.map(describe);
  const brokers = ctx.cache.aliveBrokers();
  return {
    throttleTimeMs: 0,
    brokers: brokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: null })),
    clusterId: ctx.cache.clusterId,
    // YaK's controller lives in the coordinator; clients only need a live broker id here.
    controllerId: brokers[0]?.id ?? ctx.brokerId,
    topics,
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  };
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
