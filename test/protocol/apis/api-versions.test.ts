import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiVersionsApi, type ApiVersionsResponse } from '../../../src/protocol/apis/api-versions.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

/** What a decoded response holds for the v3+ tagged fields nobody sent. */
const noFeatures = { supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [], zkMigrationReady: false };

const response = (v: number): ApiVersionsResponse => ({
  errorCode: 0,
  apiKeys: [
    { apiKey: 0, minVersion: 0, maxVersion: 7 },
    { apiKey: 18, minVersion: 0, maxVersion: 4 },
  ],
  throttleTimeMs: v >= 1 ? 25 : 0,
  ...noFeatures,
});

for (let v = 0; v <= 2; v++) {
  test(`v${v} request is an empty body`, () => {
    assert.is(encodeRequest(ApiVersionsApi, {}, v).length, 0);
    assertRequestRoundTrip(ApiVersionsApi, v, {}, { clientSoftwareName: '', clientSoftwareVersion: '' });
  });
}

for (let v = 3; v <= ApiVersionsApi.maxVersion; v++) {
  test(`v${v} request carries the client software as compact strings and an empty tag section`, () => {
    const req = { clientSoftwareName: 'yak', clientSoftwareVersion: '1.0' };
    assert.equal(encodeRequest(ApiVersionsApi, req, v), hex('04 79616b  04 312e30  00'));
    assertRequestRoundTrip(ApiVersionsApi, v, req, req);
  });
}

for (let v = 0; v <= ApiVersionsApi.maxVersion; v++) {
  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(ApiVersionsApi, v, response(ApiVersionsApi.maxVersion), response(v));
  });
}

test('throttleTimeMs defaults to 0', () => {
  assertResponseRoundTrip(ApiVersionsApi, 2, { errorCode: 0, apiKeys: [] }, { errorCode: 0, apiKeys: [], throttleTimeMs: 0, ...noFeatures });
});

test('UNSUPPORTED_VERSION answer in v0 format: exact bytes', () => {
  const res: ApiVersionsResponse = { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] };
  assert.equal(encodeResponse(ApiVersionsApi, res, 0), hex('0023  00000001  0012 0000 0002'));
});

test('v1 response: exact bytes', () => {
  const res: ApiVersionsResponse = {
    errorCode: 0,
    apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 4 }],
    throttleTimeMs: 1,
  };
  assert.equal(encodeResponse(ApiVersionsApi, res, 1), hex('0000  00000001  0003 0000 0004  00000001'));
});

test('v3 response: compact array, a tag section per entry and one for the body, defaults not written', () => {
  const res: ApiVersionsResponse = { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }], throttleTimeMs: 0 };
  assert.equal(encodeResponse(ApiVersionsApi, res, 3), hex('0000  02 0003 0000 000c 00  00000000  00'));
});

test('v3 response tagged fields as Kafka 3.9 sends them: exact bytes, and back', () => {
  const res: ApiVersionsResponse = {
    errorCode: 0,
    apiKeys: [],
    throttleTimeMs: 0,
    supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 21 }],
    finalizedFeaturesEpoch: 7,
    finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 21, minVersionLevel: 21 }],
    zkMigrationReady: false,
  };
  const mv = Buffer.from('metadata.version').toString('hex');
  const bytes = hex(
    `0000 01 00000000 03` +
      ` 00 17 02 11${mv} 0001 0015 00` + // tag 0, 23 bytes: one supported feature
      ` 01 08 0000000000000007` + // tag 1: the finalized features epoch
      ` 02 17 02 11${mv} 0015 0015 00`, // tag 2: one finalized feature; tag 3 (false) is the default, not written
  );
  assert.equal(encodeResponse(ApiVersionsApi, res, 3), bytes);
  assert.equal(decodeResponse(ApiVersionsApi, bytes, 3), res);
});

test('truncated response throws ProtocolError', () => {
  for (const v of [2, 3]) assertTruncationThrows(encodeResponse(ApiVersionsApi, response(v), v), (r) => ApiVersionsApi.decodeResponse(r, v));
});

test.run();
