import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProduceApi, type ProduceRequest, type ProduceResponse } from '../../../src/protocol/apis/produce.js';
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

const MAX = ProduceApi.maxVersion;

const request = (v: number): ProduceRequest => ({
  transactionalId: v >= 3 ? 'tx-1' : null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [
    {
      name: 'orders',
      partitionData: [
        { index: 0, records: Buffer.from([1, 2, 3, 4]) },
        { index: 1, records: null },
      ],
    },
    { name: 'empty', partitionData: [{ index: 2, records: Buffer.alloc(0) }] },
  ],
});

const response = (v: number): ProduceResponse => ({
  responses: [
    {
      name: 'orders',
      partitionResponses: [
        {
          index: 0,
          errorCode: 0,
          baseOffset: 2 ** 40,
          logAppendTimeMs: v >= 2 ? 1_700_000_000_000 : -1,
          logStartOffset: v >= 5 ? 7 : -1,
          recordErrors: v >= 8 ? [{ batchIndex: 0, batchIndexErrorMessage: 'bad' }, { batchIndex: 2, batchIndexErrorMessage: null }] : [],
          errorMessage: null,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
        },
        {
          index: 1,
          errorCode: 6,
          baseOffset: -1,
          logAppendTimeMs: -1,
          logStartOffset: -1,
          recordErrors: [],
          errorMessage: v >= 8 ? 'not the leader' : null,
          currentLeader: v >= 10 ? { leaderId: 2, leaderEpoch: 5 } : { leaderId: -1, leaderEpoch: -1 },
        },
      ],
    },
  ],
  throttleTimeMs: v >= 1 ? 3 : 0,
  nodeEndpoints: v >= 10 ? [{ nodeId: 2, host: '127.0.0.1', port: 9093, rack: null }] : [],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    assertRequestRoundTrip(ProduceApi, v, request(MAX), request(v));
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(ProduceApi, v, response(MAX), response(v));
  });
}

test('missing optional response fields get Kafka defaults', () => {
  const minimal: ProduceResponse = {
    responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5 }] }],
  };
  assertResponseRoundTrip(ProduceApi, MAX, minimal, {
    responses: [
      {
        name: 't',
        partitionResponses: [
          { index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } },
        ],
      },
    ],
    throttleTimeMs: 0,
    nodeEndpoints: [],
  });
});

test('records are passed through undecoded', () => {
  const records = Buffer.from('not a record batch');
  const req: ProduceRequest = {
    acks: 1,
    timeoutMs: 100,
    topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
  };
  const decoded = decodeRequest(ProduceApi, encodeRequest(ProduceApi, req, 3), 3);
  assert.equal(decoded.topicData[0]?.partitionData[0]?.records, records);
});

test('v3 request: exact bytes', () => {
  const req: ProduceRequest = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }],
  };
  const expected = hex('ffff ffff 00007530  00000001 0001 74  00000001 00000000 00000003 010203');
  assert.equal(encodeRequest(ProduceApi, req, 3), expected);
});

test('v2 response: exact bytes', () => {
  const res: ProduceResponse = {
    responses: [{ name: 't', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 16 }] }],
    throttleTimeMs: 0,
  };
  const expected = hex('00000001 0001 74  00000001 00000001 0000 0000000000000010 ffffffffffffffff  00000000');
  assert.equal(encodeResponse(ProduceApi, res, 2), expected);
});

// Flexible versions, assembled field by field from Kafka's ProduceRequest/Response.json.
test('v9 request (flexible): exact bytes both ways, records a view of the frame', () => {
  const req: ProduceRequest = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }] };
  const bytes = hex(
    [
      '00 ffff 00007530', // transactional_id null (compact), acks -1, timeout
      '02 02 74', // topic_data: 1, name "t"
      '02 00000000 04 010203 00', // partition_data: 1, index 0, records (compact: 3 + 1), no tags
      '00 00', // topic tags, request tags
    ].join(''),
  );
  assert.equal(encodeRequest(ProduceApi, req, 9), bytes);
  const decoded = decodeRequest(ProduceApi, bytes, 9);
  assert.equal(decoded, req);
  bytes[bytes.length - 6] = 9; // the first record byte, in the frame
  assert.equal([...decoded.topicData[0]!.partitionData[0]!.records!], [9, 2, 3], 'records are a view of the frame, not a copy');
});

test('v10 response: the KIP-951 current leader (partition tag 0) and node endpoints (response tag 0); exact bytes both ways', () => {
  const res: ProduceResponse = {
    responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null, currentLeader: { leaderId: 2, leaderEpoch: 7 } }] }],
    throttleTimeMs: 0,
    nodeEndpoints: [{ nodeId: 2, host: 'h', port: 9092, rack: null }],
  };
  const bytes = hex(
    [
      '02 02 74', // responses: 1, name "t"
      '02 00000000 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff', // index 0, NOT_LEADER_OR_FOLLOWER, offsets -1
      '01 00', // record_errors: none, error_message null
      '01 00 09 00000002 00000007 00', // tags: one, tag 0, 9 bytes: leader 2, epoch 7, no tags
      '00', // topic tags
      '00000000', // throttle_time_ms
      '01 00 0d 02 00000002 02 68 00002384 00 00', // tags: one, tag 0, 13 bytes: one endpoint (2, "h", 9092, rack null)
    ].join(''),
  );
  assert.equal(encodeResponse(ProduceApi, res, 10), bytes);
  assert.equal(decodeResponse(ProduceApi, bytes, 10), res);
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [8, MAX]) {
    assertTruncationThrows(encodeRequest(ProduceApi, request(MAX), v), (r) => ProduceApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(ProduceApi, response(MAX), v), (r) => ProduceApi.decodeResponse(r, v));
  }
});

test.run();
