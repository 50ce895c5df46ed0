import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AUTHORIZED_OPERATIONS_OMITTED, MetadataApi, type MetadataRequest, type MetadataResponse } from '../../../src/protocol/apis/metadata.js';
import { ZERO_UUID } from '../../../src/protocol/schema.js';
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

const MAX = MetadataApi.maxVersion;
const ID = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const OMITTED = AUTHORIZED_OPERATIONS_OMITTED;

/** What version v carries of the fullest request (request(MAX) plus the v8-10 cluster flag); the rest defaults. */
const request = (v: number): MetadataRequest => ({
  topics: [
    { topicId: v >= 10 ? ID : ZERO_UUID, name: 'orders' },
    { topicId: ZERO_UUID, name: 'payments' },
  ],
  allowAutoTopicCreation: v >= 4 ? false : true,
  includeClusterAuthorizedOperations: v >= 8 && v <= 10,
  includeTopicAuthorizedOperations: v >= 8,
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
      topicId: v >= 10 ? ID : ZERO_UUID,
      isInternal: v >= 1 ? true : false,
      partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: v >= 7 ? 4 : -1, replicaNodes: [1, 2, 3], isrNodes: [1], offlineReplicas: v >= 5 ? [3] : [] },
        { errorCode: 5, partitionIndex: 1, leaderId: -1, leaderEpoch: -1, replicaNodes: [], isrNodes: [], offlineReplicas: [] },
      ],
      topicAuthorizedOperations: v >= 8 ? 3576 : OMITTED,
    },
    { errorCode: 3, name: 'missing', topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: OMITTED },
  ],
  clusterAuthorizedOperations: v >= 8 && v <= 10 ? 8096 : OMITTED,
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(MetadataApi, v, { ...request(MAX), includeClusterAuthorizedOperations: true }, request(v));
  });

  test(`v${v} all-topics request round trip`, () => {
    assertRequestRoundTrip(MetadataApi, v, { topics: null }, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
  });

  test(`v${v} response round trip: what the version lacks comes back as its default`, () => {
    const full = { ...response(MAX), clusterAuthorizedOperations: 8096 };
    assertResponseRoundTrip(MetadataApi, v, full, response(v));
  });
}

test('v1+ empty topic list means none, not all', () => {
  assert.equal(decodeRequest(MetadataApi, encodeRequest(MetadataApi, { topics: [] }, 1), 1).topics, []);
});

test('v0 all topics is an empty array on the wire', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: null }, 0), hex('00000000'));
  assert.is(decodeRequest(MetadataApi, hex('00000000'), 0).topics, null);
});

test('v1 request with one topic: exact bytes', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: [{ name: 'foo' }] }, 1), hex('00000001 0003 666f6f'));
  assert.equal(encodeRequest(MetadataApi, { topics: null }, 1), hex('ffffffff'));
});

test('v4 request defaults allowAutoTopicCreation to true', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: null }, 4), hex('ffffffff 01'));
});

test('v9 request (first flexible): compact array and string, tag sections; v12 by id with a null name', () => {
  assert.equal(encodeRequest(MetadataApi, { topics: [{ name: 'foo' }], allowAutoTopicCreation: false }, 9), hex('02 04 666f6f 00  00 00 00  00'));
  const byId = { topics: [{ topicId: ID, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true };
  const bytes = encodeRequest(MetadataApi, byId, 12);
  assert.equal(bytes, hex(`02 ${ID.replace(/-/g, '')} 00 00  00 01  00`));
  assert.equal(decodeRequest(MetadataApi, bytes, 12), { ...byId, includeClusterAuthorizedOperations: false });
});

test('v1 response: exact bytes', () => {
  const res: MetadataResponse = {
    brokers: [{ nodeId: 1, host: 'h', port: 9092 }],
    topics: [{ errorCode: 0, name: 't', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }] }],
  };
  const expected = hex(`
    00000001 00000001 0001 68 00002384 ffff
    ffffffff
    00000001 0000 0001 74 00
      00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001
  `);
  assert.equal(encodeResponse(MetadataApi, res, 1), expected);
});

test('v7 response: the leader epoch after the leader, offline replicas (v5) after the ISR', () => {
  const res: MetadataResponse = {
    brokers: [],
    topics: [{ errorCode: 0, name: 't', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 6, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [2] }] }],
  };
  const expected = hex(`
    00000000 00000000 ffff ffffffff
    00000001 0000 0001 74 00
      00000001 0000 00000000 00000001 00000006 00000002 00000001 00000002 00000001 00000001 00000001 00000002
  `);
  assert.equal(encodeResponse(MetadataApi, res, 7), expected);
});

test('v10 response: flexible, the topic id after the name, cluster authorized operations at the end', () => {
  const res: MetadataResponse = {
    brokers: [{ nodeId: 1, host: 'h', port: 9092 }],
    clusterId: 'c',
    controllerId: 1,
    topics: [{ errorCode: 0, name: 't', topicId: ID, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1] }] }],
  };
  const expected = hex(`
    00000000
    02 00000001 02 68 00002384 00 00
    02 63 00000001
    02 0000 02 74 ${ID.replace(/-/g, '')} 00
      02 0000 00000000 00000001 00000000 02 00000001 02 00000001 01 00
      80000000 00
    80000000 00
  `);
  assert.equal(encodeResponse(MetadataApi, res, 10), expected);
});

test('v12 response: an unknown topic id comes back with a null name', () => {
  const res: MetadataResponse = { brokers: [], topics: [{ errorCode: 100, name: null, topicId: ID, partitions: [] }] };
  const decoded = decodeResponse(MetadataApi, encodeResponse(MetadataApi, res, 12), 12);
  assert.is(decoded.topics[0]!.name, null);
  assert.is(decoded.topics[0]!.topicId, ID);
  assert.is(decoded.topics[0]!.errorCode, 100);
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [4, 9, MAX]) {
    assertTruncationThrows(encodeRequest(MetadataApi, request(v), v), (r) => MetadataApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(MetadataApi, response(v), v), (r) => MetadataApi.decodeResponse(r, v));
  }
});

test.run();
