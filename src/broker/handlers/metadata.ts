import type { TopicState } from '../../common/cluster-types.js';
import { ErrorCode } from '../../common/errors.js';
import { INTERNAL_TOPICS, topicNameProblem } from '../../common/topic-name.js';
import type { MetadataRequest, MetadataResponse, MetadataTopic } from '../../protocol/apis/metadata.js';
import type { BrokerContext } from '../context.js';
import { createTopics } from './create-topics.js';
import { distinctBy } from './distinct.js';

export async function handleMetadata(ctx: BrokerContext, req: MetadataRequest): Promise<MetadataResponse> {
  const names = req.topics ? distinctBy(req.topics, (t) => t.name).map((t) => t.name) : null;
  // Why an auto-creation failed (INVALID_REPLICATION_FACTOR with brokers down, say) is the topic's error, as in Kafka.
  const creationErrors = new Map<string, number>();
  if (names && ctx.config.autoCreateTopics && req.allowAutoTopicCreation !== false) {
    const missing = names.filter((n) => !ctx.cache.topic(n) && topicNameProblem(n) === null && !INTERNAL_TOPICS.has(n));
    if (missing.length > 0) {
      const results = await createTopics(
        ctx,
        missing.map((name) => ({ name, partitions: ctx.config.defaultPartitions, replicationFactor: ctx.config.defaultReplicationFactor })),
      );
      for (const r of results) if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) creationErrors.set(r.name, r.errorCode);
    }
  }
  const topics: MetadataTopic[] = names
    ? names.map((name) => {
        const t = ctx.cache.topic(name);
        if (t) return describeTopic(t);
        const code = topicNameProblem(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : (creationErrors.get(name) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return { errorCode: code, name, isInternal: false, partitions: [] };
      })
    : ctx.cache.topics.map(describeTopic);
  const brokers = ctx.cache.aliveBrokers();
  return {
    throttleTimeMs: 0,
    brokers: brokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: b.rack ?? null })),
    clusterId: ctx.cache.clusterId,
    // YaK's controller lives in the coordinator; clients only need a live broker id here.
    controllerId: brokers[0]?.id ?? ctx.brokerId,
    topics,
  };
}

function describeTopic(t: TopicState): MetadataTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    isInternal: false,
    partitions: t.partitions.map((p) => ({
      errorCode: p.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leader,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
    })),
  };
}
