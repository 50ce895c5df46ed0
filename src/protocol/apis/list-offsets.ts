/**
 * ListOffsets (key 2), versions 0-5.
 *
 * ListOffsets Request => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8                         (v2+)
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index current_leader_epoch timestamp max_num_offsets
 *       partition_index => INT32
 *       current_leader_epoch => INT32               (v4+)
 *       timestamp => INT64                          (-1 latest, -2 earliest, -3 max timestamp)
 *       max_num_offsets => INT32                    (v0 only)
 *
 * ListOffsets Response => throttle_time_ms [topics]
 *   throttle_time_ms => INT32                       (v2+)
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code [old_style_offsets] timestamp offset leader_epoch
 *       partition_index => INT32
 *       error_code => INT16
 *       old_style_offsets => INT64                  (v0 only)
 *       timestamp => INT64                          (v1+)
 *       offset => INT64                             (v1+)
 *       leader_epoch => INT32                       (v4+)
 *
 * v3 has v2's fields (it only marks KIP-219 throttling); v5 has v4's (the client accepts
 * OFFSET_NOT_AVAILABLE, KIP-207).
 *
 * `offset` and `oldStyleOffsets` are kept consistent for every version, so callers need not care
 * which one the wire carries: v0 encodes oldStyleOffsets (derived from offset when absent) and
 * decodes offset = oldStyleOffsets[0] ?? -1; v1+ decodes oldStyleOffsets = offset >= 0 ? [offset] : [].
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface ListOffsetsPartition {
  partitionIndex: number;
  /** v4+; default -1 (no check). */
  currentLeaderEpoch?: number;
  timestamp: number;
  /** v0 only; default 1. */
  maxNumOffsets?: number;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+; default 0 (READ_UNCOMMITTED). */
  isolationLevel?: number;
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** v0 only on the wire; derived from `offset` when absent. */
  oldStyleOffsets?: number[];
  /** v1+ on the wire; default -1. */
  timestamp?: number;
  /** v1+ on the wire (v0: first of oldStyleOffsets); default -1. */
  offset?: number;
  /** v4+; default -1 (unknown). */
  leaderEpoch?: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  /** v2+; default 0. */
  throttleTimeMs?: number;
  topics: ListOffsetsTopicResponse[];
}

const offsetsOf = (offset: number): number[] => (offset >= 0 ? [offset] : []);

function writePartitionResponse(w: Writer, p: ListOffsetsPartitionResponse, version: number): void {
  w.int32(p.partitionIndex).int16(p.errorCode);
  if (version === 0) {
    w.array(p.oldStyleOffsets ?? offsetsOf(p.offset ?? -1), (w, o) => w.int64(o));
  } else {
    w.int64(p.timestamp ?? -1).int64(p.offset ?? -1);
  }
  if (version >= 4) w.int32(p.leaderEpoch ?? -1);
}

function readPartitionResponse(r: Reader, version: number): ListOffsetsPartitionResponse {
  const partitionIndex = r.int32();
  const errorCode = r.int16();
  if (version === 0) {
    const oldStyleOffsets = r.array((r) => r.int64());
    return { partitionIndex, errorCode, oldStyleOffsets, timestamp: -1, offset: oldStyleOffsets[0] ?? -1, leaderEpoch: -1 };
  }
  const timestamp = r.int64();
  const offset = r.int64();
  const leaderEpoch = version >= 4 ? r.int32() : -1;
  return { partitionIndex, errorCode, oldStyleOffsets: offsetsOf(offset), timestamp, offset, leaderEpoch };
}

export const ListOffsetsApi: ApiCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  maxVersion: 5,

  encodeRequest(w: Writer, req: ListOffsetsRequest, version: number): void {
    w.int32(req.replicaId);
    if (version >= 2) w.int8(req.isolationLevel ?? 0);
    w.array(req.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.partitionIndex);
        if (version >= 4) w.int32(p.currentLeaderEpoch ?? -1);
        w.int64(p.timestamp);
        if (version === 0) w.int32(p.maxNumOffsets ?? 1);
      });
    });
  },

  decodeRequest(r: Reader, version: number): ListOffsetsRequest {
    const replicaId = r.int32();
    const isolationLevel = version >= 2 ? r.int8() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({
        partitionIndex: r.int32(),
        currentLeaderEpoch: version >= 4 ? r.int32() : -1,
        timestamp: r.int64(),
        maxNumOffsets: version === 0 ? r.int32() : 1,
      })),
    }));
    return { replicaId, isolationLevel, topics };
  },

  encodeResponse(w: Writer, res: ListOffsetsResponse, version: number): void {
    if (version >= 2) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => writePartitionResponse(w, p, version));
    });
  },

  decodeResponse(r: Reader, version: number): ListOffsetsResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => readPartitionResponse(r, version)),
    }));
    return { throttleTimeMs, topics };
  },
};
