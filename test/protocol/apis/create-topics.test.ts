import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CreateTopicsApi,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from '../../../src/protocol/apis/create-topics.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = CreateTopicsApi.maxVersion;

const request = (v: number): CreateTopicsRequest => ({
  topics: [
    {
      name: 'orders',
      numPartitions: 3,
      replicationFactor: 1,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: null },
      ],
    },
    {
      name: 'manual',
      numPartitions: -1,
      replicationFactor: -1,
      assignments: [
        { partitionIndex: 0, brokerIds: [1] },
        { partitionIndex: 1, brokerIds: [1, 2] },
      ],
      configs: [],
    },
  ],
  timeoutMs: 5000,
  validateOnly: v >= 1,
});

const response = (v: number): CreateTopicsResponse => ({
  throttleTimeMs: v >= 2 ? 6 : 0,
  topics: [
    { name: 'orders', errorCode: 0, errorMessage: null },
    { name: 'manual', errorCode: 36, errorMessage: v >= 1 ? "Topic 'manual' already exists." : null },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(CreateTopicsApi, v, request(MAX), request(v));
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(CreateTopicsApi, v, response(MAX), response(v));
  });
}

test('v0 request: exact bytes', () => {
  const req: CreateTopicsRequest = {
    topics: [
      { name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'k', value: null }] },
    ],
    timeoutMs: 1000,
  };
  const expected = hex('00000001 0001 74 00000002 0001 00000000 00000001 0001 6b ffff  000003e8');
  assert.equal(encodeRequest(CreateTopicsApi, req, 0), expected);
});

test('v2 response: exact bytes', () => {
  const res: CreateTopicsResponse = { throttleTimeMs: 0, topics: [{ name: 't', errorCode: 36, errorMessage: 'x' }] };
  assert.equal(encodeResponse(CreateTopicsApi, res, 2), hex('00000000  00000001 0001 74 0024 0001 78'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(CreateTopicsApi, request(MAX), MAX), (r) =>
    CreateTopicsApi.decodeRequest(r, MAX),
  );
  assertTruncationThrows(encodeResponse(CreateTopicsApi, response(MAX), MAX), (r) =>
    CreateTopicsApi.decodeResponse(r, MAX),
  );
});

test.run();
