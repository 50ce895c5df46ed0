import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LeaveGroupApi } from '../../../src/protocol/apis/leave-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

for (let v = 0; v <= LeaveGroupApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(LeaveGroupApi, v, { groupId: 'g', memberId: 'm-1' }, { groupId: 'g', memberId: 'm-1' });
    const res = { throttleTimeMs: v >= 1 ? 4 : 0, errorCode: 25 };
    assertResponseRoundTrip(LeaveGroupApi, v, res, res);
  });
}

test('exact bytes', () => {
  assert.equal(encodeRequest(LeaveGroupApi, { groupId: 'g', memberId: 'm' }, 0), hex('0001 67 0001 6d'));
  assert.equal(encodeResponse(LeaveGroupApi, { errorCode: 0 }, 1), hex('00000000 0000'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(LeaveGroupApi, { groupId: 'g', memberId: 'm' }, 2), (r) => LeaveGroupApi.decodeRequest(r, 2));
  assertTruncationThrows(encodeResponse(LeaveGroupApi, { errorCode: 0 }, 2), (r) => LeaveGroupApi.decodeResponse(r, 2));
});

test.run();
