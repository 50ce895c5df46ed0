import { ErrorCode, type KafkaError } from '../../common/errors.js';
import type { CreateAclsRequest, CreateAclsResponse } from '../../protocol/apis/create-acls.js';
import type { DeleteAclsRequest, DeleteAclsResponse } from '../../protocol/apis/delete-acls.js';
import type { DescribeAclsRequest, DescribeAclsResponse, DescribeAclsResource } from '../../protocol/apis/describe-acls.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { AclOperation, filterMatches, invalidFilter, type AclBinding, type AclBindingFilter } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;
const NO_AUTHORIZER = 'No Authorizer is configured on the broker: ACLs need a listener that authenticates (--security sasl or sasl-tls, or mutual TLS)';

/**
 * The ACL APIs (KIP-140), as Kafka answers them: the ACLs live with the coordinator (controller.ts
 * createAcls/deleteAcls) and reach every broker in the metadata; a broker that changed them answers
 * once its own metadata has the change, so the client's next request here is authorized by it.
 * Without an authorizer (a listener that authenticates nobody) they answer SECURITY_DISABLED.
 * Creating and deleting needs ALTER on the cluster, describing DESCRIBE.
 */
export function handleDescribeAcls(ctx: BrokerContext, req: DescribeAclsRequest, _v: number, client: RequestClient): DescribeAclsResponse {
  const refuse = (errorCode: number, errorMessage: string): DescribeAclsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
  if (!ctx.security.authorizer) return refuse(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
  if (!ctx.security.authorizeCluster(client, AclOperation.DESCRIBE)) return refuse(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${client.principal} may not describe ACLs (DESCRIBE on the cluster)`);
  const filter: AclBindingFilter = {
    resourceType: req.resourceTypeFilter,
    resourceName: req.resourceNameFilter,
    patternType: req.patternTypeFilter,
    principal: req.principalFilter,
    host: req.hostFilter,
    operation: req.operation,
    permissionType: req.permissionType,
  };
  const invalid = invalidFilter(filter);
  if (invalid) return refuse(ErrorCode.INVALID_REQUEST, invalid);
  const resources = new Map<string, DescribeAclsResource>();
  for (const a of ctx.cache.acls.filter((b) => filterMatches(filter, b))) {
    const key = `${a.resourceType}\u0000${a.patternType}\u0000${a.resourceName}`;
    let r = resources.get(key);
    if (!r) resources.set(key, (r = { resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType, acls: [] }));
    r.acls.push({ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...resources.values()] };
}

export async function handleCreateAcls(ctx: BrokerContext, req: CreateAclsRequest, _v: number, client: RequestClient): Promise<CreateAclsResponse> {
  const refuseAll = (errorCode: number, errorMessage: string): CreateAclsResponse => ({ throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })) });
  if (!ctx.security.authorizer) return refuseAll(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
  if (!ctx.security.authorizeCluster(client, AclOperation.ALTER)) return refuseAll(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${client.principal} may not create ACLs (ALTER on the cluster)`);
  const creations: AclBinding[] = req.creations.map((c) => ({
    resourceType: c.resourceType,
    resourceName: c.resourceName,
    patternType: c.resourcePatternType,
    principal: c.principal,
    host: c.host,
    operation: c.operation,
    permissionType: c.permissionType,
  }));
  try {
    const res = await ctx.coordinator.call(InternalApi.CreateAcls, { creations });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    return { throttleTimeMs: 0, results: res.results.map((r) => ({ errorCode: r.errorCode, errorMessage: r.errorMessage ?? null })) };
  } catch (err) {
    return refuseAll(coordinatorError(err), `coordinator unavailable: ${(err as Error).message}`);
  }
}

export async function handleDeleteAcls(ctx: BrokerContext, req: DeleteAclsRequest, _v: number, client: RequestClient): Promise<DeleteAclsResponse> {
  const refuseAll = (errorCode: number, errorMessage: string): DeleteAclsResponse => ({ throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
  if (!ctx.security.authorizer) return refuseAll(ErrorCode.SECURITY_DISABLED, NO_AUTHORIZER);
  if (!ctx.security.authorizeCluster(client, AclOperation.ALTER)) return refuseAll(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${client.principal} may not delete ACLs (ALTER on the cluster)`);
  const filters: AclBindingFilter[] = req.filters.map((f) => ({
    resourceType: f.resourceTypeFilter,
    resourceName: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permissionType: f.permissionType,
  }));
  // An invalid filter is answered INVALID_REQUEST; the others are applied.
  const problems = filters.map(invalidFilter);
  try {
    const res = await ctx.coordinator.call(InternalApi.DeleteAcls, { filters: filters.filter((_, i) => problems[i] === null) });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    const applied = res.results.values();
    return {
      throttleTimeMs: 0,
      filterResults: problems.map((problem) => {
        if (problem !== null) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem, matchingAcls: [] };
        const r = applied.next().value!;
        return { errorCode: ErrorCode.NONE, errorMessage: null, matchingAcls: r.matching.map((a) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...a })) };
      }),
    };
  } catch (err) {
    return refuseAll(coordinatorError(err), `coordinator unavailable: ${(err as Error).message}`);
  }
}

function coordinatorError(err: unknown): number {
  return (err as KafkaError).code === ErrorCode.REQUEST_TIMED_OUT ? ErrorCode.REQUEST_TIMED_OUT : ErrorCode.NOT_CONTROLLER;
}
