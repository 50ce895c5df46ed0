import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SyncGroupApi, type SyncGroupRequest, type SyncGroupResponse } from '../../../src/protocol/apis/sync-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: SyncGroupRequest = {
  groupId: 'g',
  generationId: 4,
  memberId: 'm-1',
  groupInstanceId: null,
  assignments: [
    { memberId: 'm-1', assignment: Buffer.from([1, 2]) },
    { memberId: 'm-2', assignment: Buffer.alloc(0) },
  ],
};
const response: SyncGroupResponse = { throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from([9, 8, 7]) };

for (let v = 0; v <= SyncGroupApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(SyncGroupApi, v, request, request);
    assertResponseRoundTrip(SyncGroupApi, v, response, response);
  });
}

test('group instance id from v3, throttle time from v1', () => {
  assertRequestRoundTrip(SyncGroupApi, 2, { ...request, groupInstanceId: 'i' }, request);
  assertRequestRoundTrip(SyncGroupApi, 3, { ...request, groupInstanceId: 'i' }, { ...request, groupInstanceId: 'i' });
  assertResponseRoundTrip(SyncGroupApi, 0, { ...response, throttleTimeMs: 3 }, response);
  assertResponseRoundTrip(SyncGroupApi, 1, { ...response, throttleTimeMs: 3 }, { ...response, throttleTimeMs: 3 });
});

test('v0 exact bytes', () => {
  assert.equal(encodeRequest(SyncGroupApi, { groupId: 'g', generationId: 1, memberId: 'm', assignments: [] }, 0), hex('0001 67 00000001 0001 6d 00000000'));
  assert.equal(encodeResponse(SyncGroupApi, { errorCode: 27, assignment: Buffer.alloc(0) }, 0), hex('001b 00000000'));
});

test('truncated request and response throw ProtocolError', () => {
  const v = SyncGroupApi.maxVersion;
  assertTruncationThrows(encodeRequest(SyncGroupApi, request, v), (r) => SyncGroupApi.decodeRequest(r, v));
  assertTruncationThrows(encodeResponse(SyncGroupApi, response, v), (r) => SyncGroupApi.decodeResponse(r, v));
});

test.run();
