import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ListOffsetsApi,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from '../../../src/protocol/apis/list-offsets.js';
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

const MAX = ListOffsetsApi.maxVersion;

const request = (v: number): ListOffsetsRequest => ({
  replicaId: -1,
  isolationLevel: v >= 2 ? 1 : 0,
  topics: [
    {
      name: 'orders',
      partitions: [
        { partitionIndex: 0, currentLeaderEpoch: v >= 4 ? 7 : -1, timestamp: -2, maxNumOffsets: v === 0 ? 5 : 1 },
        { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: 1_700_000_000_000, maxNumOffsets: 1 },
      ],
    },
  ],
});

const response = (v: number): ListOffsetsResponse => ({
  throttleTimeMs: v >= 2 ? 4 : 0,
  topics: [
    {
      name: 'orders',
      partitions: [
        {
          partitionIndex: 0,
          errorCode: 0,
          oldStyleOffsets: [42],
          timestamp: v >= 1 ? 1_700_000_000_000 : -1,
          offset: 42,
          leaderEpoch: v >= 4 ? 3 : -1,
        },
        { partitionIndex: 1, errorCode: 3, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 },
      ],
    },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    // Every field set (v0's maxNumOffsets, v2's isolation level, v4's epoch): each version keeps its own.
    const all = request(0);
    all.topics[0]!.partitions[0]!.currentLeaderEpoch = 7;
    assertRequestRoundTrip(ListOffsetsApi, v, { ...all, isolationLevel: 1 }, request(v));
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(ListOffsetsApi, v, response(MAX), response(v));
  });
}

test('v0 response: offset derived from oldStyleOffsets and back', () => {
  const res: ListOffsetsResponse = {
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, offset: 9 }] }],
  };
  const bytes = encodeResponse(ListOffsetsApi, res, 0);
  assert.equal(bytes, hex('00000001 0001 74  00000001 00000000 0000 00000001 0000000000000009'));
  assert.equal(decodeResponse(ListOffsetsApi, bytes, 0).topics[0]?.partitions[0], {
    partitionIndex: 0,
    errorCode: 0,
    oldStyleOffsets: [9],
    timestamp: -1,
    offset: 9,
    leaderEpoch: -1,
  });
});

test('v0 response: explicit oldStyleOffsets win, first one is the offset', () => {
  const res: ListOffsetsResponse = {
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [8, 3] }] }],
  };
  const decoded = decodeResponse(ListOffsetsApi, encodeResponse(ListOffsetsApi, res, 0), 0);
  assert.equal(decoded.topics[0]?.partitions[0]?.oldStyleOffsets, [8, 3]);
  assert.is(decoded.topics[0]?.partitions[0]?.offset, 8);
});

test('v1 request: exact bytes', () => {
  const req: ListOffsetsRequest = {
    replicaId: -1,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2 }] }],
  };
  assert.equal(
    encodeRequest(ListOffsetsApi, req, 1),
    hex('ffffffff  00000001 0001 74  00000001 00000000 fffffffffffffffe'),
  );
});

test('v4 request and response: exact bytes, with the current leader epoch and the answer\'s leader epoch', () => {
  const req: ListOffsetsRequest = { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 2, timestamp: -3 }] }] };
  const reqBytes = hex('ffffffff 00  00000001 0001 74  00000001 00000000 00000002 fffffffffffffffd');
  assert.equal(encodeRequest(ListOffsetsApi, req, 4), reqBytes);
  assert.equal(decodeRequest(ListOffsetsApi, reqBytes, 4), { ...req, topics: [{ name: 't', partitions: [{ ...req.topics[0]!.partitions[0]!, maxNumOffsets: 1 }] }] });
  const res: ListOffsetsResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [5], timestamp: 1000, offset: 5, leaderEpoch: 2 }] }] };
  const resBytes = hex('00000000  00000001 0001 74  00000001 00000000 0000 00000000000003e8 0000000000000005 00000002');
  assert.equal(encodeResponse(ListOffsetsApi, res, 4), resBytes);
  assert.equal(decodeResponse(ListOffsetsApi, resBytes, 4), res);
});

test('v7 request (flexible) for -3, the max timestamp, and its response: exact bytes both ways', () => {
  const req: ListOffsetsRequest = { replicaId: -1, isolationLevel: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 2, timestamp: -3, maxNumOffsets: 1 }] }] };
  const reqBytes = hex(
    [
      'ffffffff 01', // replica_id, isolation_level
      '02 02 74', // topics: 1 (compact), name "t"
      '02 00000000 00000002 fffffffffffffffd 00', // partitions: 1, index 0, current epoch 2, timestamp -3, no tags
      '00 00', // topic tags, request tags
    ].join(''),
  );
  assert.equal(encodeRequest(ListOffsetsApi, req, 7), reqBytes);
  assert.equal(decodeRequest(ListOffsetsApi, reqBytes, 7), req);
  const res: ListOffsetsResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [5], timestamp: 1000, offset: 5, leaderEpoch: 2 }] }] };
  const resBytes = hex(['00000000', '02 02 74', '02 00000000 0000 00000000000003e8 0000000000000005 00000002 00', '00 00'].join(''));
  assert.equal(encodeResponse(ListOffsetsApi, res, 7), resBytes);
  assert.equal(decodeResponse(ListOffsetsApi, resBytes, 7), res);
});

test('v0 request defaults maxNumOffsets to 1', () => {
  const req: ListOffsetsRequest = {
    replicaId: -1,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
  };
  assert.equal(
    encodeRequest(ListOffsetsApi, req, 0),
    hex('ffffffff  00000001 0001 74  00000001 00000000 ffffffffffffffff 00000001'),
  );
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [0, MAX]) {
    assertTruncationThrows(encodeRequest(ListOffsetsApi, request(v), v), (r) => ListOffsetsApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(ListOffsetsApi, response(v), v), (r) => ListOffsetsApi.decodeResponse(r, v));
  }
});

test.run();
