/**
 * OffsetFetch (key 9), versions 0-5 (v0 and v1 are the same on the wire, v2-4 too).
 *
 * OffsetFetch Request => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]              (nullable from v2: null asks for every committed offset)
 *     name => STRING
 *     partition_indexes => INT32
 *
 * OffsetFetch Response => throttle_time_ms [topics] error_code
 *   throttle_time_ms => INT32                       (v3+)
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64                   (-1: nothing committed)
 *       committed_leader_epoch => INT32             (v5+; -1: unknown)
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 *   error_code => INT16                             (v2+)
 */
import { ProtocolError } from '../../common/errors.js';
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export type OffsetFetchTopics = { name: string; partitionIndexes: number[] }[] | null;

export interface OffsetFetchRequest {
  /** v0-7. */
  groupId?: string;
  /** v0-7; null (v2+) asks for every partition the group committed. */
  topics?: OffsetFetchTopics;
  /** v8+: several groups in one request, each with its topics (null: all). */
  groups?: { groupId: string; topics: OffsetFetchTopics }[];
  /** v7+; default false. */
  requireStable?: boolean;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v5+; -1 unknown. */
  committedLeaderEpoch?: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchGroup {
  groupId: string;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  /** v3+; default 0. */
  throttleTimeMs?: number;
  /** v0-7. */
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
  /** v2-7; default 0. */
  errorCode?: number;
  /** v8+. */
  groups?: OffsetFetchGroup[];
}

export const OffsetFetchApi: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  maxVersion: 5,

  encodeRequest(w: Writer, req: OffsetFetchRequest, version: number): void {
    w.string(req.groupId ?? '');
    if (req.topics == null && version < 2) throw new ProtocolError('OffsetFetch for all topics needs v2+');
    w.nullableArray(req.topics ?? null, (w, t) => w.string(t.name).array(t.partitionIndexes, (w, p) => w.int32(p)));
  },

  decodeRequest(r: Reader, version: number): OffsetFetchRequest {
    const groupId = r.string();
    const read = (r: Reader) => ({ name: r.string(), partitionIndexes: r.array((r) => r.int32()) });
    const topics = version >= 2 ? r.nullableArray(read) : r.array(read);
    return { groupId, topics };
  },

  encodeResponse(w: Writer, res: OffsetFetchResponse, version: number): void {
    if (version >= 3) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.topics, (w, t) => {
      w.string(t.name);
      w.array(t.partitions, (w, p) => {
        w.int32(p.partitionIndex).int64(p.committedOffset);
        if (version >= 5) w.int32(p.committedLeaderEpoch ?? -1);
        w.nullableString(p.metadata).int16(p.errorCode);
      });
    });
    if (version >= 2) w.int16(res.errorCode ?? 0);
  },

  decodeResponse(r: Reader, version: number): OffsetFetchResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({
        partitionIndex: r.int32(),
        committedOffset: r.int64(),
        committedLeaderEpoch: version >= 5 ? r.int32() : -1,
        metadata: r.nullableString(),
        errorCode: r.int16(),
      })),
    }));
    const errorCode = version >= 2 ? r.int16() : 0;
    return { throttleTimeMs, topics, errorCode };
  },
};
