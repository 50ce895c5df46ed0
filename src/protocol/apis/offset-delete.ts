/**
 * OffsetDelete (key 47), version 0: removes a group's committed offsets for some partitions
 * (`kafka-consumer-groups --delete-offsets`, KIP-496).
 *
 * OffsetDelete Request => group_id [topics]
 *   group_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index
 *       partition_index => INT32
 *
 * OffsetDelete Response => error_code throttle_time_ms [topics]
 *   error_code => INT16                             (the group's: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...)
 *   throttle_time_ms => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16                         (GROUP_SUBSCRIBED_TO_TOPIC while a member consumes it)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface OffsetDeleteRequest {
  groupId: string;
  topics: { name: string; partitions: { partitionIndex: number }[] }[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const OffsetDeleteApi: ApiCodec<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  maxVersion: 0,

  encodeRequest(w: Writer, req: OffsetDeleteRequest): void {
    w.string(req.groupId).array(req.topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p.partitionIndex)));
  },

  decodeRequest(r: Reader): OffsetDeleteRequest {
    const groupId = r.string();
    const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ partitionIndex: r.int32() })) }));
    return { groupId, topics };
  },

  encodeResponse(w: Writer, res: OffsetDeleteResponse): void {
    w.int16(res.errorCode).int32(res.throttleTimeMs);
    w.array(res.topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p.partitionIndex).int16(p.errorCode)));
  },

  decodeResponse(r: Reader): OffsetDeleteResponse {
    const errorCode = r.int16();
    const throttleTimeMs = r.int32();
    const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ partitionIndex: r.int32(), errorCode: r.int16() })) }));
    return { errorCode, throttleTimeMs, topics };
  },
};
