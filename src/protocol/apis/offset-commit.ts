/**
 * OffsetCommit (key 8), versions 0-7.
 *
 * OffsetCommit Request => group_id generation_id member_id retention_time_ms [topics]
 *   group_id => STRING
 *   generation_id => INT32                          (v1+; -1 for a commit from outside the group)
 *   member_id => STRING                             (v1+)
 *   group_instance_id => NULLABLE_STRING            (v7+; a static member's, KIP-345)
 *   retention_time_ms => INT64                      (v2-4; -1 for the broker default)
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset commit_timestamp committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_leader_epoch => INT32             (v6+; -1 unknown)
 *       commit_timestamp => INT64                   (v1 only)
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response => throttle_time_ms [topics]
 *   throttle_time_ms => INT32                       (v3+)
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v6+; default -1. */
  committedLeaderEpoch?: number;
  /** v1 only; default -1. */
  commitTimestamp?: number;
  committedMetadata: string | null;
}

export interface OffsetCommitTopic {
  name: string;
  partitions: OffsetCommitPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** v1+; v0 decodes -1. */
  generationId: number;
  /** v1+; v0 decodes "". */
  memberId: string;
  /** v7+; default null. */
  groupInstanceId?: string | null;
  /** v2-4; default -1. */
  retentionTimeMs?: number;
  topics: OffsetCommitTopic[];
}

export interface OffsetCommitResponse {
  /** v3+; default 0. */
  throttleTimeMs?: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const OffsetCommitApi: ApiCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  maxVersion: 7,

  encodeRequest(w: Writer, req: OffsetCommitRequest, version: number): void {
    w.string(req.groupId);
    if (version >= 1) w.int32(req.generationId).string(req.memberId);
    if (version >= 7) w.nullableString(req.groupInstanceId ?? null);
    if (version >= 2 && version <= 4) w.int64(req.retentionTimeMs ?? -1);
    w.array(req.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.partitionIndex).int64(p.committedOffset);
        if (version >= 6) w.int32(p.committedLeaderEpoch ?? -1);
        if (version === 1) w.int64(p.commitTimestamp ?? -1);
        w.nullableString(p.committedMetadata);
      });
    });
  },

  decodeRequest(r: Reader, version: number): OffsetCommitRequest {
    const groupId = r.string();
    const generationId = version >= 1 ? r.int32() : -1;
    const memberId = version >= 1 ? r.string() : '';
    const groupInstanceId = version >= 7 ? r.nullableString() : null;
    const retentionTimeMs = version >= 2 && version <= 4 ? r.int64() : -1;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({
        partitionIndex: r.int32(),
        committedOffset: r.int64(),
        committedLeaderEpoch: version >= 6 ? r.int32() : -1,
        commitTimestamp: version === 1 ? r.int64() : -1,
        committedMetadata: r.nullableString(),
      })),
    }));
    return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs, topics };
  },

  encodeResponse(w: Writer, res: OffsetCommitResponse, version: number): void {
    if (version >= 3) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => w.int32(p.partitionIndex).int16(p.errorCode));
    });
  },

  decodeResponse(r: Reader, version: number): OffsetCommitResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ partitionIndex: r.int32(), errorCode: r.int16() })),
    }));
    return { throttleTimeMs, topics };
  },
};
