/**
 * DescribeCluster (key 60), versions 0-1; flexible in every version (Kafka's
 * DescribeClusterRequest/Response.json, KIP-700): the brokers, cluster id and controller, what
 * Metadata also says, for admin clients that ask only for that. v1 asks for brokers (1) or
 * controllers (2, which only a KRaft controller answers).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.js';

export const EndpointType = { Brokers: 1, Controllers: 2 } as const;

export interface DescribeClusterRequest {
  includeClusterAuthorizedOperations: boolean;
  /** v1+; default 1, brokers. */
  endpointType?: number;
}

export interface DescribeClusterBroker {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface DescribeClusterResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  /** v1+; default 1. */
  endpointType?: number;
  clusterId: string;
  controllerId: number;
  brokers: DescribeClusterBroker[];
  /** AUTHORIZED_OPERATIONS_OMITTED when not asked for. */
  clusterAuthorizedOperations: number;
}

export const DescribeClusterApi = schemaApi<DescribeClusterRequest, DescribeClusterResponse>({
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  versions: '0-1',
  flexibleVersions: '0+',
  request: [
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
    { name: 'endpointType', type: 'int8', versions: '1+', default: EndpointType.Brokers },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'endpointType', type: 'int8', versions: '1+', default: EndpointType.Brokers },
    { name: 'clusterId', type: 'string', versions: '0+' },
    { name: 'controllerId', type: 'int32', versions: '0+', default: -1 },
    {
      name: 'brokers',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'brokerId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: AUTHORIZED_OPERATIONS_OMITTED },
  ],
});
