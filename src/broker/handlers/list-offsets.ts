import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/apis/list-offsets.js';
import type { Partition } from '../../replication/partition.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/** ListOffsets' special timestamps (Kafka's ListOffsetsRequest constants). */
const LATEST = -1;
const EARLIEST = -2;
/** The record with the largest timestamp (KIP-734, sent from v7). */
const MAX_TIMESTAMP = -3;
/** The first offset on local storage (KIP-405, v8): the log start, as YaK has no tiered storage. */
const EARLIEST_LOCAL = -4;
/** The last offset on tiered storage (KIP-1005, v9): none here, so -1, as Kafka answers without remote storage. */
const LATEST_TIERED = -5;

type Found = { offset: number; timestamp: number; leaderEpoch: number };

/** ListOffsets v5+ clients know OFFSET_NOT_AVAILABLE; older ones get LEADER_NOT_AVAILABLE, as from Kafka. */
const FIRST_OFFSET_NOT_AVAILABLE_VERSION = 5;

/** ListOffsets' isolation_level (v2+) asking for committed transactions only. */
const READ_COMMITTED = 1;

/**
 * ListOffsets: -1 latest (high watermark; read_committed, the last stable offset), -2 earliest (log start), -3 the record with the largest
 * timestamp, else the first record at or after a timestamp, with its timestamp (-1 and the high
 * watermark when none is readable yet). Each answer carries the leader epoch of the offset (v4+):
 * for latest, the current leader epoch; for a record found, the epoch of its batch. Just after an
 * election, while the high watermark trails the new epoch's start, latest (and a record found past
 * the high watermark) is OFFSET_NOT_AVAILABLE, retriable, as in Kafka. Lookups by time find only
 * records below the last fetchable offset: the high watermark, or for read_committed the last
 * stable offset (Kafka's Partition.fetchOffsetForTimestamp). Needs DESCRIBE on each topic.
 */
export function handleListOffsets(ctx: BrokerContext, req: ListOffsetsRequest, version: number, client: RequestClient): ListOffsetsResponse {
  const notYet = new KafkaError(version >= FIRST_OFFSET_NOT_AVAILABLE_VERSION ? ErrorCode.OFFSET_NOT_AVAILABLE : ErrorCode.LEADER_NOT_AVAILABLE, 'the high watermark trails the leader epoch start');
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
        try {
          if (!ctx.security.authorize(client, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name)) throw new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          const exists = ctx.cache.partition(t.name, p.partitionIndex) !== undefined;
          const partition = ctx.replicas.leaderPartition(t.name, p.partitionIndex, exists, p.currentLeaderEpoch ?? -1);
          const lastFetchable = req.isolationLevel === READ_COMMITTED ? partition.log.lastStableOffset : partition.log.highWatermark;
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, ...lookUp(partition, p.timestamp, lastFetchable, notYet) };
        } catch (err) {
          return { partitionIndex: p.partitionIndex, errorCode: err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR, timestamp: -1, offset: -1, leaderEpoch: -1 };
        }
      }),
    })),
  };
}

function lookUp(partition: Partition, timestamp: number, lastFetchable: number, notYet: KafkaError): Found {
  const { log, state } = partition;
  switch (timestamp) {
    case LATEST:
      if (partition.highWatermarkBehindEpochStart) throw notYet;
      return { offset: lastFetchable, timestamp: -1, leaderEpoch: state.leaderEpoch };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1, leaderEpoch: log.epochAt(log.logStartOffset) };
    case LATEST_TIERED:
      return { offset: -1, timestamp: -1, leaderEpoch: -1 };
    default: {
      const found = timestamp === MAX_TIMESTAMP ? log.maxTimestampRecord() : log.offsetForTimestamp(timestamp);
      // Only fetchable records are found; past them, the last fetchable offset (nothing to read yet).
      if (found && found.offset < lastFetchable) return found;
      if (found && partition.highWatermarkBehindEpochStart) throw notYet;
      return { offset: found ? lastFetchable : -1, timestamp: -1, leaderEpoch: -1 };
    }
  }
}
