import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ListGroupsApi, type ListGroupsRequest, type ListGroupsResponse } from '../../../src/protocol/apis/list-groups.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: ListGroupsRequest = { statesFilter: ['Stable', 'Empty'], typesFilter: ['classic'] };
/** The state filter from v4, the type filter from v5. */
const requestAt = (v: number): ListGroupsRequest => ({ statesFilter: v >= 4 ? request.statesFilter! : [], typesFilter: v >= 5 ? request.typesFilter! : [] });

const response: ListGroupsResponse = {
  throttleTimeMs: 2,
  errorCode: 0,
  groups: [
    { groupId: 'a', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
    { groupId: 'b', protocolType: '', groupState: 'Empty', groupType: 'classic' },
  ],
};
/** Throttle time v1+, each group's state v4+ and type v5+. */
const responseAt = (v: number): ListGroupsResponse => ({
  ...response,
  throttleTimeMs: v >= 1 ? response.throttleTimeMs! : 0,
  groups: response.groups.map((g) => ({ ...g, groupState: v >= 4 ? g.groupState! : '', groupType: v >= 5 ? g.groupType! : '' })),
});

for (let v = 0; v <= ListGroupsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(ListGroupsApi, v, request, requestAt(v));
    assertResponseRoundTrip(ListGroupsApi, v, response, responseAt(v));
  });
}

test('v0-2 request is an empty body; v3 only a tag section', () => {
  for (let v = 0; v <= 2; v++) assert.is(encodeRequest(ListGroupsApi, {}, v).length, 0);
  assert.equal(encodeRequest(ListGroupsApi, {}, 3), hex('00'));
});

test('exact bytes', () => {
  assert.equal(encodeResponse(ListGroupsApi, { errorCode: 0, groups: [{ groupId: 'g', protocolType: 'c' }] }, 0), hex('0000 00000001 0001 67 0001 63'));
  assert.equal(encodeResponse(ListGroupsApi, { errorCode: 0, groups: [] }, 1), hex('00000000 0000 00000000'));
  assert.equal(encodeRequest(ListGroupsApi, request, 5), hex('03 07537461626c65 06456d707479  02 08636c6173736963  00'));
  const one: ListGroupsResponse = { errorCode: 0, groups: [{ groupId: 'g', protocolType: 'c', groupState: 'Empty', groupType: 'classic' }] };
  assert.equal(encodeResponse(ListGroupsApi, one, 5), hex('00000000 0000 02 0267 0263 06456d707479 08636c6173736963 00 00'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [2, ListGroupsApi.maxVersion]) {
    assertTruncationThrows(encodeResponse(ListGroupsApi, response, v), (r) => ListGroupsApi.decodeResponse(r, v));
  }
  assertTruncationThrows(encodeRequest(ListGroupsApi, request, 5), (r) => ListGroupsApi.decodeRequest(r, 5));
});

test.run();
