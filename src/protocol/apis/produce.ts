/**
 * Produce (key 0), versions 0-7.
 *
 * Produce Request => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING             (v3+)
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name [partition_data]
 *     name => STRING
 *     partition_data => index records
 *       index => INT32
 *       records => RECORDS (NULLABLE_BYTES)
 *
 * Produce Response => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64                 (v2+)
 *       log_start_offset => INT64                   (v5+)
 *   throttle_time_ms => INT32                       (v1+)
 *
 * With acks = 0 the broker sends no response at all.
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface ProducePartitionData {
  index: number;
  /** Raw record batches, passed through undecoded. */
  records: Buffer | null;
}

export interface ProduceTopicData {
  name: string;
  partitionData: ProducePartitionData[];
}

export interface ProduceRequest {
  /** v3+; default null. */
  transactionalId?: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceTopicData[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** v2+; default -1 (create time used). */
  logAppendTimeMs?: number;
  /** v5+; default -1. */
  logStartOffset?: number;
}

export interface ProduceTopicResponse {
  name: string;
  partitionResponses: ProducePartitionResponse[];
}

export interface ProduceResponse {
  responses: ProduceTopicResponse[];
  /** v1+; default 0. */
  throttleTimeMs?: number;
}

export const ProduceApi: ApiCodec<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  maxVersion: 7,

  encodeRequest(w: Writer, req: ProduceRequest, version: number): void {
    if (version >= 3) w.nullableString(req.transactionalId ?? null);
    w.int16(req.acks).int32(req.timeoutMs);
    w.array(req.topicData, (w, t) => {
      w.string(t.name);
      w.array(t.partitionData, (w, p) => w.int32(p.index).bytes(p.records));
    });
  },

  decodeRequest(r: Reader, version: number): ProduceRequest {
    const transactionalId = version >= 3 ? r.nullableString() : null;
    const acks = r.int16();
    const timeoutMs = r.int32();
    const topicData = r.array((r) => ({
      name: r.string(),
      partitionData: r.array((r) => ({ index: r.int32(), records: r.bytes() })),
    }));
    return { transactionalId, acks, timeoutMs, topicData };
  },

  encodeResponse(w: Writer, res: ProduceResponse, version: number): void {
    w.array(res.responses, (w, t) => {
      w.string(t.name);
      w.array(t.partitionResponses, (w, p) => {
        w.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
        if (version >= 2) w.int64(p.logAppendTimeMs ?? -1);
        if (version >= 5) w.int64(p.logStartOffset ?? -1);
      });
    });
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
  },

  decodeResponse(r: Reader, version: number): ProduceResponse {
    const responses = r.array((r) => ({
      name: r.string(),
      partitionResponses: r.array((r) => ({
        index: r.int32(),
        errorCode: r.int16(),
        baseOffset: r.int64(),
        logAppendTimeMs: version >= 2 ? r.int64() : -1,
        logStartOffset: version >= 5 ? r.int64() : -1,
      })),
    }));
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    return { responses, throttleTimeMs };
  },
};
