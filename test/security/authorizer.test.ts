/** The authorizer's decisions, as Kafka's AclAuthorizer makes them. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AclOperation, AclPermissionType, filterMatches, invalidBinding, invalidFilter, PatternType, ResourceType, type AclBinding } from '../../src/security/acl.js';
import { Authorizer } from '../../src/security/authorizer.js';

const alice = { principal: 'User:alice', host: '/127.0.0.1' };
const bob = { principal: 'User:bob', host: '/127.0.0.1' };

function acl(over: Partial<AclBinding>): AclBinding {
  return { resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation: AclOperation.READ, permissionType: AclPermissionType.ALLOW, ...over };
}

function authorizer(acls: AclBinding[], opts: { superUsers?: string[]; allowEveryone?: boolean } = {}): Authorizer {
  return new Authorizer(() => acls, new Set(opts.superUsers ?? []), opts.allowEveryone ?? false);
}

test('no ACL at all: denied, unless allow.everyone.if.no.acl.found', () => {
  assert.is(authorizer([]).authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
  assert.is(authorizer([], { allowEveryone: true }).authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), true);
  // An ACL naming the resource (for someone else) means the resource has ACLs: no longer open to all.
  assert.is(authorizer([acl({ principal: 'User:bob' })], { allowEveryone: true }).authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
});

test('a literal ALLOW grants its operation on its resource to its principal only', () => {
  const a = authorizer([acl({})]);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), true);
  assert.is(a.authorize(alice, AclOperation.WRITE, ResourceType.TOPIC, 'orders'), false);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders2'), false);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.GROUP, 'orders'), false);
  assert.is(a.authorize(bob, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
});

test('DENY wins over ALLOW, also over ALL and a wildcard ALLOW', () => {
  const a = authorizer([acl({ operation: AclOperation.ALL }), acl({ resourceName: '*', principal: 'User:*' }), acl({ permissionType: AclPermissionType.DENY })]);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
  assert.is(a.authorize(alice, AclOperation.WRITE, ResourceType.TOPIC, 'orders'), true);
  const all = authorizer([acl({}), acl({ operation: AclOperation.ALL, permissionType: AclPermissionType.DENY, resourceName: 'ord', patternType: PatternType.PREFIXED })]);
  assert.is(all.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
});

test('prefixed patterns apply to names that start with them; literal * to every name of its type', () => {
  const a = authorizer([acl({ resourceName: 'pay', patternType: PatternType.PREFIXED }), acl({ resourceType: ResourceType.GROUP, resourceName: '*', principal: 'User:*' })]);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'payroll'), true);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'pay'), true);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
  assert.is(a.authorize(bob, AclOperation.READ, ResourceType.GROUP, 'any-group'), true);
  assert.is(a.authorize(bob, AclOperation.READ, ResourceType.TOPIC, 'payroll'), false);
});

test('implied operations: DESCRIBE by READ/WRITE/DELETE/ALTER, DESCRIBE_CONFIGS by ALTER_CONFIGS; never a DENY', () => {
  for (const op of [AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER]) {
    assert.is(authorizer([acl({ operation: op })]).authorize(alice, AclOperation.DESCRIBE, ResourceType.TOPIC, 'orders'), true, `DESCRIBE by ${op}`);
  }
  assert.is(authorizer([acl({ operation: AclOperation.CREATE })]).authorize(alice, AclOperation.DESCRIBE, ResourceType.TOPIC, 'orders'), false);
  assert.is(authorizer([acl({ operation: AclOperation.ALTER_CONFIGS })]).authorize(alice, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, 'orders'), true);
  assert.is(authorizer([acl({ operation: AclOperation.READ })]).authorize(alice, AclOperation.WRITE, ResourceType.TOPIC, 'orders'), false);
  // DENY READ does not deny DESCRIBE (Kafka widens ALLOWs only).
  const a = authorizer([acl({ operation: AclOperation.DESCRIBE }), acl({ permissionType: AclPermissionType.DENY })]);
  assert.is(a.authorize(alice, AclOperation.DESCRIBE, ResourceType.TOPIC, 'orders'), true);
});

test('hosts: an ACL for one address applies from it only', () => {
  const a = authorizer([acl({ host: '10.0.0.1' })]);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
  assert.is(a.authorize({ principal: 'User:alice', host: '/10.0.0.1' }, AclOperation.READ, ResourceType.TOPIC, 'orders'), true);
});

test('super users may do everything, a DENY notwithstanding', () => {
  const a = authorizer([acl({ principal: 'User:admin', permissionType: AclPermissionType.DENY, operation: AclOperation.ALL })], { superUsers: ['User:admin'] });
  assert.is(a.authorize({ principal: 'User:admin', host: '/127.0.0.1' }, AclOperation.READ, ResourceType.TOPIC, 'orders'), true);
  assert.is(a.authorize({ principal: 'User:admin', host: '/127.0.0.1' }, AclOperation.ALTER, ResourceType.CLUSTER, 'kafka-cluster'), true);
});

test('authorizeAny: an ALLOW on some topic, not cancelled by a DENY of the same pattern', () => {
  assert.is(authorizer([acl({ operation: AclOperation.WRITE })]).authorizeAny(alice, AclOperation.WRITE, ResourceType.TOPIC), true);
  assert.is(authorizer([acl({ operation: AclOperation.WRITE }), acl({ operation: AclOperation.WRITE, permissionType: AclPermissionType.DENY })]).authorizeAny(alice, AclOperation.WRITE, ResourceType.TOPIC), false);
  assert.is(authorizer([acl({ operation: AclOperation.READ })]).authorizeAny(alice, AclOperation.WRITE, ResourceType.TOPIC), false);
});

test('the index follows the ACL list when it is replaced', () => {
  let acls: AclBinding[] = [];
  const a = new Authorizer(() => acls, new Set(), false);
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), false);
  acls = [acl({})];
  assert.is(a.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'), true);
});

test("filters match as Kafka's AclBindingFilter: ANY, MATCH and exact patterns", () => {
  const literal = acl({});
  const wildcard = acl({ resourceName: '*' });
  const prefixed = acl({ resourceName: 'ord', patternType: PatternType.PREFIXED });
  const any = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY };
  assert.ok([literal, wildcard, prefixed].every((b) => filterMatches(any, b)));
  const match = { ...any, resourceName: 'orders', patternType: PatternType.MATCH };
  assert.ok([literal, wildcard, prefixed].every((b) => filterMatches(match, b)));
  const exact = { ...any, resourceName: 'orders', patternType: PatternType.ANY };
  assert.equal([literal, wildcard, prefixed].map((b) => filterMatches(exact, b)), [true, false, false]);
  assert.is(filterMatches({ ...any, principal: 'User:bob' }, literal), false);
  assert.is(filterMatches({ ...any, operation: AclOperation.WRITE }, literal), false);
});

test('filters with an UNKNOWN code are named (DescribeAcls/DeleteAcls answer INVALID_REQUEST)', () => {
  const any = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY };
  assert.is(invalidFilter(any), null);
  assert.match(invalidFilter({ ...any, resourceType: ResourceType.UNKNOWN })!, /resource type/);
  assert.match(invalidFilter({ ...any, patternType: 9 })!, /pattern type/);
  assert.match(invalidFilter({ ...any, operation: AclOperation.UNKNOWN })!, /operation/);
  assert.match(invalidFilter({ ...any, permissionType: 0 })!, /permission type/);
});

test('invalid bindings are named', () => {
  assert.is(invalidBinding(acl({})), null);
  assert.match(invalidBinding(acl({ patternType: PatternType.MATCH }))!, /pattern type/);
  assert.match(invalidBinding(acl({ resourceType: ResourceType.ANY }))!, /resource type/);
  assert.match(invalidBinding(acl({ principal: 'alice' }))!, /principal/);
  assert.match(invalidBinding(acl({ operation: AclOperation.ANY }))!, /operation/);
  assert.match(invalidBinding(acl({ resourceType: ResourceType.CLUSTER, resourceName: 'x' }))!, /kafka-cluster/);
});

test.run();
