import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LeaveGroupApi } from '../../../src/protocol/apis/leave-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

for (let v = 0; v <= 2; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(LeaveGroupApi, v, { groupId: 'g', memberId: 'm-1' }, { groupId: 'g', memberId: 'm-1' });
    const res = { throttleTimeMs: v >= 1 ? 4 : 0, errorCode: 25 };
    assertResponseRoundTrip(LeaveGroupApi, v, res, res);
  });
}

const batch = { groupId: 'g', members: [{ memberId: 'm-1', groupInstanceId: null }, { memberId: '', groupInstanceId: 'i' }] };
const batchAnswer = { throttleTimeMs: 4, errorCode: 0, members: [{ memberId: 'm-1', groupInstanceId: null, errorCode: 0 }, { memberId: '', groupInstanceId: 'i', errorCode: 82 }] };

test('v3 request and response round trip: a batch of members, each with its error', () => {
  assertRequestRoundTrip(LeaveGroupApi, 3, batch, batch);
  assertResponseRoundTrip(LeaveGroupApi, 3, batchAnswer, batchAnswer);
});

test('v3 exact bytes', () => {
  assert.equal(encodeRequest(LeaveGroupApi, batch, 3), hex('0001 67 00000002 0003 6d2d31 ffff 0000 0001 69'));
  assert.equal(encodeResponse(LeaveGroupApi, batchAnswer, 3), hex('00000004 0000 00000002 0003 6d2d31 ffff 0000 0000 0001 69 0052'));
});

test('before v3 the answer carries the one member error', () => {
  assertResponseRoundTrip(LeaveGroupApi, 2, { ...batchAnswer, members: [{ memberId: 'm', groupInstanceId: null, errorCode: 25 }] }, { throttleTimeMs: 4, errorCode: 25 });
});

test('exact bytes', () => {
  assert.equal(encodeRequest(LeaveGroupApi, { groupId: 'g', memberId: 'm' }, 0), hex('0001 67 0001 6d'));
  assert.equal(encodeResponse(LeaveGroupApi, { errorCode: 0 }, 1), hex('00000000 0000'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(LeaveGroupApi, { groupId: 'g', memberId: 'm' }, 2), (r) => LeaveGroupApi.decodeRequest(r, 2));
  assertTruncationThrows(encodeResponse(LeaveGroupApi, { errorCode: 0 }, 2), (r) => LeaveGroupApi.decodeResponse(r, 2));
});

test.run();
