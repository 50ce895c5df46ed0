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

for (let v = 0; v <= DescribeGroupsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(DescribeGroupsApi, v, { groups: ['g', 'nope'] }, { groups: ['g', 'nope'] });
    assertResponseRoundTrip(DescribeGroupsApi, v, response, response);
  });
}

test('exact bytes', () => {
  assert.equal(encodeRequest(DescribeGroupsApi, { groups: ['g'] }, 0), hex('00000001 0001 67'));
  const dead: DescribeGroupsResponse = { groups: [{ errorCode: 0, groupId: 'g', groupState: 'Dead', protocolType: '', protocolData: '', members: [] }] };
  assert.equal(encodeResponse(DescribeGroupsApi, dead, 1), hex('00000000 00000001 0000 0001 67 0004 44656164 0000 0000 00000000'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(DescribeGroupsApi, { groups: ['g'] }, 2), (r) => DescribeGroupsApi.decodeRequest(r, 2));
  assertTruncationThrows(encodeResponse(DescribeGroupsApi, response, 2), (r) => DescribeGroupsApi.decodeResponse(r, 2));
});

test.run();
