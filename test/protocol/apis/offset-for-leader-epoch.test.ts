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
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = OffsetForLeaderEpochApi.maxVersion;

const request = (v: number): OffsetForLeaderEpochRequest => ({
  replicaId: v >= 3 ? 2 : -2,
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

test('v3 request defaults replicaId to -2 (unknown, as Kafka) and currentLeaderEpoch to -1', () => {
  const req: OffsetForLeaderEpochRequest = { topics: [{ topic: 't', partitions: [{ partition: 0, leaderEpoch: 1 }] }] };
  assert.equal(
    encodeRequest(OffsetForLeaderEpochApi, req, 3),
    hex('fffffffe  00000001 0001 74  00000001 00000000 ffffffff 00000001'),
  );
});

test('v4 (flexible) request and response: exact bytes both ways', () => {
  const req: OffsetForLeaderEpochRequest = { replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 3, leaderEpoch: 2 }] }] };
  const reqBytes = hex(['ffffffff', '02 02 74', '02 00000000 00000003 00000002 00', '00 00'].join(''));
  assert.equal(encodeRequest(OffsetForLeaderEpochApi, req, 4), reqBytes);
  assert.equal(decodeRequest(OffsetForLeaderEpochApi, reqBytes, 4), req);
  const res: OffsetForLeaderEpochResponse = { throttleTimeMs: 0, topics: [{ topic: 't', partitions: [{ errorCode: 0, partition: 0, leaderEpoch: 2, endOffset: 10 }] }] };
  const resBytes = hex(['00000000', '02 02 74', '02 0000 00000000 00000002 000000000000000a 00', '00 00'].join(''));
  assert.equal(encodeResponse(OffsetForLeaderEpochApi, res, 4), resBytes);
  assert.equal(decodeResponse(OffsetForLeaderEpochApi, resBytes, 4), res);
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
