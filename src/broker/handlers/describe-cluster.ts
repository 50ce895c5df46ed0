import { ErrorCode } from '../../common/errors.js';
import { EndpointType, type DescribeClusterRequest, type DescribeClusterResponse } from '../../protocol/apis/describe-cluster.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../protocol/apis/metadata.js';
import type { BrokerContext } from '../context.js';
import { AclOperation } from '../../security/acl.js';
import type { RequestClient } from '../request-router.js';
import { clusterAuthorizedOperations, controllerId } from './metadata.js';

/** DescribeCluster: the live brokers (with their racks), cluster id and controller, as Metadata has them. Needs DESCRIBE on the cluster. */
export function handleDescribeCluster(ctx: BrokerContext, req: DescribeClusterRequest, _v: number, client: RequestClient): DescribeClusterResponse {
  const endpointType = req.endpointType ?? EndpointType.Brokers;
  const answer = { throttleTimeMs: 0, endpointType, clusterId: ctx.cache.clusterId, clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
  // As a Kafka broker answers: controllers are described by a controller's own listener, and YaK's is the coordinator's.
  if (!ctx.security.authorizeCluster(client, AclOperation.DESCRIBE)) {
    return { ...answer, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not describe the cluster`, controllerId: -1, brokers: [] };
  }
  if (endpointType !== EndpointType.Brokers) {
    return { ...answer, errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, errorMessage: 'this is a broker: it describes brokers (endpoint type 1) only', controllerId: -1, brokers: [] };
  }
  return {
    ...answer,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    controllerId: controllerId(ctx),
    brokers: ctx.cache.aliveBrokers().map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: b.rack ?? null })),
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? clusterAuthorizedOperations(ctx, client) : AUTHORIZED_OPERATIONS_OMITTED,
  };
}
