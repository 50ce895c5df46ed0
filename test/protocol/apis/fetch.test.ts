import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FetchApi, type FetchRequest, type FetchResponse } from '../../../src/protocol/apis/fetch.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = FetchApi.maxVersion;

const request = (v: number): FetchRequest => ({
  replicaId: -1,
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: v >= 3 ? 52428800 : 0x7fffffff,
  isolationLevel: v >= 4 ? 1 : 0,
  sessionId: v >= 7 ? 12 : 0,
  sessionEpoch: v >= 7 ? 3 : -1,
  topics: [
    {
      topic: 'orders',
      partitions: [
        {
          partition: 0,
          currentLeaderEpoch: v >= 9 ? 4 : -1,
          fetchOffset: 100,
          logStartOffset: v >= 5 ? 0 : -1,
          partitionMaxBytes: 1048576,
        },
        { partition: 1, currentLeaderEpoch: -1, fetchOffset: 2 ** 35, logStartOffset: -1, partitionMaxBytes: 1 },
      ],
    },
  ],
  forgottenTopicsData: v >= 7 ? [{ topic: 'old', partitions: [0, 2] }] : [],
  rackId: v >= 11 ? 'rack-a' : '',
});

const response = (v: number): FetchResponse => ({
  throttleTimeMs: v >= 1 ? 9 : 0,
  errorCode: v >= 7 ? 70 : 0,
  sessionId: v >= 7 ? 12 : 0,
  responses: [
    {
      topic: 'orders',
      partitions: [
        {
          partitionIndex: 0,
          errorCode: 0,
          highWatermark: 120,
          lastStableOffset: v >= 4 ? 110 : -1,
          logStartOffset: v >= 5 ? 3 : -1,
          abortedTransactions: v >= 4 ? [{ producerId: 77, firstOffset: 101 }] : [],
          preferredReadReplica: v >= 11 ? 2 : -1,
          records: Buffer.from([9, 8, 7]),
        },
        {
          partitionIndex: 1,
          errorCode: 1,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          abortedTransactions: v >= 4 ? null : [],
          preferredReadReplica: -1,
          records: null,
        },
      ],
    },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(FetchApi, v, request(MAX), request(v));
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(FetchApi, v, response(MAX), response(v));
  });
}

test('missing optional fields get Kafka defaults', () => {
  const req: FetchRequest = {
    replicaId: -1,
    maxWaitMs: 100,
    minBytes: 1,
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 5, partitionMaxBytes: 10 }] }],
  };
  assertRequestRoundTrip(FetchApi, MAX, req, {
    ...req,
    maxBytes: 0x7fffffff,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: 't',
        partitions: [
          { partition: 0, currentLeaderEpoch: -1, fetchOffset: 5, logStartOffset: -1, partitionMaxBytes: 10 },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const res: FetchResponse = {
    responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 5, records: null }] }],
  };
  assertResponseRoundTrip(FetchApi, MAX, res, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 't',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 5,
            lastStableOffset: -1,
            logStartOffset: -1,
            abortedTransactions: [],
            preferredReadReplica: -1,
            records: null,
          },
        ],
      },
    ],
  });
});

test('v4 request: exact bytes', () => {
  const req: FetchRequest = {
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1024,
    isolationLevel: 1,
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 42, partitionMaxBytes: 256 }] }],
  };
  const expected = hex(`
    ffffffff 000001f4 00000001 00000400 01
    00000001 0001 74  00000001 00000000 000000000000002a 00000100
  `);
  assert.equal(encodeRequest(FetchApi, req, 4), expected);
});

test('v4 response: exact bytes', () => {
  const res: FetchResponse = {
    throttleTimeMs: 0,
    responses: [
      {
        topic: 't',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 3,
            lastStableOffset: 3,
            abortedTransactions: [],
            records: Buffer.from([0xab]),
          },
        ],
      },
    ],
  };
  const expected = hex(`
    00000000
    00000001 0001 74  00000001 00000000 0000 0000000000000003 0000000000000003 00000000 00000001 ab
  `);
  assert.equal(encodeResponse(FetchApi, res, 4), expected);
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(FetchApi, request(MAX), MAX), (r) => FetchApi.decodeRequest(r, MAX));
  assertTruncationThrows(encodeResponse(FetchApi, response(MAX), MAX), (r) => FetchApi.decodeResponse(r, MAX));
});

test.run();
