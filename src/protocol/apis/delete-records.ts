/**
 * DeleteRecords (key 21), versions 0-1 (v1 is the same on the wire; v2 is flexible). Moves the log
 * start of partitions forward: kafkajs admin.deleteTopicRecords, kafka-delete-records, rpk trim-prefix.
 *
 * DeleteRecords Request => [topics] timeout_ms
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index offset
 *       partition_index => INT32
 *       offset => INT64                             (-1: the high watermark)
 *   timeout_ms => INT32
 *
 * DeleteRecords Response => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index low_watermark error_code
 *       partition_index => INT32
 *       low_watermark => INT64                      (the new log start)
 *       error_code => INT16
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DeleteRecordsRequest {
  topics: { name: string; partitions: { partitionIndex: number; offset: number }[] }[];
  timeoutMs: number;
}

export interface DeleteRecordsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; lowWatermark: number; errorCode: number }[] }[];
}

export const DeleteRecordsApi: ApiCodec<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  maxVersion: 1,

  encodeRequest(w: Writer, req: DeleteRecordsRequest): void {
    w.array(req.topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p.partitionIndex).int64(p.offset)));
    w.int32(req.timeoutMs);
  },

  decodeRequest(r: Reader): DeleteRecordsRequest {
    const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ partitionIndex: r.int32(), offset: r.int64() })) }));
    return { topics, timeoutMs: r.int32() };
  },

  encodeResponse(w: Writer, res: DeleteRecordsResponse): void {
    w.int32(res.throttleTimeMs);
    w.array(res.topics, (w, t) => w.string(t.name).array(t.partitions, (w, p) => w.int32(p.partitionIndex).int64(p.lowWatermark).int16(p.errorCode)));
  },

  decodeResponse(r: Reader): DeleteRecordsResponse {
    const throttleTimeMs = r.int32();
    const topics = r.array((r) => ({ name: r.string(), partitions: r.array((r) => ({ partitionIndex: r.int32(), lowWatermark: r.int64(), errorCode: r.int16() })) }));
    return { throttleTimeMs, topics };
  },
};
