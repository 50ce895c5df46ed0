import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  InitProducerIdApi,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../../src/protocol/apis/init-producer-id.js';
import {
  assertRequestRoundTrip,
  assertResponseRoundTrip,
  assertTruncationThrows,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = InitProducerIdApi.maxVersion;

const requests: InitProducerIdRequest[] = [
  { transactionalId: null, transactionTimeoutMs: 60000 },
  { transactionalId: 'tx-1', transactionTimeoutMs: 30000 },
];

const response: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 2 ** 40 + 1, producerEpoch: 3 };

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    for (const req of requests) assertRequestRoundTrip(InitProducerIdApi, v, req, req);
  });

  test(`v${v} response round trip`, () => {
    assertResponseRoundTrip(InitProducerIdApi, v, response, response);
  });
}

test('v0 request and response: exact bytes', () => {
  assert.equal(
    encodeRequest(InitProducerIdApi, { transactionalId: null, transactionTimeoutMs: 60000 }, 0),
    hex('ffff 0000ea60'),
  );
  const res: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 1000, producerEpoch: 0 };
  assert.equal(encodeResponse(InitProducerIdApi, res, 0), hex('00000000 0000 00000000000003e8 0000'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(InitProducerIdApi, requests[1]!, MAX), (r) =>
    InitProducerIdApi.decodeRequest(r, MAX),
  );
  assertTruncationThrows(encodeResponse(InitProducerIdApi, response, MAX), (r) =>
    InitProducerIdApi.decodeResponse(r, MAX),
  );
});

test.run();
