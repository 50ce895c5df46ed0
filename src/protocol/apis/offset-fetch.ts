/**
 * OffsetFetch (key 9), versions 0-4 (v0 and v1 are the same on the wire).
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
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 *   error_code => INT16                             (v2+)
 */
import { ProtocolError } from '../../common/errors.js';
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+) asks for every partition the group committed. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponse {
  /** v3+; default 0. */
  throttleTimeMs?: number;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
  /** v2+; default 0. */
  errorCode?: number;
}

export const OffsetFetchApi: ApiCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  maxVersion: 4,

  encodeRequest(w: Writer, req: OffsetFetchRequest, version: number): void {
    w.string(req.groupId);
    if (req.topics === null && version < 2) throw new ProtocolError('OffsetFetch for all topics needs v2+');
    w.nullableArray(req.topics, (w, t) => w.string(t.name).array(t.partitionIndexes, (w, p) => w.int32(p)));
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
      w.array(t.partitions, (w, p) => w.int32(p.partitionIndex).int64(p.committedOffset).nullableString(p.metadata).int16(p.errorCode));
    });
    if (version >= 2) w.int16(res.errorCode ?? 0);
  },

  decodeResponse(r: Reader, version: number): OffsetFetchResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      partitions: r.array((r) => ({ partitionIndex: r.int32(), committedOffset: r.int64(), metadata: r.nullableString(), errorCode: r.int16() })),
    }));
    const errorCode = version >= 2 ? r.int16() : 0;
    return { throttleTimeMs, topics, errorCode };
  },
};
