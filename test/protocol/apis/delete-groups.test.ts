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

test('v2 exact bytes (flexible)', () => {
  assert.equal(encodeRequest(DeleteGroupsApi, { groupsNames: ['g'] }, 2), hex('02 0267 00'));
  assert.equal(encodeResponse(DeleteGroupsApi, { throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 69 }] }, 2), hex('00000000 02 0267 0045 00 00'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [1, 2]) {
    assertTruncationThrows(encodeRequest(DeleteGroupsApi, { groupsNames: ['g'] }, v), (r) => DeleteGroupsApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(DeleteGroupsApi, response, v), (r) => DeleteGroupsApi.decodeResponse(r, v));
  }
});

test.run();
