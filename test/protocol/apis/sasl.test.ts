/**
 * Exact bytes of the SASL and SCRAM-credential codecs (Kafka's JSON schemas): SaslHandshake v1 (never
 * flexible), SaslAuthenticate v0 (no session lifetime), v1 and v2 (flexible), AlterUserScramCredentials v0.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlterUserScramCredentialsApi, SaslAuthenticateApi, SaslHandshakeApi } from '../../../src/protocol/apis/index.js';
import { assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

test('SaslHandshake v1: mechanism in, error code and mechanisms out', () => {
  const req = hex('000d 5343 5241 4d2d 5348 412d 3531 32');
  assert.equal(encodeRequest(SaslHandshakeApi, { mechanism: 'SCRAM-SHA-512' }, 1), req);
  assert.equal(decodeRequest(SaslHandshakeApi, req, 1), { mechanism: 'SCRAM-SHA-512' });
  const res = hex('0021 00000001 0005 504c41494e');
  assert.equal(encodeResponse(SaslHandshakeApi, { errorCode: 33, mechanisms: ['PLAIN'] }, 1), res);
  assertTruncationThrows(res, (r) => SaslHandshakeApi.decodeResponse(r, 1));
});

test('SaslAuthenticate: v0 has no session lifetime, v1 adds it, v2 is flexible', () => {
  const token = Buffer.from('ab');
  assert.equal(encodeRequest(SaslAuthenticateApi, { authBytes: token }, 0), hex('00000002 6162'));
  assert.equal(encodeRequest(SaslAuthenticateApi, { authBytes: token }, 2), hex('03 6162 00'));
  const ok = { errorCode: 0, errorMessage: null, authBytes: token, sessionLifetimeMs: 1500 };
  assert.equal(encodeResponse(SaslAuthenticateApi, ok, 0), hex('0000 ffff 00000002 6162'));
  const v1 = hex('0000 ffff 00000002 6162 00000000000005dc');
  assert.equal(encodeResponse(SaslAuthenticateApi, ok, 1), v1);
  assert.equal(decodeResponse(SaslAuthenticateApi, v1, 1), ok);
  assert.equal(encodeResponse(SaslAuthenticateApi, ok, 2), hex('0000 00 03 6162 00000000000005dc 00'));
});

test('AlterUserScramCredentials v0 (flexible): deletions and upsertions', () => {
  const req = { deletions: [{ name: 'a', mechanism: 1 }], upsertions: [{ name: 'b', mechanism: 2, iterations: 4096, salt: Buffer.from([1]), saltedPassword: Buffer.from([2]) }] };
  const bytes = hex('02 0261 01 00 02 0262 02 00001000 0201 0202 00 00');
  assert.equal(encodeRequest(AlterUserScramCredentialsApi, req, 0), bytes);
  assert.equal(decodeRequest(AlterUserScramCredentialsApi, bytes, 0), req);
});

test.run();
