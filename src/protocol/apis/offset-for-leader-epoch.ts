/**
 * OffsetForLeaderEpoch (key 23), versions 0-3.
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
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

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
  /** v3+; default -1 (a consumer). */
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

export const OffsetForLeaderEpochApi: ApiCodec<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  maxVersion: 3,

  encodeRequest(w: Writer, req: OffsetForLeaderEpochRequest, version: number): void {
    if (version >= 3) w.int32(req.replicaId ?? -1);
    w.array(req.topics, (w, t) => {
      w.string(t.topic);
      w.array(t.partitions, (w, p) => {
        w.int32(p.partition);
        if (version >= 2) w.int32(p.currentLeaderEpoch ?? -1);
        w.int32(p.leaderEpoch);
      });
    });
  },

  decodeRequest(r: Reader, version: number): OffsetForLeaderEpochRequest {
    const replicaId = version >= 3 ? r.int32() : -1;
    const topics = r.array((r) => ({
      topic: r.string(),
      partitions: r.array((r) => ({
        partition: r.int32(),
        currentLeaderEpoch: version >= 2 ? r.int32() : -1,
        leaderEpoch: r.int32(),
      })),
    }));
    return { replicaId, topics };
  },

  encodeResponse(w: Writer, res: OffsetForLeaderEpochResponse, version: number): void {
    if (version >= 2) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.topics, (w, t) => {
      w.string(t.topic);
      w.array(t.partitions, (w, p) => {
        w.int16(p.errorCode).int32(p.partition);
        if (version >= 1) w.int32(p.leaderEpoch ?? -1);
        w.int64(p.endOffset);
      });
    });
  },

  decodeResponse(r: Reader, version: number): OffsetForLeaderEpochResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((r) => ({
      topic: r.string(),
      partitions: r.array((r) => ({
        errorCode: r.int16(),
        partition: r.int32(),
        leaderEpoch: version >= 1 ? r.int32() : -1,
        endOffset: r.int64(),
      })),
    }));
    return { throttleTimeMs, topics };
  },
};
