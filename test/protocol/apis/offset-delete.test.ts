import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OffsetDeleteApi, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../../../src/protocol/apis/offset-delete.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: OffsetDeleteRequest = { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }, { partitionIndex: 2 }] }] };
const response: OffsetDeleteResponse = { errorCode: 0, throttleTimeMs: 3, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 86 }] }] };

test('v0 round trip', () => {
  assertRequestRoundTrip(OffsetDeleteApi, 0, request, request);
  assertResponseRoundTrip(OffsetDeleteApi, 0, response, response);
});

test('v0 exact bytes (error code before throttle time)', () => {
  assert.equal(encodeRequest(OffsetDeleteApi, request, 0), hex('0001 67 00000001 0001 74 00000002 00000000 00000002'));
  assert.equal(encodeResponse(OffsetDeleteApi, response, 0), hex('0000 00000003 00000001 0001 74 00000002 00000000 0000 00000002 0056'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(OffsetDeleteApi, request, 0), (r) => OffsetDeleteApi.decodeRequest(r, 0));
  assertTruncationThrows(encodeResponse(OffsetDeleteApi, response, 0), (r) => OffsetDeleteApi.decodeResponse(r, 0));
});

test.run();
