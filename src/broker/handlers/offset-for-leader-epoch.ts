import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../protocol/apis/offset-for-leader-epoch.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/**
 * OffsetForLeaderEpoch (KIP-101): where each requested epoch ends in the leader's log, so a follower
 * can truncate its divergent tail. Followers need CLUSTER_ACTION on the cluster, consumers DESCRIBE
 * on each topic, as in Kafka.
 */
export function handleOffsetForLeaderEpoch(ctx: BrokerContext, req: OffsetForLeaderEpochRequest, _v: number, client: RequestClient): OffsetForLeaderEpochResponse {
  const follower = (req.replicaId ?? -1) >= 0;
  const authorized = (topic: string) => (follower ? ctx.security.authorizeCluster(client, AclOperation.CLUSTER_ACTION) : ctx.security.authorize(client, AclOperation.DESCRIBE, ResourceType.TOPIC, topic));
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        try {
          if (!authorized(t.topic)) throw new KafkaError(follower ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          const exists = ctx.cache.partition(t.topic, p.partition) !== undefined;
          const partition = ctx.replicas.leaderPartition(t.topic, p.partition, exists, p.currentLeaderEpoch ?? -1);
          const { leaderEpoch, endOffset } = partition.endOffsetForEpoch(p.leaderEpoch);
          return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch, endOffset };
        } catch (err) {
          return { errorCode: err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
        }
      }),
    })),
  };
}
