/**
 * CreatePartitions (key 37), versions 0-3; flexible from v2 (Kafka's CreatePartitionsRequest/Response.json).
 * v0 and v1 are the same on the wire, as are v2 and v3.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface CreatePartitionsAssignment {
  /** The replicas of one new partition, its preferred leader first. */
  brokerIds: number[];
}

export interface CreatePartitionsTopic {
  name: string;
  /** The new total number of partitions. */
  count: number;
  /** One per new partition; null lets the cluster place them. */
  assignments: CreatePartitionsAssignment[] | null;
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

export const CreatePartitionsApi = schemaApi<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  versions: '0-3',
  flexibleVersions: '2+',
  request: [
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'count', type: 'int32', versions: '0+' },
        { name: 'assignments', type: '[]struct', versions: '0+', nullableVersions: '0+', fields: [{ name: 'brokerIds', type: '[]int32', versions: '0+' }] },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
});
