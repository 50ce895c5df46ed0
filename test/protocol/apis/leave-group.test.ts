import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LeaveGroupApi, type LeaveGroupRequest, type LeaveGroupResponse } from '../../../src/protocol/apis/leave-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

for (let v = 0; v <= 2; v++) {
  test(`v${v} request and response round trip: one member`, () => {
    assertRequestRoundTrip(LeaveGroupApi, v, { groupId: 'g', memberId: 'm-1' }, { groupId: 'g', memberId: 'm-1', members: [] });
    const res = { throttleTimeMs: v >= 1 ? 4 : 0, errorCode: 25 };
    assertResponseRoundTrip(LeaveGroupApi, v, res, { ...res, members: [] });
  });
}

const batch: LeaveGroupRequest = {
  groupId: 'g',
  members: [
    { memberId: 'm-1', groupInstanceId: null, reason: 'shutting down' },
    { memberId: '', groupInstanceId: 'i', reason: null },
  ],
};
const batchAnswer: LeaveGroupResponse = {
  throttleTimeMs: 4,
  errorCode: 0,
  members: [
    { memberId: 'm-1', groupInstanceId: null, errorCode: 0 },
    { memberId: '', groupInstanceId: 'i', errorCode: 82 },
  ],
};

for (let v = 3; v <= LeaveGroupApi.maxVersion; v++) {
  test(`v${v} request and response round trip: a batch of members, each with its error`, () => {
    const expected = { groupId: 'g', memberId: '', members: batch.members!.map((m) => ({ ...m, reason: v >= 5 ? m.reason! : null })) };
    assertRequestRoundTrip(LeaveGroupApi, v, batch, expected);
    assertResponseRoundTrip(LeaveGroupApi, v, batchAnswer, batchAnswer);
  });
}

test('exact bytes: v0, v3 (batch), v5 (flexible, reason)', () => {
  assert.equal(encodeRequest(LeaveGroupApi, { groupId: 'g', memberId: 'm' }, 0), hex('0001 67 0001 6d'));
  assert.equal(encodeResponse(LeaveGroupApi, { errorCode: 0 }, 1), hex('00000000 0000'));
  assert.equal(encodeRequest(LeaveGroupApi, batch, 3), hex('0001 67 00000002 0003 6d2d31 ffff 0000 0001 69'));
  assert.equal(encodeResponse(LeaveGroupApi, batchAnswer, 3), hex('00000004 0000 00000002 0003 6d2d31 ffff 0000 0000 0001 69 0052'));
  const one: LeaveGroupRequest = { groupId: 'g', members: [{ memberId: '', groupInstanceId: 'i', reason: 'r' }] };
  assert.equal(encodeRequest(LeaveGroupApi, one, 5), hex('0267 02 01 0269 0272 00 00'));
});

test('before v3 the answer carries the one member error', () => {
  const answer = { ...batchAnswer, members: [{ memberId: 'm', groupInstanceId: null, errorCode: 25 }] };
  assertResponseRoundTrip(LeaveGroupApi, 2, answer, { throttleTimeMs: 4, errorCode: 25, members: [] });
  assertResponseRoundTrip(LeaveGroupApi, 2, { ...answer, errorCode: 16 }, { throttleTimeMs: 4, errorCode: 16, members: [] });
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(LeaveGroupApi, { groupId: 'g', memberId: 'm' }, 2), (r) => LeaveGroupApi.decodeRequest(r, 2));
  assertTruncationThrows(encodeResponse(LeaveGroupApi, { errorCode: 0 }, 2), (r) => LeaveGroupApi.decodeResponse(r, 2));
  for (const v of [3, LeaveGroupApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(LeaveGroupApi, batch, v), (r) => LeaveGroupApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(LeaveGroupApi, batchAnswer, v), (r) => LeaveGroupApi.decodeResponse(r, v));
  }
});

test.run();
