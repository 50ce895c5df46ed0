import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DescribeGroupsApi, type DescribeGroupsResponse } from '../../../src/protocol/apis/describe-groups.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const response: DescribeGroupsResponse = {
  throttleTimeMs: 0,
  groups: [
    {
      errorCode: 0,
      groupId: 'g',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId: 'm-1', clientId: 'yak', clientHost: '/127.0.0.1', memberMetadata: Buffer.from([1]), memberAssignment: Buffer.from([2, 3]) }],
    },
    { errorCode: 0, groupId: 'nope', groupState: 'Dead', protocolType: '', protocolData: '', members: [] },
  ],
};

/** What a version carries of `response`: instance ids from v4, authorized operations from v3. */
const responseAt = (v: number): DescribeGroupsResponse => ({
  ...response,
  groups: response.groups.map((g) => ({
    ...g,
    members: g.members.map((m) => ({ ...m, groupInstanceId: v >= 4 ? 'static-1' : null })),
    authorizedOperations: v >= 3 ? 328 : -0x80000000,
  })),
});

for (let v = 0; v <= DescribeGroupsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    const asked = { groups: ['g', 'nope'], includeAuthorizedOperations: true };
    assertRequestRoundTrip(DescribeGroupsApi, v, asked, { ...asked, includeAuthorizedOperations: v >= 3 });
    assertResponseRoundTrip(DescribeGroupsApi, v, responseAt(4), responseAt(v));
  });
}

test('v5 exact bytes (flexible)', () => {
  assert.equal(encodeRequest(DescribeGroupsApi, { groups: ['g'], includeAuthorizedOperations: false }, 5), hex('02 0267 00 00'));
  const dead: DescribeGroupsResponse = { throttleTimeMs: 0, groups: [{ errorCode: 0, groupId: 'g', groupState: 'Dead', protocolType: '', protocolData: '', members: [] }] };
  assert.equal(encodeResponse(DescribeGroupsApi, dead, 5), hex('00000000 02 0000 0267 0544656164 01 01 01 80000000 00 00'));
});

test('v4 exact bytes: include_authorized_operations, group_instance_id, authorized_operations', () => {
  assert.equal(encodeRequest(DescribeGroupsApi, { groups: ['g'], includeAuthorizedOperations: true }, 4), hex('00000001 0001 67 01'));
  const one: DescribeGroupsResponse = {
    throttleTimeMs: 0,
    groups: [{ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: '', protocolData: '', authorizedOperations: 328, members: [{ memberId: 'm', groupInstanceId: 'i', clientId: '', clientHost: '', memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) }] }],
  };
  assert.equal(
    encodeResponse(DescribeGroupsApi, one, 4),
    hex('00000000 00000001 0000 0001 67 0006 537461626c65 0000 0000 00000001 0001 6d 0001 69 0000 0000 00000000 00000000 00000148'),
  );
});

test('exact bytes', () => {
  assert.equal(encodeRequest(DescribeGroupsApi, { groups: ['g'] }, 0), hex('00000001 0001 67'));
  const dead: DescribeGroupsResponse = { groups: [{ errorCode: 0, groupId: 'g', groupState: 'Dead', protocolType: '', protocolData: '', members: [] }] };
  assert.equal(encodeResponse(DescribeGroupsApi, dead, 1), hex('00000000 00000001 0000 0001 67 0004 44656164 0000 0000 00000000'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [2, 4, DescribeGroupsApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(DescribeGroupsApi, { groups: ['g'] }, v), (r) => DescribeGroupsApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(DescribeGroupsApi, responseAt(4), v), (r) => DescribeGroupsApi.decodeResponse(r, v));
  }
});

test.run();
