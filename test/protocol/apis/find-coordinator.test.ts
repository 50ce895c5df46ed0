import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FindCoordinatorApi, type FindCoordinatorResponse } from '../../../src/protocol/apis/find-coordinator.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const response: FindCoordinatorResponse = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 2, host: '127.0.0.1', port: 40001 };

for (let v = 0; v <= FindCoordinatorApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(FindCoordinatorApi, v, { key: 'g', keyType: 0 }, { key: 'g', keyType: 0 });
    assertResponseRoundTrip(FindCoordinatorApi, v, response, response);
  });
}

test('v1+ carry key type, throttle time and error message; v0 does not', () => {
  assertRequestRoundTrip(FindCoordinatorApi, 0, { key: 'g', keyType: 1 }, { key: 'g', keyType: 0 });
  assertRequestRoundTrip(FindCoordinatorApi, 1, { key: 'g', keyType: 1 }, { key: 'g', keyType: 1 });
  const failed = { ...response, throttleTimeMs: 5, errorCode: 15, errorMessage: 'down' };
  assertResponseRoundTrip(FindCoordinatorApi, 0, failed, { ...failed, throttleTimeMs: 0, errorMessage: null });
  assertResponseRoundTrip(FindCoordinatorApi, 2, failed, failed);
});

test('v0 exact bytes', () => {
  assert.equal(encodeRequest(FindCoordinatorApi, { key: 'g' }, 0), hex('0001 67'));
  assert.equal(encodeResponse(FindCoordinatorApi, { errorCode: 0, nodeId: 1, host: 'h', port: 9092 }, 0), hex('0000 00000001 0001 68 00002384'));
});

test('truncated request and response throw ProtocolError', () => {
  const v = FindCoordinatorApi.maxVersion;
  assertTruncationThrows(encodeRequest(FindCoordinatorApi, { key: 'group', keyType: 0 }, v), (r) => FindCoordinatorApi.decodeRequest(r, v));
  assertTruncationThrows(encodeResponse(FindCoordinatorApi, response, v), (r) => FindCoordinatorApi.decodeResponse(r, v));
});

test.run();
