import { AclOperation, AclPermissionType, PatternType, ResourceType, WILDCARD, WILDCARD_PRINCIPAL, type AclBinding, type AclOperationCode, type ResourceTypeCode } from './acl.js';

/** Who asks: the connection's principal and its client address (`/127.0.0.1` or `127.0.0.1`). */
export interface AuthorizationSubject {
  principal: string;
  host: string;
}

/**
 * Operations an ALLOW of another operation grants too (Kafka's AclAuthorizer / StandardAuthorizer):
 * whoever may read, write, delete or alter a resource may describe it; whoever may alter its
 * configs may describe them. A DENY is never widened this way: DENY READ does not deny DESCRIBE.
 */
const IMPLIED_BY: Partial<Record<number, readonly number[]>> = {
  [AclOperation.DESCRIBE]: [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER],
  [AclOperation.DESCRIBE_CONFIGS]: [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
};

/** One resource type's ACLs, indexed: literal ones by name (`*` among them), prefixed ones in a list. */
interface TypeIndex {
  literal: Map<string, AclBinding[]>;
  prefixed: AclBinding[];
}

/**
 * The one place authorization is decided, with Kafka's semantics:
 * - super users (super.users, YaK's admin and the cluster's own principal) may do everything;
 * - the ACLs that apply to a resource are the literal ones naming it, the literal `*` of its type and
 *   the prefixed ones its name starts with; of those, the ones for the principal (or `User:*`) and
 *   the client's host (or `*`);
 * - a DENY for the operation (or ALL) wins over any ALLOW;
 * - else an ALLOW for the operation, ALL, or an operation implying it (IMPLIED_BY) allows;
 * - a resource no ACL applies to at all is allowed only with allow.everyone.if.no.acl.found.
 * The ACLs come from the cluster metadata (`acls()`), re-indexed when that array changes.
 */
export class Authorizer {
  private indexedFrom: readonly AclBinding[] | null = null;
  private index = new Map<number, TypeIndex>();

  constructor(
    private readonly acls: () => readonly AclBinding[],
    private readonly superUsers: ReadonlySet<string>,
    private readonly allowEveryoneIfNoAclFound: boolean,
  ) {}

  authorize(subject: AuthorizationSubject, operation: AclOperationCode, resourceType: ResourceTypeCode, resourceName: string): boolean {
    if (this.superUsers.has(subject.principal)) return true;
    const applying = this.applying(resourceType, resourceName);
    if (applying.length === 0) return this.allowEveryoneIfNoAclFound;
    const host = subject.host.startsWith('/') ? subject.host.slice(1) : subject.host;
    const mine = applying.filter((a) => (a.principal === subject.principal || a.principal === WILDCARD_PRINCIPAL) && (a.host === WILDCARD || a.host === host));
    const granting = IMPLIED_BY[operation] ?? [operation];
    let allowed = false;
    for (const a of mine) {
      if (a.permissionType === AclPermissionType.DENY && (a.operation === operation || a.operation === AclOperation.ALL)) return false;
      if (a.permissionType === AclPermissionType.ALLOW && (a.operation === AclOperation.ALL || granting.includes(a.operation))) allowed = true;
    }
    return allowed;
  }

  /**
   * Whether the subject may do `operation` on some resource of the type (Kafka's
   * authorizeByResourceType, which InitProducerId uses for idempotent producers: WRITE on any topic
   * grants IDEMPOTENT_WRITE). Simplified: an ALLOW for the subject that no DENY of the same pattern cancels.
   */
  authorizeAny(subject: AuthorizationSubject, operation: AclOperationCode, resourceType: ResourceTypeCode): boolean {
    if (this.superUsers.has(subject.principal)) return true;
    const host = subject.host.startsWith('/') ? subject.host.slice(1) : subject.host;
    const entry = this.typeIndex(resourceType);
    const all = entry ? [...[...entry.literal.values()].flat(), ...entry.prefixed] : [];
    const mine = all.filter((a) => (a.principal === subject.principal || a.principal === WILDCARD_PRINCIPAL) && (a.host === WILDCARD || a.host === host) && (a.operation === operation || a.operation === AclOperation.ALL));
    const denied = (a: AclBinding) => mine.some((d) => d.permissionType === AclPermissionType.DENY && d.patternType === a.patternType && d.resourceName === a.resourceName);
    return mine.some((a) => a.permissionType === AclPermissionType.ALLOW && !denied(a));
  }

  private applying(resourceType: number, name: string): AclBinding[] {
    const entry = this.typeIndex(resourceType);
    if (!entry) return [];
    const out = [...(entry.literal.get(name) ?? []), ...(name !== WILDCARD ? (entry.literal.get(WILDCARD) ?? []) : [])];
    for (const a of entry.prefixed) if (name.startsWith(a.resourceName)) out.push(a);
    return out;
  }

  private typeIndex(resourceType: number): TypeIndex | undefined {
    const acls = this.acls();
    if (acls !== this.indexedFrom) {
      this.index = new Map();
      for (const a of acls) {
        let entry = this.index.get(a.resourceType);
        if (!entry) this.index.set(a.resourceType, (entry = { literal: new Map(), prefixed: [] }));
        if (a.patternType === PatternType.PREFIXED) entry.prefixed.push(a);
        else {
          const list = entry.literal.get(a.resourceName);
          if (list) list.push(a);
          else entry.literal.set(a.resourceName, [a]);
        }
      }
      this.indexedFrom = acls;
    }
    return this.index.get(resourceType);
  }
}
