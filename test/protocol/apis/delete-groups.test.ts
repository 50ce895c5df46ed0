import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeleteGroupsApi, type DeleteGroupsResponse } from '../../../src/protocol/apis/delete-groups.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const response: DeleteGroupsResponse = { throttleTimeMs: 0, results: [{ groupId: 'a', errorCode: 0 }, { groupId: 'b', errorCode: 68 }] };

for (let v = 0; v <= DeleteGroupsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(DeleteGroupsApi, v, { groupsNames: ['a', 'b'] }, { groupsNames: ['a', 'b'] });
    assertResponseRoundTrip(DeleteGroupsApi, v, response, response);
  });
}

test('exact bytes', () => {
  assert.equal(encodeRequest(DeleteGroupsApi, { groupsNames: ['g'] }, 0), hex('00000001 0001 67'));
  assert.equal(encodeResponse(DeleteGroupsApi, { throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 69 }] }, 0), hex('00000000 00000001 0001 67 0045'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(DeleteGroupsApi, { groupsNames: ['g'] }, 1), (r) => DeleteGroupsApi.decodeRequest(r, 1));
  assertTruncationThrows(encodeResponse(DeleteGroupsApi, response, 1), (r) => DeleteGroupsApi.decodeResponse(r, 1));
});

test.run();
