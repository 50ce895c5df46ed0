/**
 * WriteTxnMarkers (key 27), versions 0-1; flexible from v1 (Kafka 3.9's WriteTxnMarkersRequest/
 * Response.json, KIP-98). Cluster-internal: the transaction coordinator asks each partition leader
 * to append a COMMIT or ABORT control batch for a producer's transaction; the leader answers per
 * partition once the marker is committed to the ISR. Brokers accept it only on a connection that
 * proved the cluster secret (broker/cluster-members.ts).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface WritableTxnMarker {
  producerId: number;
  producerEpoch: number;
  /** false = ABORT, true = COMMIT. */
  transactionResult: boolean;
  topics: { name: string; partitionIndexes: number[] }[];
  /** The epoch of the transaction state partition hosted by the coordinator that writes it. */
  coordinatorEpoch: number;
}

export interface WriteTxnMarkersRequest {
  markers: WritableTxnMarker[];
}

export interface WritableTxnMarkerResult {
  producerId: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface WriteTxnMarkersResponse {
  markers: WritableTxnMarkerResult[];
}

export const WriteTxnMarkersApi = schemaApi<WriteTxnMarkersRequest, WriteTxnMarkersResponse>({
  apiKey: ApiKey.WriteTxnMarkers,
  name: 'WriteTxnMarkers',
  versions: '0-1',
  flexibleVersions: '1+',
  request: [
    {
      name: 'markers',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'producerEpoch', type: 'int16', versions: '0+' },
        { name: 'transactionResult', type: 'bool', versions: '0+' },
        {
          name: 'topics',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
          ],
        },
        { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
      ],
    },
  ],
  response: [
    {
      name: 'markers',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
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
    },
  ],
});
