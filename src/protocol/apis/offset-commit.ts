/**
 * OffsetCommit (key 8), versions 0-9, flexible from v8 (Kafka's OffsetCommitRequest/Response.json).
 * v0 commits from outside any generation; v1 adds generation, member and a per-partition timestamp
 * (v1 only); v2-4 a retention time; v6 the leader epoch of the committed offset (KIP-320); v7
 * group.instance.id (KIP-345); v9 calls the generation "member epoch" for KIP-848 groups (a classic
 * group's generation, in YaK).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v6+; default -1. */
  committedLeaderEpoch?: number;
  /** v1 only; default -1. */
  commitTimestamp?: number;
  committedMetadata: string | null;
}

export interface OffsetCommitTopic {
  name: string;
  partitions: OffsetCommitPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** v1+; v0 decodes -1. */
  generationId: number;
  /** v1+; v0 decodes "". */
  memberId: string;
  /** v7+; default null. */
  groupInstanceId?: string | null;
  /** v2-4; default -1. */
  retentionTimeMs?: number;
  topics: OffsetCommitTopic[];
}

export interface OffsetCommitResponse {
  /** v3+; default 0. */
  throttleTimeMs?: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const OffsetCommitApi = schemaApi<OffsetCommitRequest, OffsetCommitResponse>({
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  versions: '0-9',
  flexibleVersions: '8+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '1+' },
    { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1 },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
            { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1 },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
