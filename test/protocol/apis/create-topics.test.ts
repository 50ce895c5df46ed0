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
  decodeRequest,
  decodeResponse,
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

const ID = '6b1d3a7e-0c4f-4e2a-9b8d-1f2e3d4c5b6a';

/** What version v carries of a v7 answer; absent fields decode as their defaults. */
const response = (v: number): CreateTopicsResponse => ({
  throttleTimeMs: v >= 2 ? 6 : 0,
  topics: [
    {
      name: 'orders',
      topicId: v >= 7 ? ID : '00000000-0000-0000-0000-000000000000',
      errorCode: 0,
      errorMessage: null,
      topicConfigErrorCode: 0,
      numPartitions: v >= 5 ? 3 : -1,
      replicationFactor: v >= 5 ? 2 : -1,
      configs: v >= 5 ? [{ name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false }] : null,
    },
    {
      name: 'manual',
      topicId: '00000000-0000-0000-0000-000000000000',
      errorCode: 36,
      errorMessage: v >= 1 ? "Topic 'manual' already exists." : null,
      topicConfigErrorCode: v >= 5 ? 29 : 0,
      numPartitions: -1,
      replicationFactor: -1,
      configs: null,
    },
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

test('v5 request (flexible): exact bytes of a manual assignment with -1 partitions and replication factor', () => {
  const req: CreateTopicsRequest = { topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] }], timeoutMs: 1000, validateOnly: true };
  // compact arrays and strings are length + 1 as an unsigned varint; every struct ends with its tagged fields (00: none)
  const expected = hex('02 0274 ffffffff ffff 02 00000000 03 00000001 00000002 00 01 00 000003e8 01 00');
  assert.equal(encodeRequest(CreateTopicsApi, req, 5), expected);
  assert.equal(decodeRequest(CreateTopicsApi, expected, 5), req);
});

test('v7 response: exact bytes with the topic id, partitions, replication factor, configs and the tagged config error', () => {
  const res: CreateTopicsResponse = {
    throttleTimeMs: 0,
    topics: [{ name: 't', topicId: ID, errorCode: 0, errorMessage: null, topicConfigErrorCode: 40, numPartitions: 3, replicationFactor: 2, configs: [{ name: 'k', value: 'v', readOnly: false, configSource: 5, isSensitive: false }] }],
  };
  const expected = hex(`00000000 02 0274 ${ID.replace(/-/g, '')} 0000 00 00000003 0002 02 026b 0276 00 05 00 00  01 00 02 0028  00`);
  assert.equal(encodeResponse(CreateTopicsApi, res, 7), expected);
  assert.equal(decodeResponse(CreateTopicsApi, expected, 7), res);
});

/** A request frame's body: past size, api key, version, correlation id and client id (header v1). */
const bodyOf = (frame: Buffer) => frame.subarray(14 + frame.readInt16BE(12));

test('librdkafka 2.0.2 (confluent-kafka create_topics with replica_assignment), captured: v4 with -1 partitions and replication factor', () => {
  const frame = hex('000000560013000400000003000772646b61666b6100000001000c6361702d61737369676e6564ffffffffffff000000020000000000000002000000020000000300000001000000020000000300000001000000000000ea6000');
  assert.equal(decodeRequest(CreateTopicsApi, bodyOf(frame), 4), {
    topics: [{ name: 'cap-assigned', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2, 3] }, { partitionIndex: 1, brokerIds: [3, 1] }], configs: [] }],
    timeoutMs: 60_000,
    validateOnly: false,
  });
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
