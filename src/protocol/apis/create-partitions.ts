/**
 * CreatePartitions (key 37), versions 0-1 (the same on the wire).
 *
 * CreatePartitions Request => [topics] timeout_ms validate_only
 *   topics => name count [assignments]
 *     name => STRING
 *     count => INT32                                (the new total number of partitions)
 *     assignments => [broker_ids]                   (nullable; null: the broker chooses)
 *       broker_ids => INT32
 *   timeout_ms => INT32
 *   validate_only => BOOLEAN
 *
 * CreatePartitions Response => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => name error_code error_message
 *     name => STRING
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface CreatePartitionsTopic {
  name: string;
  count: number;
  /** Replicas of each new partition; null lets the cluster place them. */
  assignments: number[][] | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: { name: string; errorCode: number; errorMessage: string | null }[];
}

export const CreatePartitionsApi: ApiCodec<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  maxVersion: 1,

  encodeRequest(w: Writer, req: CreatePartitionsRequest): void {
    w.array(req.topics, (w, t) => {
      w.string(t.name).int32(t.count);
      w.nullableArray(t.assignments, (w, replicas) => w.array(replicas, (w, id) => w.int32(id)));
    });
    w.int32(req.timeoutMs).boolean(req.validateOnly);
  },

  decodeRequest(r: Reader): CreatePartitionsRequest {
    const topics = r.array((r) => ({
      name: r.string(),
      count: r.int32(),
      assignments: r.nullableArray((r) => r.array((r) => r.int32())),
    }));
    const timeoutMs = r.int32();
    const validateOnly = r.boolean();
    return { topics, timeoutMs, validateOnly };
  },

  encodeResponse(w: Writer, res: CreatePartitionsResponse): void {
    w.int32(res.throttleTimeMs).array(res.results, (w, t) => w.string(t.name).int16(t.errorCode).nullableString(t.errorMessage));
  },

  decodeResponse(r: Reader): CreatePartitionsResponse {
    const throttleTimeMs = r.int32();
    const results = r.array((r) => ({ name: r.string(), errorCode: r.int16(), errorMessage: r.nullableString() }));
    return { throttleTimeMs, results };
  },
};
