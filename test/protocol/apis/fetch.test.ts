import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FetchApi, type FetchRequest, type FetchResponse } from '../../../src/protocol/apis/fetch.js';
import { BatchList, type Records } from '../../../src/protocol/batch-list.js';
import { finishFrameChunks, startResponseFrame } from '../../../src/protocol/framing.js';
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

const MAX = FetchApi.maxVersion;
const ID = '0123abcd-0000-4000-8000-00000000beef';

/** Every field set: what each version decodes to (fields it lacks at their defaults). */
const request = (v: number): FetchRequest => ({
  clusterId: v >= 12 ? 'cluster-1' : null,
  replicaId: 2,
  replicaState: v >= 15 ? { replicaId: 2, replicaEpoch: 7 } : { replicaId: -1, replicaEpoch: -1 },
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: v >= 3 ? 52428800 : 0x7fffffff,
  isolationLevel: v >= 4 ? 1 : 0,
  sessionId: v >= 7 ? 12 : 0,
  sessionEpoch: v >= 7 ? 3 : -1,
  topics: [
    {
      topic: v <= 12 ? 'orders' : '',
      topicId: v >= 13 ? ID : ZERO_UUID,
      partitions: [
        {
          partition: 0,
          currentLeaderEpoch: v >= 9 ? 4 : -1,
          fetchOffset: 100,
          lastFetchedEpoch: v >= 12 ? 3 : -1,
          logStartOffset: v >= 5 ? 0 : -1,
          partitionMaxBytes: 1048576,
        },
        { partition: 1, currentLeaderEpoch: -1, fetchOffset: 2 ** 35, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 },
      ],
    },
  ],
  forgottenTopicsData: v >= 7 ? [{ topic: v <= 12 ? 'old' : '', topicId: v >= 13 ? ID : ZERO_UUID, partitions: [0, 2] }] : [],
  rackId: v >= 11 ? 'rack-a' : '',
});

/** The input: names and ids both given, so each version writes the one it carries. */
const fullRequest = (): FetchRequest => {
  const r = request(MAX);
  r.topics[0]!.topic = 'orders';
  r.forgottenTopicsData![0]!.topic = 'old';
  return r;
};

const response = (v: number): FetchResponse => ({
  throttleTimeMs: v >= 1 ? 9 : 0,
  errorCode: v >= 7 ? 70 : 0,
  sessionId: v >= 7 ? 12 : 0,
  responses: [
    {
      topic: v <= 12 ? 'orders' : '',
      topicId: v >= 13 ? ID : ZERO_UUID,
      partitions: [
        {
          partitionIndex: 0,
          errorCode: 0,
          highWatermark: 120,
          lastStableOffset: v >= 4 ? 110 : -1,
          logStartOffset: v >= 5 ? 3 : -1,
          divergingEpoch: v >= 12 ? { epoch: 2, endOffset: 90 } : { epoch: -1, endOffset: -1 },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1, epoch: -1 },
          abortedTransactions: v >= 4 ? [{ producerId: 77, firstOffset: 101 }] : null,
          preferredReadReplica: v >= 11 ? 2 : -1,
          records: Buffer.from([9, 8, 7]),
        },
        {
          partitionIndex: 1,
          errorCode: 6,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          divergingEpoch: { epoch: -1, endOffset: -1 },
          currentLeader: v >= 12 ? { leaderId: 3, leaderEpoch: 8 } : { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1, epoch: -1 },
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: null,
        },
      ],
    },
  ],
  nodeEndpoints: v >= 16 ? [{ nodeId: 3, host: 'localhost', port: 9094, rack: null }] : [],
});

const fullResponse = (): FetchResponse => {
  const r = response(MAX);
  r.responses[0]!.topic = 'orders';
  return r;
};

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(FetchApi, v, fullRequest(), request(v));
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(FetchApi, v, fullResponse(), response(v));
  });
}

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
    responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 3, lastStableOffset: 3, abortedTransactions: [], records: Buffer.from([0xab]) }] }],
  };
  const expected = hex(`
    00000000
    00000001 0001 74  00000001 00000000 0000 0000000000000003 0000000000000003 00000000 00000001 ab
  `);
  assert.equal(encodeResponse(FetchApi, res, 4), expected);
});

// Flexible versions, assembled field by field from Kafka's FetchRequest/Response.json.
const V12_REQUEST: FetchRequest = {
  replicaId: -1,
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 1024,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: 0,
  topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 5, fetchOffset: 42, lastFetchedEpoch: 4, logStartOffset: -1, partitionMaxBytes: 256 }] }],
  forgottenTopicsData: [],
  rackId: '',
};
const V12_REQUEST_BYTES = hex(
  [
    'ffffffff 000001f4 00000001 00000400 00 00000000 00000000',
    '02 02 74', // topics: 1 (compact length + 1), name "t"
    '02 00000000 00000005 000000000000002a 00000004 ffffffffffffffff 00000100 00', // one partition, no tags
    '00', // topic tags
    '01', // forgotten_topics_data: none
    '01', // rack_id ""
    '00', // request tags
  ].join(''),
);

