/**
 * ListPartitionReassignments (key 46), version 0, flexible (Kafka's
 * ListPartitionReassignmentsRequest/Response.json, KIP-455): the partitions being moved, with their
 * replicas and the ones being added and removed.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface ListPartitionReassignmentsRequest {
  timeoutMs: number;
  /** Null: every partition. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OngoingPartitionReassignment {
  partitionIndex: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface ListPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  topics: { name: string; partitions: OngoingPartitionReassignment[] }[];
}

export const ListPartitionReassignmentsApi = schemaApi<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>({
  apiKey: ApiKey.ListPartitionReassignments,
  name: 'ListPartitionReassignments',
  versions: '0-0',
  flexibleVersions: '0+',
  request: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60_000 },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      nullableVersions: '0+',
      default: null,
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
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
            { name: 'replicas', type: '[]int32', versions: '0+' },
            { name: 'addingReplicas', type: '[]int32', versions: '0+' },
            { name: 'removingReplicas', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
