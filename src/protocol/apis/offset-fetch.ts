/**
 * OffsetFetch (key 9), versions 0-9, flexible from v6 (Kafka's OffsetFetchRequest/Response.json).
 * v2 lets topics be null (every partition the group committed) and adds a top-level error; v5 the
 * committed leader epoch; v7 require_stable (KIP-447: a partition whose offset an ongoing
 * transaction has pending is answered UNSTABLE_OFFSET_COMMIT, see coordinator/group-offsets.ts);
 * v8 several groups per request, each answered with its own error; v9 a member id and epoch per
 * group (KIP-848 groups; unchecked for classic groups).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export type OffsetFetchTopics = { name: string; partitionIndexes: number[] }[] | null;

export interface OffsetFetchRequest {
  /** v0-7. */
  groupId?: string;
  /** v0-7; null (v2+) asks for every partition the group committed. */
  topics?: OffsetFetchTopics;
  /** v8+: several groups in one request, each with its topics (null: all). */
  groups?: { groupId: string; memberId?: string | null; memberEpoch?: number; topics: OffsetFetchTopics }[];
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

const partitionFields = (versions: string, epochVersions: string) =>
  [
    { name: 'partitionIndex', type: 'int32', versions },
    { name: 'committedOffset', type: 'int64', versions },
    { name: 'committedLeaderEpoch', type: 'int32', versions: epochVersions, default: -1 },
    { name: 'metadata', type: 'string', versions, nullableVersions: versions },
    { name: 'errorCode', type: 'int16', versions },
  ] as const;

const topicFields = (versions: string, epochVersions: string) =>
  [
    { name: 'name', type: 'string', versions },
    { name: 'partitions', type: '[]struct', versions, fields: partitionFields(versions, epochVersions) },
  ] as const;

export const OffsetFetchApi = schemaApi<OffsetFetchRequest, OffsetFetchResponse>({
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  versions: '0-9',
  flexibleVersions: '6+',
  request: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0-7',
      nullableVersions: '2-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
      ],
    },
    {
      name: 'groups',
      type: '[]struct',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        { name: 'memberId', type: 'string', versions: '9+', nullableVersions: '9+', default: null },
        { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1 },
        {
          name: 'topics',
          type: '[]struct',
          versions: '8+',
          nullableVersions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
          ],
        },
      ],
    },
    { name: 'requireStable', type: 'bool', versions: '7+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    { name: 'topics', type: '[]struct', versions: '0-7', fields: topicFields('0-7', '5-7') },
    { name: 'errorCode', type: 'int16', versions: '2-7', default: 0 },
    {
      name: 'groups',
      type: '[]struct',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        { name: 'topics', type: '[]struct', versions: '8+', fields: topicFields('8+', '8+') },
        { name: 'errorCode', type: 'int16', versions: '8+', default: 0 },
      ],
    },
  ],
});
