import { ErrorCode, KafkaError } from '../common/errors.js';
import { CreateAclsApi } from '../protocol/apis/create-acls.js';
import { DeleteAclsApi } from '../protocol/apis/delete-acls.js';
import { DescribeAclsApi } from '../protocol/apis/describe-acls.js';
import type { AclBinding, AclBindingFilter } from '../security/acl.js';
import type { KafkaClient } from './kafka-client.js';

/** The ACL APIs' newest version, which every YaK broker serves. */
const VERSION = 3;

/** ACLs over the Kafka protocol (CreateAcls, DescribeAcls, DeleteAcls), as kafka-acls manages them. */
export class AclAdmin {
  constructor(private readonly client: KafkaClient) {}

  async create(bindings: AclBinding[]): Promise<void> {
    const res = await this.client.send(undefined, CreateAclsApi, VERSION, { creations: bindings.map(({ patternType, ...b }) => ({ ...b, resourcePatternType: patternType })) });
    const failed = res.results.find((r) => r.errorCode !== ErrorCode.NONE);
    if (failed) throw new KafkaError(failed.errorCode, failed.errorMessage ?? undefined);
  }

  async describe(filter: AclBindingFilter): Promise<AclBinding[]> {
    const res = await this.client.send(undefined, DescribeAclsApi, VERSION, {
      resourceTypeFilter: filter.resourceType,
      resourceNameFilter: filter.resourceName,
      patternTypeFilter: filter.patternType,
      principalFilter: filter.principal,
      hostFilter: filter.host,
      operation: filter.operation,
      permissionType: filter.permissionType,
    });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, res.errorMessage ?? undefined);
    return res.resources.flatMap((r) => r.acls.map((a) => ({ resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType, ...a })));
  }

  /** Deletes what each filter matches; returns the ACLs deleted. */
  async delete(filters: AclBindingFilter[]): Promise<AclBinding[]> {
    const res = await this.client.send(undefined, DeleteAclsApi, VERSION, {
      filters: filters.map((f) => ({ resourceTypeFilter: f.resourceType, resourceNameFilter: f.resourceName, patternTypeFilter: f.patternType, principalFilter: f.principal, hostFilter: f.host, operation: f.operation, permissionType: f.permissionType })),
    });
    const failed = res.filterResults.find((r) => r.errorCode !== ErrorCode.NONE);
    if (failed) throw new KafkaError(failed.errorCode, failed.errorMessage ?? undefined);
    return res.filterResults.flatMap((r) => r.matchingAcls.map(({ errorCode: _e, errorMessage: _m, ...a }) => a));
  }
}
