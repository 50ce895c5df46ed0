import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SyncGroupApi, type SyncGroupRequest, type SyncGroupResponse } from '../../../src/protocol/apis/sync-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: SyncGroupRequest = {
  groupId: 'g',
  generationId: 4,
  memberId: 'm-1',
  groupInstanceId: 'i',
  protocolType: 'consumer',
  protocolName: 'range',
  assignments: [
    { memberId: 'm-1', assignment: Buffer.from([1, 2]) },
    { memberId: 'm-2', assignment: Buffer.alloc(0) },
  ],
};
/** Instance id v3+, protocol type and name v5+. */
const requestAt = (v: number): SyncGroupRequest => ({
  ...request,
  groupInstanceId: v >= 3 ? request.groupInstanceId! : null,
  protocolType: v >= 5 ? request.protocolType! : null,
  protocolName: v >= 5 ? request.protocolName! : null,
});

const response: SyncGroupResponse = { throttleTimeMs: 3, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from([9, 8, 7]) };
/** Throttle time v1+, protocol type and name v5+. */
const responseAt = (v: number): SyncGroupResponse => ({
  ...response,
  throttleTimeMs: v >= 1 ? response.throttleTimeMs! : 0,
  protocolType: v >= 5 ? response.protocolType! : null,
  protocolName: v >= 5 ? response.protocolName! : null,
});

for (let v = 0; v <= SyncGroupApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(SyncGroupApi, v, request, requestAt(v));
    assertResponseRoundTrip(SyncGroupApi, v, response, responseAt(v));
  });
}

test('v0 exact bytes', () => {
  assert.equal(encodeRequest(SyncGroupApi, { groupId: 'g', generationId: 1, memberId: 'm', assignments: [] }, 0), hex('0001 67 00000001 0001 6d 00000000'));
  assert.equal(encodeResponse(SyncGroupApi, { errorCode: 27, assignment: Buffer.alloc(0) }, 0), hex('001b 00000000'));
});

test('v5 exact bytes: protocol type and name both ways, compact', () => {
  const req: SyncGroupRequest = { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'c', protocolName: 'r', assignments: [{ memberId: 'm', assignment: Buffer.from([5]) }] };
  assert.equal(encodeRequest(SyncGroupApi, req, 5), hex('0267 00000001 026d 00 0263 0272 02 026d 0205 00 00'));
  const res: SyncGroupResponse = { throttleTimeMs: 0, errorCode: 0, protocolType: 'c', protocolName: null, assignment: Buffer.from([6]) };
  assert.equal(encodeResponse(SyncGroupApi, res, 5), hex('00000000 0000 0263 00 0206 00'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [3, SyncGroupApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(SyncGroupApi, request, v), (r) => SyncGroupApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(SyncGroupApi, response, v), (r) => SyncGroupApi.decodeResponse(r, v));
  }
});

test.run();
