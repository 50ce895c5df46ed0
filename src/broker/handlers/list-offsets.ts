import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/apis/list-offsets.js';
import type { BrokerContext } from '../context.js';

const LATEST = -1;
const EARLIEST = -2;

/**
 * ListOffsets: -1 latest (high watermark), -2 earliest (log start), else the first record at or after
 * a timestamp, with its timestamp (-1 and the high watermark when none is readable yet).
 */
export function handleListOffsets(ctx: BrokerContext, req: ListOffsetsRequest): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        try {
          const exists = ctx.cache.partition(t.name, p.partitionIndex) !== undefined;
          const { log } = ctx.replicas.leaderPartition(t.name, p.partitionIndex, exists);
          let offset: number;
          let timestamp = -1;
          if (p.timestamp === LATEST) offset = log.highWatermark;
          else if (p.timestamp === EARLIEST) offset = log.logStartOffset;
          else {
            const found = log.offsetForTimestamp(p.timestamp);
            offset = Math.min(found?.offset ?? -1, log.highWatermark);
            if (found && found.offset < log.highWatermark) timestamp = found.timestamp;
          }
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, timestamp, offset };
        } catch (err) {
          return { partitionIndex: p.partitionIndex, errorCode: err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR, timestamp: -1, offset: -1 };
        }
      }),
    })),
  };
}
