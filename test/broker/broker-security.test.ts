/** prepareBrokerSecurity: what a SASL listener serves before a connection has logged in. */
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepareBrokerSecurity } from '../../src/broker/broker-security.js';
import { ClusterSecret } from '../../src/common/cluster-secret.js';
import { ApiKey } from '../../src/protocol/api.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { MetadataCache } from '../../src/broker/metadata-cache.js';
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../src/security/acl.js';
import { CLUSTER_PRINCIPAL } from '../../src/security/cluster-principal.js';

const secret = ClusterSecret.parse(randomBytes(32).toString('hex'), 'the test secret');

test("a SASL listener serves Kafka's pre-login APIs and the cluster-secret exchange (the transaction markers' login) before authentication, nothing else", async () => {
  const prepared = await prepareBrokerSecurity({ protocol: 'SASL_PLAINTEXT', saslMechanisms: ['SCRAM-SHA-512'], superUsers: [], reauthMs: 0, sslClientAuth: 'none', allowEveryoneIfNoAclFound: false }, undefined, secret);
  const allowed = prepared.listener.authentication?.allowedBeforeAuthentication;
  assert.ok(allowed);
  assert.equal(
    [...allowed].sort((a, b) => a - b),
    [ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, InternalApi.ClusterHandshake.apiKey, InternalApi.ClusterAuthenticate.apiKey].sort((a, b) => a - b),
  );
});

test('a PLAINTEXT listener has no authentication gate and no authorizer: everything is allowed', async () => {
  const prepared = await prepareBrokerSecurity(undefined, undefined, secret);
  assert.is(prepared.listener.authentication, undefined);
  const security = prepared.forHandlers(new MetadataCache());
  assert.is(security.authorizer, null);
  assert.ok(security.authorize({ principal: 'User:ANONYMOUS', host: '/127.0.0.1' }, AclOperation.DELETE, ResourceType.TOPIC, 'orders'));
});

test("a SASL listener's authorizer denies what no ACL allows, allows super users and the cluster's own principal, and reads the metadata's ACLs", async () => {
  const config = { protocol: 'SASL_PLAINTEXT' as const, saslMechanisms: ['SCRAM-SHA-512' as const], superUsers: ['User:admin'], reauthMs: 0, sslClientAuth: 'none' as const, allowEveryoneIfNoAclFound: false };
  const cache = new MetadataCache();
  const security = (await prepareBrokerSecurity(config, undefined, secret)).forHandlers(cache);
  const alice = { principal: 'User:alice', host: '/127.0.0.1' };
  assert.not.ok(security.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'));
  assert.ok(security.authorizeCluster({ principal: 'User:admin', host: '/127.0.0.1' }, AclOperation.ALTER));
  assert.ok(security.authorizeCluster({ principal: CLUSTER_PRINCIPAL, host: '/127.0.0.1' }, AclOperation.CLUSTER_ACTION));
  const acl = { resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation: AclOperation.READ, permissionType: AclPermissionType.ALLOW };
  cache.update({ clusterId: 'c', version: 1, brokers: [], topics: [], acls: [acl] });
  assert.ok(security.authorize(alice, AclOperation.READ, ResourceType.TOPIC, 'orders'));
});

test.run();
