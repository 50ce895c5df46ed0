import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EndTxnApi, type EndTxnRequest, type EndTxnResponse } from '../../../src/protocol/apis/end-txn.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, hex } from '../../helpers/roundtrip.js';

const request: EndTxnRequest = { transactionalId: 'tx', producerId: 2 ** 40, producerEpoch: 3, committed: true };
const response: EndTxnResponse = { throttleTimeMs: 5, errorCode: 51 };

for (let v = 0; v <= EndTxnApi.maxVersion; v++) {
  test(`v${v} round trips`, () => {
    assertRequestRoundTrip(EndTxnApi, v, request, request);
    assertResponseRoundTrip(EndTxnApi, v, response, response);
  });
}

test('v0 and v3 (flexible) request: exact bytes', () => {
  // transactional_id "tx", producer_id 2^40, producer_epoch 3, committed true
  assert.equal(encodeRequest(EndTxnApi, request, 0), hex('0002 7478  0000010000000000  0003  01'));
  assert.equal(encodeRequest(EndTxnApi, request, 3), hex('03 7478  0000010000000000  0003  01  00'));
});

test('a truncated request is a ProtocolError', () => {
  assertTruncationThrows(encodeRequest(EndTxnApi, request, 3), (r) => EndTxnApi.decodeRequest(r, 3));
});

test.run();
