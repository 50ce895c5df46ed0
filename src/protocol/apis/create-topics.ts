/**
 * CreateTopics (key 19), versions 0-3.
 *
 * CreateTopics Request => [topics] timeout_ms validate_only
 *   topics => name num_partitions replication_factor [assignments] [configs]
 *     name => STRING
 *     num_partitions => INT32                       (-1 with explicit assignments)
 *     replication_factor => INT16                   (-1 with explicit assignments)
 *     assignments => partition_index [broker_ids]
 *       partition_index => INT32
 *       broker_ids => INT32
 *     configs => name value
 *       name => STRING
 *       value => NULLABLE_STRING
 *   timeout_ms => INT32
 *   validate_only => BOOLEAN                        (v1+)
 *
 * CreateTopics Response => throttle_time_ms [topics]
 *   throttle_time_ms => INT32                       (v2+)
 *   topics => name error_code error_message
 *     name => STRING
 *     error_code => INT16
 *     error_message => NULLABLE_STRING              (v1+)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface CreatableReplicaAssignment {
  partitionIndex: number;
  brokerIds: number[];
}

export interface CreatableTopicConfig {
  name: string;
  value: string | null;
}

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  /** v1+; default false. */
  validateOnly?: boolean;
}

export interface CreatableTopicResult {
  name: string;
  errorCode: number;
  /** v1+; default null. */
  errorMessage?: string | null;
}

export interface CreateTopicsResponse {
  /** v2+; default 0. */
  throttleTimeMs?: number;
  topics: CreatableTopicResult[];
}

function writeTopic(w: Writer, t: CreatableTopic): void {
  w.string(t.name).int32(t.numPartitions).int16(t.replicationFactor);
  w.array(t.assignments, (w, a) => {
    w.int32(a.partitionIndex);
    w.array(a.brokerIds, (w, id) => w.int32(id));
  });
  w.array(t.configs, (w, c) => w.string(c.name).nullableString(c.value));
}

function readTopic(r: Reader): CreatableTopic {
  return {
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({ partitionIndex: r.int32(), brokerIds: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  };
}

export const CreateTopicsApi: ApiCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  maxVersion: 3,

  encodeRequest(w: Writer, req: CreateTopicsRequest, version: number): void {
    w.array(req.topics, writeTopic);
    w.int32(req.timeoutMs);
    if (version >= 1) w.boolean(req.validateOnly ?? false);
  },

  decodeRequest(r: Reader, version: number): CreateTopicsRequest {
    const topics = r.array(readTopic);
    const timeoutMs = r.int32();
    const validateOnly = version >= 1 ? r.boolean() : false;
    return { topics, timeoutMs, validateOnly };
  },

  encodeResponse(w: Writer, res: CreateTopicsResponse, version: number): void {
    if (version >= 2) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.topics, (w, t) => {
      w.string(t.name).int16(t.errorCode);
      if (version >= 1) w.nullableString(t.errorMessage ?? null);
    });
  },

  decodeResponse(r: Reader, version: number): CreateTopicsResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const topics = r.array((r) => ({
      name: r.string(),
      errorCode: r.int16(),
      errorMessage: version >= 1 ? r.nullableString() : null,
    }));
    return { throttleTimeMs, topics };
  },
};