test('v12 request (flexible): exact bytes both ways', () => {
  assert.equal(encodeRequest(FetchApi, V12_REQUEST, 12), V12_REQUEST_BYTES);
  const decoded = decodeRequest(FetchApi, V12_REQUEST_BYTES, 12);
  assert.equal(decoded.topics, [{ topic: 't', topicId: ZERO_UUID, partitions: V12_REQUEST.topics[0]!.partitions }]);
  assert.is(decoded.clusterId, null);
});

test('v13 request: topics by id; v15: the replica id in the tagged replica_state; exact bytes both ways', () => {
  const req: FetchRequest = { ...V12_REQUEST, replicaId: 3, topics: [{ ...V12_REQUEST.topics[0]!, topic: '', topicId: ID }] };
  const topicBytes = `02 0123abcd00004000800000000000beef
    02 00000000 00000005 000000000000002a 00000004 ffffffffffffffff 00000100 00
  00 01 01`;
  const v13 = hex(`00000003 000001f4 00000001 00000400 00 00000000 00000000 ${topicBytes} 00`);
  assert.equal(encodeRequest(FetchApi, req, 13), v13);
  assert.equal(decodeRequest(FetchApi, v13, 13).topics[0]!.topicId, ID);
  // v15: no replica_id field; tag 1 in the request's tags, 13 bytes: replica_id 3, replica_epoch -1, the struct's own (empty) tags.
  const v15 = hex(`000001f4 00000001 00000400 00 00000000 00000000 ${topicBytes} 01 01 0d 00000003 ffffffffffffffff 00`);
  assert.equal(encodeRequest(FetchApi, req, 15), v15);
  const decoded = decodeRequest(FetchApi, v15, 15);
  assert.is(decoded.replicaId, 3);
  assert.equal(decoded.replicaState, { replicaId: 3, replicaEpoch: -1 });
});

test('v16 response: the KIP-951 current leader (partition tag 1) and node endpoints (response tag 0); exact bytes both ways', () => {
  const res: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 9,
    responses: [{ topic: '', topicId: ID, partitions: [{ partitionIndex: 0, errorCode: 6, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, currentLeader: { leaderId: 2, leaderEpoch: 7 }, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0) }] }],
    nodeEndpoints: [{ nodeId: 2, host: 'h', port: 9092, rack: null }],
  };
  const bytes = hex(
    [
      '00000000 0000 00000009',
      '02 0123abcd00004000800000000000beef',
      '02 00000000 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff',
      '00 ffffffff 01', // aborted_transactions null, preferred_read_replica -1, records empty
      '01 01 09 00000002 00000007 00', // tags: one, tag 1, 9 bytes: leader 2, epoch 7, the struct's (empty) tags
      '00', // topic tags
      '01 00 0d 02 00000002 02 68 00002384 00 00', // tags: one, tag 0, 13 bytes: one endpoint (node 2, host "h", port 9092, rack null, no tags)
    ].join(''),
  );
  assert.equal(encodeResponse(FetchApi, res, 16), bytes);
  const decoded = decodeResponse(FetchApi, bytes, 16);
  assert.equal(decoded.nodeEndpoints, res.nodeEndpoints);
  assert.equal(decoded.responses[0]!.partitions[0]!.currentLeader, { leaderId: 2, leaderEpoch: 7 });
  assert.equal(decoded.responses[0]!.partitions[0]!.records, Buffer.alloc(0));
});

test("a partition's batches as a BatchList: the frame's bytes are those of their concatenation, the large batches its chunks themselves (never copied)", () => {
  const batch = (size: number, fill: number) => Buffer.alloc(size, fill);
  const batches = [batch(5000, 1), batch(100, 2), batch(16384, 3)];
  const frame = (records: Records, v: number) => {
    const w = startResponseFrame(7, 256, v >= 12 ? 1 : 0);
    const res = fullResponse() as FetchResponse<Records>;
    res.responses[0]!.partitions[0]!.records = records;
    // The broker's answer goes through the router untyped; the codec writes either records value.
    FetchApi.encodeResponse(w, res as FetchResponse, v);
    return finishFrameChunks(w);
  };
  for (const v of [4, 11, 12, MAX]) {
    const joined = Buffer.concat(frame(Buffer.concat(batches), v));
    const chunks = frame(new BatchList(batches), v);
    assert.equal(Buffer.concat(chunks), joined, `v${v}: the same bytes`);
    assert.ok(chunks.includes(batches[0]!) && chunks.includes(batches[2]!), `v${v}: the large batches are written by reference`);
    const decoded = decodeResponse(FetchApi, Buffer.concat(chunks).subarray(v >= 12 ? 9 : 8), v);
    assert.equal(decoded.responses[0]!.partitions[0]!.records, Buffer.concat(batches), `v${v}: a client reads one buffer`);
  }
  assert.is(new BatchList(batches).length, 5000 + 100 + 16384, 'its length is its bytes, as a Buffer');
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [11, MAX]) {
    assertTruncationThrows(encodeRequest(FetchApi, fullRequest(), v), (r) => FetchApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(FetchApi, fullResponse(), v), (r) => FetchApi.decodeResponse(r, v));
  }
});

test.run();
