/**
 * AlterPartitionReassignments (key 45), version 0, flexible (Kafka's
 * AlterPartitionReassignmentsRequest/Response.json, KIP-455): what kafka-reassign-partitions sends to
 * move partitions to other brokers; null replicas cancel a partition's ongoing move.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface AlterPartitionReassignmentsRequest {
  timeoutMs: number;
  topics: { name: string; partitions: { partitionIndex: number; replicas: number[] | null }[] }[];
}

export interface ReassignablePartitionResponse {
  partitionIndex: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterPartitionReassignmentsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  responses: { name: string; partitions: ReassignablePartitionResponse[] }[];
}

export const AlterPartitionReassignmentsApi = schemaApi<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>({
  apiKey: ApiKey.AlterPartitionReassignments,
  name: 'AlterPartitionReassignments',
  versions: '0-0',
  flexibleVersions: '0+',
  request: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60_000 },
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
            { name: 'replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: null },
          ],
        },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'responses',
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
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});
