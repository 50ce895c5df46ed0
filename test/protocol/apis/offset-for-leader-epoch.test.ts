import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  OffsetForLeaderEpochApi,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../../../src/protocol/apis/offset-for-leader-epoch.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = OffsetForLeaderEpochApi.maxVersion;

const request = (v: number): OffsetForLeaderEpochRequest => ({
  replicaId: v >= 3 ? 2 : -1,
  topics: [
    {
      topic: 'orders',
      partitions: [
        { partition: 0, currentLeaderEpoch: v >= 2 ? 5 : -1, leaderEpoch: 4 },
        { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 },
      ],
    },
  ],
});

const response = (v: number): OffsetForLeaderEpochResponse => ({
  throttleTimeMs: v >= 2 ? 8 : 0,
  topics: [
    {
      topic: 'orders',
      partitions: [
        { errorCode: 0, partition: 0, leaderEpoch: v >= 1 ? 4 : -1, endOffset: 2 ** 33 },
        { errorCode: 74, partition: 1, leaderEpoch: -1, endOffset: -1 },
      ],
    },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(OffsetForLeaderEpochApi, v, request(MAX), request(v));
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(OffsetForLeaderEpochApi, v, response(MAX), response(v));
  });
}

test('v0 request and response: exact bytes', () => {
  const req: OffsetForLeaderEpochRequest = { topics: [{ topic: 't', partitions: [{ partition: 0, leaderEpoch: 1 }] }] };
  assert.equal(encodeRequest(OffsetForLeaderEpochApi, req, 0), hex('00000001 0001 74  00000001 00000000 00000001'));
  const res: OffsetForLeaderEpochResponse = {
    topics: [{ topic: 't', partitions: [{ errorCode: 0, partition: 0, endOffset: 10 }] }],
  };
  assert.equal(
    encodeResponse(OffsetForLeaderEpochApi, res, 0),
    hex('00000001 0001 74  00000001 0000 00000000 000000000000000a'),
  );
});

test('v3 request defaults replicaId and currentLeaderEpoch to -1', () => {
  const req: OffsetForLeaderEpochRequest = { topics: [{ topic: 't', partitions: [{ partition: 0, leaderEpoch: 1 }] }] };
  assert.equal(
    encodeRequest(OffsetForLeaderEpochApi, req, 3),
    hex('ffffffff  00000001 0001 74  00000001 00000000 ffffffff 00000001'),
  );
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(OffsetForLeaderEpochApi, request(MAX), MAX), (r) =>
    OffsetForLeaderEpochApi.decodeRequest(r, MAX),
  );
  assertTruncationThrows(encodeResponse(OffsetForLeaderEpochApi, response(MAX), MAX), (r) =>
    OffsetForLeaderEpochApi.decodeResponse(r, MAX),
  );
});

test.run();
