import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../../src/common/errors.js';
import { OffsetFetchApi, type OffsetFetchRequest, type OffsetFetchResponse } from '../../../src/protocol/apis/offset-fetch.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: OffsetFetchRequest = { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1, 5] }] };
const response: OffsetFetchResponse = {
  throttleTimeMs: 0,
  topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, metadata: '', errorCode: 0 }, { partitionIndex: 1, committedOffset: -1, metadata: null, errorCode: 0 }] }],
  errorCode: 0,
};

/** What a version carries of `response` with leader epoch 7: the epoch from v5 (-1 before). */
const responseAt = (v: number): OffsetFetchResponse => ({
  ...response,
  topics: response.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, committedLeaderEpoch: v >= 5 ? 7 : -1 })) })),
});

for (let v = 0; v <= OffsetFetchApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(OffsetFetchApi, v, request, request);
    assertResponseRoundTrip(OffsetFetchApi, v, responseAt(5), responseAt(v));
  });
}

test('all topics (null) from v2 only; top-level error from v2, throttle time from v3', () => {
  assertRequestRoundTrip(OffsetFetchApi, 2, { groupId: 'g', topics: null }, { groupId: 'g', topics: null });
  assert.throws(() => encodeRequest(OffsetFetchApi, { groupId: 'g', topics: null }, 1), (e: unknown) => e instanceof ProtocolError);
  const failed = { ...responseAt(1), throttleTimeMs: 7, errorCode: 15 };
  assertResponseRoundTrip(OffsetFetchApi, 1, failed, { ...failed, throttleTimeMs: 0, errorCode: 0 });
  assertResponseRoundTrip(OffsetFetchApi, 2, failed, { ...failed, throttleTimeMs: 0 });
  assertResponseRoundTrip(OffsetFetchApi, 3, failed, failed);
});

test('v1 exact bytes', () => {
  assert.equal(encodeRequest(OffsetFetchApi, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [2] }] }, 1), hex('0001 67 00000001 0001 74 00000001 00000002'));
  const res: OffsetFetchResponse = { topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: -1, metadata: '', errorCode: 0 }] }] };
  assert.equal(encodeResponse(OffsetFetchApi, res, 1), hex('00000001 0001 74 00000001 00000002 ffffffffffffffff 0000 0000'));
});

test('truncated request and response throw ProtocolError', () => {
  const v = OffsetFetchApi.maxVersion;
  assertTruncationThrows(encodeRequest(OffsetFetchApi, request, v), (r) => OffsetFetchApi.decodeRequest(r, v));
  assertTruncationThrows(encodeResponse(OffsetFetchApi, response, v), (r) => OffsetFetchApi.decodeResponse(r, v));
});

test.run();
