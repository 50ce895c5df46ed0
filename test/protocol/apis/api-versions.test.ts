import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiVersionsApi, type ApiVersionsResponse } from '../../../src/protocol/apis/api-versions.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const response = (v: number): ApiVersionsResponse => ({
  errorCode: 0,
  apiKeys: [
    { apiKey: 0, minVersion: 0, maxVersion: 7 },
    { apiKey: 18, minVersion: 0, maxVersion: 2 },
  ],
  throttleTimeMs: v >= 1 ? 25 : 0,
});

for (let v = 0; v <= ApiVersionsApi.maxVersion; v++) {
  test(`v${v} request is an empty body`, () => {
    assert.is(encodeRequest(ApiVersionsApi, {}, v).length, 0);
    assertRequestRoundTrip(ApiVersionsApi, v, {}, {});
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(ApiVersionsApi, v, response(ApiVersionsApi.maxVersion), response(v));
  });
}

test('throttleTimeMs defaults to 0', () => {
  assertResponseRoundTrip(
    ApiVersionsApi,
    2,
    { errorCode: 0, apiKeys: [] },
    { errorCode: 0, apiKeys: [], throttleTimeMs: 0 },
  );
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

test('truncated response throws ProtocolError', () => {
  assertTruncationThrows(encodeResponse(ApiVersionsApi, response(2), 2), (r) => ApiVersionsApi.decodeResponse(r, 2));
});

test.run();
