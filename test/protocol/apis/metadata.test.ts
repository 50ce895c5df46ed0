import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetadataApi, type MetadataRequest, type MetadataResponse } from '../../../src/protocol/apis/metadata.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  decodeRequest,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = MetadataApi.maxVersion;

const request = (v: number): MetadataRequest => ({
  topics: [{ name: 'orders' }, { name: 'payments' }],
  allowAutoTopicCreation: v >= 4 ? false : true,
});

const response = (v: number): MetadataResponse => ({
  throttleTimeMs: v >= 3 ? 10 : 0,
  brokers: [
    { nodeId: 1, host: 'localhost', port: 9092, rack: v >= 1 ? 'rack-a' : null },
    { nodeId: 2, host: 'broker-2', port: 9093, rack: null },
  ],
  clusterId: v >= 2 ? 'yak-cluster' : null,
  controllerId: v >= 1 ? 1 : -1,
  topics: [
    {
      errorCode: 0,
      name: 'orders',
      isInternal: v >= 1 ? true : false,
      partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1] },
        { errorCode: 5, partitionIndex: 1, leaderId: -1, replicaNodes: [], isrNodes: [] },
      ],
    },
    { errorCode: 3, name: 'missing', isInternal: false, partitions: [] },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(MetadataApi, v, request(MAX), request(v));
  });

  test(`v${v} all-topics request round trip`, () => {
    assertRequestRoundTrip(MetadataApi, v, { topics: null }, { topics: null, allowAutoTopicCreation: true });
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(MetadataApi, v, response(MAX), response(v));
  });
}

test('v1+ empty topic list means none, not all', () => {
  assertRequestRoundTrip(MetadataApi, 1, { topics: [] }, { topics: [], allowAutoTopicCreation: true });
});

test('v0 all topics is an empty array on the wire', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: null }, 0), hex('00000000'));
  assert.equal(decodeRequest(MetadataApi, hex('00000000'), 0), { topics: null, allowAutoTopicCreation: true });
});

test('v1 request with one topic: exact bytes', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: [{ name: 'foo' }] }, 1), hex('00000001 0003 666f6f'));
  assert.equal(encodeRequest(MetadataApi, { topics: null }, 1), hex('ffffffff'));
});

test('v4 request defaults allowAutoTopicCreation to true', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: null }, 4), hex('ffffffff 01'));
});

test('v1 response: exact bytes', () => {
  const res: MetadataResponse = {
    brokers: [{ nodeId: 1, host: 'h', port: 9092 }],
    topics: [
      {
        errorCode: 0,
        name: 't',
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }],
      },
    ],
  };
  const expected = hex(`
    00000001 00000001 0001 68 00002384 ffff
    ffffffff
    00000001 0000 0001 74 00
      00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001
  `);
  assert.equal(encodeResponse(MetadataApi, res, 1), expected);
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(MetadataApi, request(MAX), MAX), (r) => MetadataApi.decodeRequest(r, MAX));
  assertTruncationThrows(encodeResponse(MetadataApi, response(MAX), MAX), (r) => MetadataApi.decodeResponse(r, MAX));
});

test.run();
