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
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  hex,
} from '../../helpers/roundtrip.js';

const MAX = InitProducerIdApi.maxVersion;

/** What each version decodes: v3+ carries the current producer id and epoch (KIP-360), -1 before. */
const requests = (v: number): InitProducerIdRequest[] => [
  { transactionalId: null, transactionTimeoutMs: 60000, producerId: v >= 3 ? 2 ** 40 : -1, producerEpoch: v >= 3 ? 4 : -1 },
  { transactionalId: 'tx-1', transactionTimeoutMs: 30000, producerId: -1, producerEpoch: -1 },
];

const response: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 2 ** 40 + 1, producerEpoch: 3 };

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request round trip`, () => {
    requests(MAX).forEach((req, i) => assertRequestRoundTrip(InitProducerIdApi, v, req, requests(v)[i]!));
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

test('v3 (flexible) request with the producer id and epoch to bump, and its response: exact bytes both ways', () => {
  const req: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 60000, producerId: 1000, producerEpoch: 2 };
  const reqBytes = hex('00 0000ea60 00000000000003e8 0002 00'); // transactional_id null (compact), timeout, id, epoch, no tags
  assert.equal(encodeRequest(InitProducerIdApi, req, 3), reqBytes);
  assert.equal(decodeRequest(InitProducerIdApi, reqBytes, 3), req);
  const res: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 1000, producerEpoch: 3 };
  const resBytes = hex('00000000 0000 00000000000003e8 0003 00');
  assert.equal(encodeResponse(InitProducerIdApi, res, 3), resBytes);
  assert.equal(decodeResponse(InitProducerIdApi, resBytes, 3), res);
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(InitProducerIdApi, requests(MAX)[1]!, MAX), (r) =>
    InitProducerIdApi.decodeRequest(r, MAX),
  );
  assertTruncationThrows(encodeResponse(InitProducerIdApi, response, MAX), (r) =>
    InitProducerIdApi.decodeResponse(r, MAX),
  );
});

test.run();
