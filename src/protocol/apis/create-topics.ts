/**
 * CreateTopics (key 19), versions 0-7; flexible from v5 (Kafka's CreateTopicsRequest/Response.json).
 * v1 adds validate_only and error messages, v2 throttle time; v4 lets partitions and replication
 * factor be -1 for the broker default (KIP-464); v5 answers each created topic's partitions,
 * replication factor and configs; v7 its topic id.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

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
  /** -1: the broker's default, or the assignment's count. */
  numPartitions: number;
  /** -1: the broker's default, or the assignment's replica count. */
  replicationFactor: number;
  /** Empty: the cluster places the replicas. */
  assignments: CreatableReplicaAssignment[];
  configs: CreatableTopicConfig[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  /** v1+; default false. */
  validateOnly?: boolean;
}

/** A created topic's config as v5+ answers it (DescribeConfigs' fields). */
export interface CreatableTopicConfigs {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** Kafka's ConfigSource (describe-configs.ts); default -1. */
  configSource?: number;
  isSensitive: boolean;
}

export interface CreatableTopicResult {
  name: string;
  /** v7+; the all-zero UUID when absent or on error. */
  topicId?: string;
  errorCode: number;
  /** v1+; default null. */
  errorMessage?: string | null;
  /** v5+, tag 0: why configs are missing from a successful answer; default 0. */
  topicConfigErrorCode?: number;
  /** v5+; default -1. */
  numPartitions?: number;
  /** v5+; default -1. */
  replicationFactor?: number;
  /** v5+; null when not answered (an error). */
  configs?: CreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponse {
  /** v2+; default 0. */
  throttleTimeMs?: number;
  topics: CreatableTopicResult[];
}

export const CreateTopicsApi = schemaApi<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  versions: '0-7',
  flexibleVersions: '5+',
  request: [
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        { name: 'replicationFactor', type: 'int16', versions: '0+' },
        {
          name: 'assignments',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'brokerIds', type: '[]int32', versions: '0+' },
          ],
        },
        {
          name: 'configs',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60_000 },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'topicId', type: 'uuid', versions: '7+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+' },
        { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', tag: 0, taggedVersions: '5+' },
        { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
        { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
        {
          name: 'configs',
          type: '[]struct',
          versions: '5+',
          nullableVersions: '5+',
          fields: [
            { name: 'name', type: 'string', versions: '5+' },
            { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'readOnly', type: 'bool', versions: '5+' },
            { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '5+' },
          ],
        },
      ],
    },
  ],
});
