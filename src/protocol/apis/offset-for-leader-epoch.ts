/**
 * OffsetForLeaderEpoch (key 23), versions 0-4; flexible from v4 (Kafka's
 * OffsetForLeaderEpochRequest/Response.json).
 *
 * OffsetForLeaderEpoch Request => replica_id [topics]
 *   replica_id => INT32                             (v3+)
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition current_leader_epoch leader_epoch
 *       partition => INT32
 *       current_leader_epoch => INT32               (v2+)
 *       leader_epoch => INT32
 *
 * OffsetForLeaderEpoch Response => throttle_time_ms [topics]
 *   throttle_time_ms => INT32                       (v2+)
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => error_code partition leader_epoch end_offset
 *       error_code => INT16
 *       partition => INT32
 *       leader_epoch => INT32                       (v1+)
 *       end_offset => INT64
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface OffsetForLeaderPartition {
  partition: number;
  /** v2+; default -1. */
  currentLeaderEpoch?: number;
  leaderEpoch: number;
}

export interface OffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  /** v3+: a follower's broker id, -1 for a consumer; -2 (Kafka's default: unknown) before v3. */
  replicaId?: number;
  topics: OffsetForLeaderTopic[];
}

export interface EpochEndOffset {
  errorCode: number;
  partition: number;
  /** v1+; default -1. */
  leaderEpoch?: number;
  endOffset: number;
}

export interface OffsetForLeaderTopicResult {
  topic: string;
  partitions: EpochEndOffset[];
}

export interface OffsetForLeaderEpochResponse {
  /** v2+; default 0. */
  throttleTimeMs?: number;
  topics: OffsetForLeaderTopicResult[];
}

export const OffsetForLeaderEpochApi = schemaApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  versions: '0-4',
  flexibleVersions: '4+',
  request: [
    { name: 'replicaId', type: 'int32', versions: '3+', default: -2 },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '2+', default: -1 },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1 },
            { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
          ],
        },
      ],
    },
  ],
});
