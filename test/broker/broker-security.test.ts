/** prepareBrokerSecurity: what a SASL listener serves before a connection has logged in. */
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepareBrokerSecurity } from '../../src/broker/broker-security.js';
import { ClusterSecret } from '../../src/common/cluster-secret.js';
import { ApiKey } from '../../src/protocol/api.js';
import { InternalApi } from '../../src/protocol/internal-api.js';

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

test('a PLAINTEXT listener has no authentication gate', async () => {
  const prepared = await prepareBrokerSecurity(undefined, undefined, secret);
  assert.is(prepared.listener.authentication, undefined);
});

test.run();
