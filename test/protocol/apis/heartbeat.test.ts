import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HeartbeatApi, type HeartbeatRequest } from '../../../src/protocol/apis/heartbeat.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: HeartbeatRequest = { groupId: 'g', generationId: 7, memberId: 'm-1', groupInstanceId: null };

for (let v = 0; v <= HeartbeatApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(HeartbeatApi, v, request, request);
    assertResponseRoundTrip(HeartbeatApi, v, { throttleTimeMs: 0, errorCode: 27 }, { throttleTimeMs: 0, errorCode: 27 });
  });
}

test('group instance id from v3, throttle time from v1', () => {
  assertRequestRoundTrip(HeartbeatApi, 2, { ...request, groupInstanceId: 'i' }, request);
  assertRequestRoundTrip(HeartbeatApi, 3, { ...request, groupInstanceId: 'i' }, { ...request, groupInstanceId: 'i' });
  assertResponseRoundTrip(HeartbeatApi, 0, { throttleTimeMs: 5, errorCode: 0 }, { throttleTimeMs: 0, errorCode: 0 });
});

test('v0 and v1 exact bytes', () => {
  assert.equal(encodeRequest(HeartbeatApi, { groupId: 'g', generationId: 1, memberId: 'm' }, 0), hex('0001 67 00000001 0001 6d'));
  assert.equal(encodeResponse(HeartbeatApi, { errorCode: 22 }, 0), hex('0016'));
  assert.equal(encodeResponse(HeartbeatApi, { errorCode: 22 }, 1), hex('00000000 0016'));
});

test('v4 exact bytes (flexible)', () => {
  assert.equal(encodeRequest(HeartbeatApi, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: 'i' }, 4), hex('0267 00000001 026d 0269 00'));
  assert.equal(encodeResponse(HeartbeatApi, { errorCode: 82 }, 4), hex('00000000 0052 00'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [3, HeartbeatApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(HeartbeatApi, request, v), (r) => HeartbeatApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(HeartbeatApi, { errorCode: 0 }, v), (r) => HeartbeatApi.decodeResponse(r, v));
  }
});

test.run();
