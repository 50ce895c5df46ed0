import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AddOffsetsToTxnApi, type AddOffsetsToTxnRequest } from '../../../src/protocol/apis/add-offsets-to-txn.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, encodeRequest, hex } from '../../helpers/roundtrip.js';

const request: AddOffsetsToTxnRequest = { transactionalId: 'tx', producerId: 7, producerEpoch: 1, groupId: 'g' };

for (let v = 0; v <= AddOffsetsToTxnApi.maxVersion; v++) {
  test(`v${v} round trips`, () => {
    assertRequestRoundTrip(AddOffsetsToTxnApi, v, request, request);
    assertResponseRoundTrip(AddOffsetsToTxnApi, v, { throttleTimeMs: 0, errorCode: 90 }, { throttleTimeMs: 0, errorCode: 90 });
  });
}

test('v2 request: exact bytes', () => {
  assert.equal(encodeRequest(AddOffsetsToTxnApi, request, 2), hex('0002 7478  0000000000000007  0001  0001 67'));
});

test.run();
