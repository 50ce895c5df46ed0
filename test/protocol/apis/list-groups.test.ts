import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ListGroupsApi, type ListGroupsResponse } from '../../../src/protocol/apis/list-groups.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const response: ListGroupsResponse = { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'a', protocolType: 'consumer' }, { groupId: 'b', protocolType: '' }] };

for (let v = 0; v <= ListGroupsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(ListGroupsApi, v, {}, {});
    assert.is(encodeRequest(ListGroupsApi, {}, v).length, 0);
    assertResponseRoundTrip(ListGroupsApi, v, response, response);
  });
}

test('exact bytes', () => {
  assert.equal(encodeResponse(ListGroupsApi, { errorCode: 0, groups: [{ groupId: 'g', protocolType: 'c' }] }, 0), hex('0000 00000001 0001 67 0001 63'));
  assert.equal(encodeResponse(ListGroupsApi, { errorCode: 0, groups: [] }, 1), hex('00000000 0000 00000000'));
});

test('truncated response throws ProtocolError', () => {
  assertTruncationThrows(encodeResponse(ListGroupsApi, response, 2), (r) => ListGroupsApi.decodeResponse(r, 2));
});

test.run();
