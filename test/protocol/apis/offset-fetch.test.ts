import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OffsetFetchApi, type OffsetFetchRequest, type OffsetFetchResponse } from '../../../src/protocol/apis/offset-fetch.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const topics = [{ name: 't', partitionIndexes: [0, 1, 5] }];
const partitions = [
  { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 7, metadata: '', errorCode: 0 },
  { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
];

/** One group (v0-7) or several (v8+), as each version carries them. */
function requestAt(v: number): OffsetFetchRequest {
  const requireStable = v >= 7;
  if (v >= 8) return { groupId: '', topics: null, groups: [{ groupId: 'g', memberId: v >= 9 ? 'm' : null, memberEpoch: v >= 9 ? 3 : -1, topics }, { groupId: 'h', memberId: null, memberEpoch: -1, topics: null }], requireStable };
  return { groupId: 'g', topics, groups: [], requireStable: requireStable };
}

function responseAt(v: number): OffsetFetchResponse {
  const withEpoch = partitions.map((p) => ({ ...p, committedLeaderEpoch: v >= 5 ? p.committedLeaderEpoch : -1 }));
  const throttleTimeMs = v >= 3 ? 5 : 0;
  if (v >= 8) return { throttleTimeMs, topics: [], errorCode: 0, groups: [{ groupId: 'g', topics: [{ name: 't', partitions: withEpoch }], errorCode: 0 }, { groupId: 'h', topics: [], errorCode: 16 }] };
  return { throttleTimeMs, topics: [{ name: 't', partitions: withEpoch }], errorCode: v >= 2 ? 16 : 0, groups: [] };
}

for (let v = 0; v <= OffsetFetchApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(OffsetFetchApi, v, requestAt(v), requestAt(v));
    assertResponseRoundTrip(OffsetFetchApi, v, { ...responseAt(v), throttleTimeMs: 5, errorCode: 16 }, responseAt(v));
  });
}

test('all topics (null) from v2 only', () => {
  assertRequestRoundTrip(OffsetFetchApi, 2, { groupId: 'g', topics: null }, { groupId: 'g', topics: null, groups: [], requireStable: false });
  assert.throws(() => encodeRequest(OffsetFetchApi, { groupId: 'g', topics: null }, 1));
});

test('v1 exact bytes', () => {
  assert.equal(encodeRequest(OffsetFetchApi, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [2] }] }, 1), hex('0001 67 00000001 0001 74 00000001 00000002'));
  const res: OffsetFetchResponse = { topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: -1, metadata: '', errorCode: 0 }] }] };
  assert.equal(encodeResponse(OffsetFetchApi, res, 1), hex('00000001 0001 74 00000001 00000002 ffffffffffffffff 0000 0000'));
});

test('v8 exact bytes: several groups, each topics list nullable', () => {
  const req: OffsetFetchRequest = { groups: [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: [2] }] }, { groupId: 'h', topics: null }], requireStable: true };
  assert.equal(encodeRequest(OffsetFetchApi, req, 8), hex('03  0267 02 0274 02 00000002 00 00  0268 00 00  01 00'));
  const res: OffsetFetchResponse = {
    throttleTimeMs: 0,
    topics: [],
    groups: [{ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: 9, committedLeaderEpoch: 1, metadata: null, errorCode: 0 }] }], errorCode: 0 }],
  };
  assert.equal(encodeResponse(OffsetFetchApi, res, 8), hex('00000000 02 0267 02 0274 02 00000002 0000000000000009 00000001 00 0000 00 00 0000 00 00'));
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [5, 7, OffsetFetchApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(OffsetFetchApi, requestAt(v), v), (r) => OffsetFetchApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(OffsetFetchApi, responseAt(v), v), (r) => OffsetFetchApi.decodeResponse(r, v));
  }
});

test.run();
