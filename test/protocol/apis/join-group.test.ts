import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JoinGroupApi, type JoinGroupRequest, type JoinGroupResponse } from '../../../src/protocol/apis/join-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: JoinGroupRequest = {
  groupId: 'g',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 30_000,
  memberId: '',
  groupInstanceId: 'instance-1',
  protocolType: 'consumer',
  protocols: [
    { name: 'range', metadata: Buffer.from([0, 1, 2]) },
    { name: 'roundrobin', metadata: Buffer.alloc(0) },
  ],
  reason: 'rebalance failed',
};

/** What a version carries of `request`: v0 takes the session timeout as rebalance timeout, instance id v5+, reason v8+. */
const requestAt = (v: number): JoinGroupRequest => ({
  ...request,
  rebalanceTimeoutMs: v === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
  groupInstanceId: v >= 5 ? request.groupInstanceId! : null,
  reason: v >= 8 ? request.reason! : null,
});

const response: JoinGroupResponse = {
  throttleTimeMs: 9,
  errorCode: 0,
  generationId: 3,
  protocolType: 'consumer',
  protocolName: 'range',
  leader: 'm-1',
  skipAssignment: true,
  memberId: 'm-2',
  members: [
    { memberId: 'm-1', groupInstanceId: 'i-1', metadata: Buffer.from('a') },
    { memberId: 'm-2', groupInstanceId: null, metadata: Buffer.from('b') },
  ],
};

/** Throttle time v2+, instance ids v5+, protocol type v7+, skip_assignment v9+. */
const responseAt = (v: number): JoinGroupResponse => ({
  ...response,
  throttleTimeMs: v >= 2 ? response.throttleTimeMs! : 0,
  protocolType: v >= 7 ? response.protocolType! : null,
  skipAssignment: v >= 9,
  members: response.members.map((m) => ({ ...m, groupInstanceId: v >= 5 ? m.groupInstanceId! : null })),
});

for (let v = 0; v <= JoinGroupApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(JoinGroupApi, v, request, requestAt(v));
    assertResponseRoundTrip(JoinGroupApi, v, response, responseAt(v));
  });
}

test('v0 exact bytes', () => {
  const req: JoinGroupRequest = { groupId: 'g', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 0, memberId: '', protocolType: 'c', protocols: [{ name: 'r', metadata: Buffer.from([7]) }] };
  assert.equal(encodeRequest(JoinGroupApi, req, 0), hex('0001 67 00001770 0000 0001 63 00000001 0001 72 00000001 07'));
  const res: JoinGroupResponse = { errorCode: 79, generationId: -1, protocolName: '', leader: '', memberId: 'm', members: [] };
  assert.equal(encodeResponse(JoinGroupApi, res, 0), hex('004f ffffffff 0000 0000 0001 6d 00000000'));
});

test('v6 exact bytes (first flexible): compact strings, arrays and bytes, a tag section per struct', () => {
  const req: JoinGroupRequest = { groupId: 'g', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 30_000, memberId: '', groupInstanceId: null, protocolType: 'c', protocols: [{ name: 'r', metadata: Buffer.from([7]) }] };
  assert.equal(encodeRequest(JoinGroupApi, req, 6), hex('02 67  00001770  00007530  01  00  02 63  02 0272 0207 00  00'));
});

test('v9 exact bytes: protocol type and skip_assignment in the answer', () => {
  const res: JoinGroupResponse = {
    errorCode: 0,
    generationId: 3,
    protocolType: 'consumer',
    protocolName: 'range',
    leader: 'm',
    skipAssignment: false,
    memberId: 'm',
    members: [{ memberId: 'm', groupInstanceId: 'i', metadata: Buffer.from([1]) }],
  };
  assert.equal(encodeResponse(JoinGroupApi, res, 9), hex('00000000 0000 00000003 09636f6e73756d6572 0672616e6765 026d 00 026d 02 026d 0269 0201 00 00'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [5, JoinGroupApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(JoinGroupApi, request, v), (r) => JoinGroupApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(JoinGroupApi, response, v), (r) => JoinGroupApi.decodeResponse(r, v));
  }
});

test.run();
