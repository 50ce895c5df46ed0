import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/apis/delete-records.js';
import { isInternalTopic } from '../../common/topic-name.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/** DeleteRecords' "up to the high watermark". */
const HIGH_WATERMARK = -1;

/**
 * DeleteRecords on the partitions this broker leads: the log start moves to the offset (the high
 * watermark for -1), whole batches before it are deleted, and the answer is the new log start. Only
 * committed records can go (an offset past the high watermark is OFFSET_OUT_OF_RANGE, as in Kafka).
 * Followers take the leader's log start from their next fetch answer rather than being waited for.
 * Needs DELETE on each topic.
 */
export function handleDeleteRecords(ctx: BrokerContext, req: DeleteRecordsRequest, _v: number, client: RequestClient): DeleteRecordsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map(({ partitionIndex, offset }) => {
        try {
          if (!ctx.security.authorize(client, AclOperation.DELETE, ResourceType.TOPIC, t.name)) throw new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          // As Kafka's ReplicaManager: an internal topic's records are its readers' state (a group's offsets), not data to trim.
          if (isInternalTopic(t.name)) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot delete records of internal topic ${t.name}`);
          const exists = ctx.cache.partition(t.name, partitionIndex) !== undefined;
          const p = ctx.replicas.leaderPartition(t.name, partitionIndex, exists);
          const to = offset === HIGH_WATERMARK ? p.log.highWatermark : offset;
          if (to < 0 || to > p.log.highWatermark) {
            throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset} is past the high watermark ${p.log.highWatermark}`);
          }
          return { partitionIndex, lowWatermark: ctx.replicas.advanceLogStart(p, to, 'DeleteRecords'), errorCode: ErrorCode.NONE };
        } catch (err) {
          return { partitionIndex, lowWatermark: -1, errorCode: err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR };
        }
      }),
    })),
  };
}
