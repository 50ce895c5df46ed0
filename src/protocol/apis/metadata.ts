/**
 * Metadata (key 3), versions 0-12 as Kafka 3.9 serves them; flexible from v9 (Kafka's
 * MetadataRequest/Response.json). v1 adds racks, the controller and is_internal; v2 the cluster id;
 * v3 the throttle time; v4 allow_auto_topic_creation; v5 offline replicas; v7 leader epochs; v8-10
 * authorized operations (topic, and cluster until v10); v10 topic ids; v12 topics asked for by id
 * (null name).
 *
 * v0 cannot send null topics: an empty array means all topics, so v0 encodes null as [] and
 * decodes [] as null.
 */
import { ApiKey, type ApiCodec } from '../api.js';
import { schemaApi } from '../schema.js';

export interface MetadataRequestTopic {
  /** v10+; the all-zero UUID when asked for by name. */
  topicId?: string;
  /** Null (v12+) when asked for by id. */
  name: string | null;
}

export interface MetadataRequest {
  /** null = all topics. */
  topics: MetadataRequestTopic[] | null;
  /** v4+; default true, as in Kafka. */
  allowAutoTopicCreation?: boolean;
  /** v8-10; default false. */
  includeClusterAuthorizedOperations?: boolean;
  /** v8+; default false. */
  includeTopicAuthorizedOperations?: boolean;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; default null. */
  rack?: string | null;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+; default -1. */
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+: replicas on brokers that are not alive; default []. */
  offlineReplicas?: number[];
}

export interface MetadataTopic {
  errorCode: number;
  /** Null (v12+) for a topic asked for by an id nobody knows. */
  name: string | null;
  /** v10+; the all-zero UUID for a topic asked for by a name nobody knows. */
  topicId?: string;
  /** v1+; default false. */
  isInternal?: boolean;
  partitions: MetadataPartition[];
  /** v8+; a bitfield of ACL operations, -2147483648 when not asked for. */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponse {
  /** v3+; default 0. */
  throttleTimeMs?: number;
  brokers: MetadataBroker[];
  /** v2+; default null. */
  clusterId?: string | null;
  /** v1+; default -1. */
  controllerId?: number;
  topics: MetadataTopic[];
  /** v8-10; -2147483648 when not asked for. */
  clusterAuthorizedOperations?: number;
}

/** Kafka's "not asked for" value of an authorized-operations bitfield. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

const schema = schemaApi<MetadataRequest, MetadataResponse>({
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  versions: '0-12',
  flexibleVersions: '9+',
  request: [
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      nullableVersions: '1+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'brokers',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      ],
    },
    { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+', default: '' },
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'isInternal', type: 'bool', versions: '1+', default: false },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
            { name: 'replicaNodes', type: '[]int32', versions: '0+' },
            { name: 'isrNodes', type: '[]int32', versions: '0+' },
            { name: 'offlineReplicas', type: '[]int32', versions: '5+' },
          ],
        },
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: AUTHORIZED_OPERATIONS_OMITTED },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: AUTHORIZED_OPERATIONS_OMITTED },
  ],
});

export const MetadataApi: ApiCodec<MetadataRequest, MetadataResponse> = {
  ...schema,
  encodeRequest(w, req, version) {
    schema.encodeRequest(w, version === 0 && req.topics === null ? { ...req, topics: [] } : req, version);
  },
  decodeRequest(r, version) {
    const req = schema.decodeRequest(r, version);
    if (version === 0 && req.topics?.length === 0) req.topics = null;
    return req;
  },
};
