import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WriteTxnMarkersApi, type WriteTxnMarkersRequest, type WriteTxnMarkersResponse } from '../../../src/protocol/apis/write-txn-markers.js';
import { assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: WriteTxnMarkersRequest = {
  markers: [{ producerId: 4000, producerEpoch: 2, transactionResult: true, topics: [{ name: 't', partitionIndexes: [0, 2] }], coordinatorEpoch: 7 }],
};
const response: WriteTxnMarkersResponse = { markers: [{ producerId: 4000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 47 }] }] }] };

test('v0 exact bytes (not flexible): a COMMIT marker for two partitions', () => {
  // markers [1] | producer id | epoch | COMMIT | topics [1]: "t" [0, 2] | coordinator epoch
  const bytes = hex('00000001 0000000000000fa0 0002 01 00000001 0001 74 00000002 00000000 00000002 00000007');
  assert.equal(encodeRequest(WriteTxnMarkersApi, request, 0), bytes);
  assert.equal(decodeRequest(WriteTxnMarkersApi, bytes, 0), request);
  assertTruncationThrows(bytes, (r) => WriteTxnMarkersApi.decodeRequest(r, 0));
  const res = hex('00000001 0000000000000fa0 00000001 0001 74 00000002 00000000 0000 00000002 002f');
  assert.equal(encodeResponse(WriteTxnMarkersApi, response, 0), res);
  assert.equal(decodeResponse(WriteTxnMarkersApi, res, 0), response);
});

test('v1 exact bytes (flexible): compact arrays and strings, tag sections', () => {
  const bytes = hex('02 0000000000000fa0 0002 01 02 0274 03 00000000 00000002 00 00000007 00 00');
  assert.equal(encodeRequest(WriteTxnMarkersApi, request, 1), bytes);
  assert.equal(decodeRequest(WriteTxnMarkersApi, bytes, 1), request);
  assertTruncationThrows(bytes, (r) => WriteTxnMarkersApi.decodeRequest(r, 1));
  const res = hex('02 0000000000000fa0 02 0274 03 00000000 0000 00 00000002 002f 00 00 00 00');
  assert.equal(encodeResponse(WriteTxnMarkersApi, response, 1), res);
  assert.equal(decodeResponse(WriteTxnMarkersApi, res, 1), response);
  assertTruncationThrows(res, (r) => WriteTxnMarkersApi.decodeResponse(r, 1));
});

test.run();
