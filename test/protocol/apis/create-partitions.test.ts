import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CreatePartitionsApi, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../../src/protocol/apis/create-partitions.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: CreatePartitionsRequest = {
  topics: [
    { name: 't', count: 6, assignments: null },
    { name: 'u', count: 2, assignments: [[1, 2]] },
  ],
  timeoutMs: 5000,
  validateOnly: false,
};
const response: CreatePartitionsResponse = { throttleTimeMs: 0, results: [{ name: 't', errorCode: 0, errorMessage: null }, { name: 'u', errorCode: 37, errorMessage: 'fewer' }] };

for (let v = 0; v <= CreatePartitionsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(CreatePartitionsApi, v, request, request);
    assertResponseRoundTrip(CreatePartitionsApi, v, response, response);
  });
}

test('exact bytes', () => {
  assert.equal(encodeRequest(CreatePartitionsApi, { topics: [{ name: 't', count: 4, assignments: null }], timeoutMs: 1000, validateOnly: true }, 0), hex('00000001 0001 74 00000004 ffffffff 000003e8 01'));
  assert.equal(encodeResponse(CreatePartitionsApi, { throttleTimeMs: 0, results: [{ name: 't', errorCode: 0, errorMessage: null }] }, 0), hex('00000000 00000001 0001 74 0000 ffff'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(CreatePartitionsApi, request, 1), (r) => CreatePartitionsApi.decodeRequest(r, 1));
  assertTruncationThrows(encodeResponse(CreatePartitionsApi, response, 1), (r) => CreatePartitionsApi.decodeResponse(r, 1));
});

test.run();
