import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JoinGroupApi, type JoinGroupRequest, type JoinGroupResponse } from '../../../src/protocol/apis/join-group.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: JoinGroupRequest = {
  groupId: 'g',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 30_000,
  memberId: '',
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [
    { name: 'range', metadata: Buffer.from([0, 1, 2]) },
    { name: 'roundrobin', metadata: Buffer.alloc(0) },
  ],
};

const response: JoinGroupResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  generationId: 3,
  protocolName: 'range',
  leader: 'm-1',
  memberId: 'm-2',
  members: [
    { memberId: 'm-1', groupInstanceId: null, metadata: Buffer.from('a') },
    { memberId: 'm-2', groupInstanceId: null, metadata: Buffer.from('b') },
  ],
};

for (let v = 0; v <= JoinGroupApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    // v0 has no rebalance timeout: it decodes as the session timeout.
    assertRequestRoundTrip(JoinGroupApi, v, request, v === 0 ? { ...request, rebalanceTimeoutMs: request.sessionTimeoutMs } : request);
    assertResponseRoundTrip(JoinGroupApi, v, response, response);
  });
}

test('group instance id travels from v5 only; throttle time from v2', () => {
  const staticMember = { ...request, groupInstanceId: 'instance-1' };
  assertRequestRoundTrip(JoinGroupApi, 4, staticMember, request);
  assertRequestRoundTrip(JoinGroupApi, 5, staticMember, staticMember);
  assertResponseRoundTrip(JoinGroupApi, 1, { ...response, throttleTimeMs: 9 }, response);
  assertResponseRoundTrip(JoinGroupApi, 2, { ...response, throttleTimeMs: 9 }, { ...response, throttleTimeMs: 9 });
});

test('v0 exact bytes', () => {
  const req: JoinGroupRequest = { groupId: 'g', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 0, memberId: '', protocolType: 'c', protocols: [{ name: 'r', metadata: Buffer.from([7]) }] };
  assert.equal(encodeRequest(JoinGroupApi, req, 0), hex('0001 67 00001770 0000 0001 63 00000001 0001 72 00000001 07'));
  const res: JoinGroupResponse = { errorCode: 79, generationId: -1, protocolName: '', leader: '', memberId: 'm', members: [] };
  assert.equal(encodeResponse(JoinGroupApi, res, 0), hex('004f ffffffff 0000 0000 0001 6d 00000000'));
});

test('truncated request and response throw ProtocolError', () => {
  const v = JoinGroupApi.maxVersion;
  assertTruncationThrows(encodeRequest(JoinGroupApi, request, v), (r) => JoinGroupApi.decodeRequest(r, v));
  assertTruncationThrows(encodeResponse(JoinGroupApi, response, v), (r) => JoinGroupApi.decodeResponse(r, v));
});

test.run();
