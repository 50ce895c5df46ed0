/**
 * ACLs as Kafka models them (org.apache.kafka.common.acl / .resource): the numeric codes the wire
 * carries (CreateAcls, DescribeAcls, DeleteAcls), a binding (a resource pattern plus who may or may
 * not do what from where), and how a filter matches bindings (AclBindingFilter.matches).
 */
import type { AclBinding, AclBindingFilter } from '../common/cluster-types.js';

export type { AclBinding, AclBindingFilter };

/** org.apache.kafka.common.resource.ResourceType. */
export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType];

/** org.apache.kafka.common.resource.PatternType. MATCH and ANY exist in filters only. */
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

/** org.apache.kafka.common.acl.AclOperation. ANY exists in filters only. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperationCode = (typeof AclOperation)[keyof typeof AclOperation];

/** org.apache.kafka.common.acl.AclPermissionType. */
export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The cluster resource's only name (Kafka's `kafka-cluster`). */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A literal resource name matching every resource of its type; also `User:*` and host `*`. */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

/** Kafka's ResourcePatternFilter.matches + AccessControlEntryFilter.matches. */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType) return false;
  if (f.resourceName !== null) {
    if (f.patternType === PatternType.ANY || f.patternType === b.patternType) {
      if (f.resourceName !== b.resourceName) return false;
    } else if (b.patternType === PatternType.LITERAL) {
      if (f.resourceName !== b.resourceName && b.resourceName !== WILDCARD) return false;
    } else if (!f.resourceName.startsWith(b.resourceName)) return false;
  }
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  return f.permissionType === AclPermissionType.ANY || f.permissionType === b.permissionType;
}

/**
 * Why a binding cannot be created (CreateAcls answers INVALID_REQUEST with it), or null: the codes a
 * filter may use (ANY, MATCH, UNKNOWN) are no binding's, a principal is `Type:name`, the cluster
 * resource is `kafka-cluster` and literal, as Kafka's AclControlManager.validateNewAcl checks.
 */
export function invalidBinding(b: AclBinding): string | null {
  if (![ResourceType.TOPIC, ResourceType.GROUP, ResourceType.CLUSTER, ResourceType.TRANSACTIONAL_ID, ResourceType.DELEGATION_TOKEN, ResourceType.USER].includes(b.resourceType as never)) return `invalid resource type ${b.resourceType}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `invalid pattern type ${b.patternType}: LITERAL or PREFIXED`;
  if (b.resourceName === '') return 'the resource name must not be empty';
  if (b.resourceType === ResourceType.CLUSTER && (b.resourceName !== CLUSTER_RESOURCE_NAME || b.patternType !== PatternType.LITERAL)) return `the cluster resource is the literal ${CLUSTER_RESOURCE_NAME}`;
  if (b.patternType === PatternType.PREFIXED && b.resourceName === WILDCARD) return 'a prefixed pattern cannot be *; use a literal *';
  if (!/^[^:]+:.+$/.test(b.principal)) return `invalid principal ${JSON.stringify(b.principal)}: Type:name, e.g. User:alice`;
  if (b.host === '') return 'the host must not be empty (* for any host)';
  if (b.operation < AclOperation.ALL || b.operation > AclOperation.DESCRIBE_TOKENS) return `invalid operation ${b.operation}`;
  if (b.permissionType !== AclPermissionType.ALLOW && b.permissionType !== AclPermissionType.DENY) return `invalid permission type ${b.permissionType}: ALLOW or DENY`;
  return null;
}

/** Why a filter cannot select anything (DescribeAcls, DeleteAcls: INVALID_REQUEST), or null: an UNKNOWN or out-of-range code, as Kafka's AclBindingFilter.isUnknown. */
export function invalidFilter(f: AclBindingFilter): string | null {
  if (f.resourceType <= ResourceType.UNKNOWN || f.resourceType > ResourceType.USER) return `invalid resource type ${f.resourceType}`;
  if (f.patternType <= PatternType.UNKNOWN || f.patternType > PatternType.PREFIXED) return `invalid pattern type ${f.patternType}`;
  if (f.operation <= AclOperation.UNKNOWN || f.operation > AclOperation.DESCRIBE_TOKENS) return `invalid operation ${f.operation}`;
  if (f.permissionType <= AclPermissionType.UNKNOWN || f.permissionType > AclPermissionType.ALLOW) return `invalid permission type ${f.permissionType}`;
  return null;
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}

/** Kafka's names for the codes, for the CLI and messages (`TOPIC`, `PREFIXED`, `READ`, `ALLOW`). */
export function codeName(codes: Record<string, number>, code: number): string {
  return Object.entries(codes).find(([, c]) => c === code)?.[0] ?? String(code);
}
