import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CreatePartitionsApi, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../../src/protocol/apis/create-partitions.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: CreatePartitionsRequest = {
  topics: [
    { name: 't', count: 6, assignments: null },
    { name: 'u', count: 3, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
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

test('v2 (flexible): exact bytes of a manual assignment and of a refusal', () => {
  const req: CreatePartitionsRequest = { topics: [{ name: 't', count: 2, assignments: [{ brokerIds: [3, 1] }] }], timeoutMs: 1000, validateOnly: false };
  const expectedReq = hex('02 0274 00000002 02 03 00000003 00000001 00 00 000003e8 00 00');
  assert.equal(encodeRequest(CreatePartitionsApi, req, 2), expectedReq);
  assert.equal(decodeRequest(CreatePartitionsApi, expectedReq, 3), req);
  const res: CreatePartitionsResponse = { throttleTimeMs: 0, results: [{ name: 't', errorCode: 39, errorMessage: 'x' }] };
  const expectedRes = hex('00000000 02 0274 0027 0278 00 00');
  assert.equal(encodeResponse(CreatePartitionsApi, res, 3), expectedRes);
  assert.equal(decodeResponse(CreatePartitionsApi, expectedRes, 2), res);
});

test('librdkafka 2.0.2 (confluent-kafka create_partitions with replica_assignment), captured: v0', () => {
  const frame = hex('0000003c0025000000000005000772646b61666b6100000001000c6361702d61737369676e656400000003000000010000000200000001000000020000ea6000');
  const body = frame.subarray(14 + frame.readInt16BE(12));
  assert.equal(decodeRequest(CreatePartitionsApi, body, 0), { topics: [{ name: 'cap-assigned', count: 3, assignments: [{ brokerIds: [1, 2] }] }], timeoutMs: 60_000, validateOnly: false });
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(CreatePartitionsApi, request, 3), (r) => CreatePartitionsApi.decodeRequest(r, 3));
  assertTruncationThrows(encodeResponse(CreatePartitionsApi, response, 3), (r) => CreatePartitionsApi.decodeResponse(r, 3));
});

test.run();
