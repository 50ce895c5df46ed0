import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../protocol/apis/offset-for-leader-epoch.js';
import type { BrokerContext } from '../context.js';

/** OffsetForLeaderEpoch (KIP-101): where each requested epoch ends in the leader's log, so a follower can truncate its divergent tail. */
export function handleOffsetForLeaderEpoch(ctx: BrokerContext, req: OffsetForLeaderEpochRequest): OffsetForLeaderEpochResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        try {
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
