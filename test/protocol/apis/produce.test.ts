import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProduceApi, type ProduceRequest, type ProduceResponse } from '../../../src/protocol/apis/produce.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  decodeRequest,
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
        },
        { index: 1, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 },
      ],
    },
  ],
  throttleTimeMs: v >= 1 ? 3 : 0,
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
        partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: -1 }],
      },
    ],
    throttleTimeMs: 0,
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

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(ProduceApi, request(MAX), MAX), (r) => ProduceApi.decodeRequest(r, MAX));
  assertTruncationThrows(encodeResponse(ProduceApi, response(MAX), MAX), (r) => ProduceApi.decodeResponse(r, MAX));
});

test.run();
