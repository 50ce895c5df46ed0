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
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = DeleteTopicsApi.maxVersion;

const ZERO = '00000000-0000-0000-0000-000000000000';
const ID = '0f1e2d3c-4b5a-4978-8877-665544332211';

/** v0-5 name topics, v6 names or ids; each version decodes the other's list as empty. */
const request = (v: number): DeleteTopicsRequest =>
  v >= 6
    ? { topics: [{ name: 'orders', topicId: ZERO }, { name: null, topicId: ID }], topicNames: [], timeoutMs: 3000 }
    : { topics: [], topicNames: ['orders', 'payments'], timeoutMs: 3000 };

const response = (v: number): DeleteTopicsResponse => ({
  throttleTimeMs: v >= 1 ? 2 : 0,
  responses: [
    { name: 'orders', topicId: v >= 6 ? ID : ZERO, errorCode: 0, errorMessage: null },
    { name: 'payments', topicId: ZERO, errorCode: 3, errorMessage: v >= 5 ? 'no such topic' : null },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(DeleteTopicsApi, v, request(v), request(v));
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

test('v6 request (flexible): exact bytes of a topic named by id', () => {
  const req: DeleteTopicsRequest = { topics: [{ name: null, topicId: ID }], topicNames: [], timeoutMs: 1000 };
  const expected = hex(`02 00 ${ID.replace(/-/g, '')} 00 000003e8 00`);
  assert.equal(encodeRequest(DeleteTopicsApi, req, 6), expected);
  assert.equal(decodeRequest(DeleteTopicsApi, expected, 6), req);
});

test('v6 response: exact bytes of an unknown id (null name, UNKNOWN_TOPIC_ID 100, a message)', () => {
  const res: DeleteTopicsResponse = { throttleTimeMs: 0, responses: [{ name: null, topicId: ID, errorCode: 100, errorMessage: 'x' }] };
  const expected = hex(`00000000 02 00 ${ID.replace(/-/g, '')} 0064 0278 00 00`);
  assert.equal(encodeResponse(DeleteTopicsApi, res, 6), expected);
  assert.equal(decodeResponse(DeleteTopicsApi, expected, 6), res);
});

test('v1 response: exact bytes', () => {
  const res: DeleteTopicsResponse = { responses: [{ name: 't', errorCode: 3 }] };
  assert.equal(encodeResponse(DeleteTopicsApi, res, 1), hex('00000000  00000001 0001 74 0003'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(DeleteTopicsApi, request(MAX), MAX), (r) => DeleteTopicsApi.decodeRequest(r, MAX));
  assertTruncationThrows(encodeResponse(DeleteTopicsApi, response(MAX), MAX), (r) =>
    DeleteTopicsApi.decodeResponse(r, MAX),
  );
});

test.run();
