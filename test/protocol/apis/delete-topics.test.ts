import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DeleteTopicsApi,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
} from '../../../src/protocol/apis/delete-topics.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = DeleteTopicsApi.maxVersion;

const request: DeleteTopicsRequest = { topicNames: ['orders', 'payments'], timeoutMs: 3000 };

const response = (v: number): DeleteTopicsResponse => ({
  throttleTimeMs: v >= 1 ? 2 : 0,
  responses: [
    { name: 'orders', errorCode: 0 },
    { name: 'payments', errorCode: 3 },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(DeleteTopicsApi, v, request, request);
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(DeleteTopicsApi, v, response(MAX), response(v));
  });
}

test('v0 request: exact bytes', () => {
  assert.equal(
    encodeRequest(DeleteTopicsApi, { topicNames: ['t'], timeoutMs: 1000 }, 0),
    hex('00000001 0001 74 000003e8'),
  );
});

test('v1 response: exact bytes', () => {
  const res: DeleteTopicsResponse = { responses: [{ name: 't', errorCode: 3 }] };
  assert.equal(encodeResponse(DeleteTopicsApi, res, 1), hex('00000000  00000001 0001 74 0003'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(DeleteTopicsApi, request, MAX), (r) => DeleteTopicsApi.decodeRequest(r, MAX));
  assertTruncationThrows(encodeResponse(DeleteTopicsApi, response(MAX), MAX), (r) =>
    DeleteTopicsApi.decodeResponse(r, MAX),
  );
});

test.run();
