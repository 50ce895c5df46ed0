/**
 * ElectLeaders (key 43), versions 0-2; flexible from v2 (Kafka's ElectLeadersRequest/Response.json).
 * What kafka-leader-election sends: move leadership back to each partition's preferred replica, or
 * (v1+, unclean) give an offline partition a leader from any live replica, which may lose records.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

/** v1+; v0 is always preferred. */
export const ElectionType = { Preferred: 0, Unclean: 1 } as const;

export interface ElectLeadersRequest {
  /** v1+; default 0, preferred. */
  electionType?: number;
  /** Null: every partition of every topic. */
  topicPartitions: { topic: string; partitions: number[] }[] | null;
  timeoutMs: number;
}

export interface ElectLeadersPartitionResult {
  partitionId: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ElectLeadersResponse {
  throttleTimeMs: number;
  /** v1+: a request-level error; default 0. */
  errorCode?: number;
  replicaElectionResults: { topic: string; partitionResult: ElectLeadersPartitionResult[] }[];
}

export const ElectLeadersApi = schemaApi<ElectLeadersRequest, ElectLeadersResponse>({
  apiKey: ApiKey.ElectLeaders,
  name: 'ElectLeaders',
  versions: '0-2',
  flexibleVersions: '2+',
  request: [
    { name: 'electionType', type: 'int8', versions: '1+' },
    {
      name: 'topicPartitions',
      type: '[]struct',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60_000 },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '1+' },
    {
      name: 'replicaElectionResults',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitionResult',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionId', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});
