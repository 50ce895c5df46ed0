/** DeleteRecords v0-2: round trips, the bytes of one request (v0 and flexible v2), and truncation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeleteRecordsApi, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../../../src/protocol/apis/delete-records.js';
import { Reader } from '../../../src/protocol/reader.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: DeleteRecordsRequest = { topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 100 }, { partitionIndex: 2, offset: -1 }] }], timeoutMs: 5000 };
const response: DeleteRecordsResponse = {
  throttleTimeMs: 0,
  topics: [{ name: 't', partitions: [{ partitionIndex: 0, lowWatermark: 100, errorCode: 0 }, { partitionIndex: 2, lowWatermark: -1, errorCode: 1 }] }],
};

for (let v = 0; v <= DeleteRecordsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(DeleteRecordsApi, v, request, request);
    assertResponseRoundTrip(DeleteRecordsApi, v, response, response);
  });
}

test('request bytes: topic, then partition index and int64 offset, then the timeout', () => {
  const one: DeleteRecordsRequest = { topics: [{ name: 't', partitions: [{ partitionIndex: 3, offset: 7 }] }], timeoutMs: 1 };
  assert.equal(encodeRequest(DeleteRecordsApi, one, 0), hex('00000001 0001 74 00000001 00000003 0000000000000007 00000001'));
});

test('v2 (flexible) request and response: exact bytes both ways', () => {
  const one: DeleteRecordsRequest = { topics: [{ name: 't', partitions: [{ partitionIndex: 3, offset: 7 }] }], timeoutMs: 1 };
  const reqBytes = hex(['02 02 74', '02 00000003 0000000000000007 00', '00', '00000001', '00'].join(''));
  assert.equal(encodeRequest(DeleteRecordsApi, one, 2), reqBytes);
  assert.equal(decodeRequest(DeleteRecordsApi, reqBytes, 2), one);
  const res: DeleteRecordsResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 3, lowWatermark: 7, errorCode: 0 }] }] };
  const resBytes = hex(['00000000', '02 02 74', '02 00000003 0000000000000007 0000 00', '00 00'].join(''));
  assert.equal(encodeResponse(DeleteRecordsApi, res, 2), resBytes);
  assert.equal(decodeResponse(DeleteRecordsApi, resBytes, 2), res);
});

test('a truncated request throws', () => {
  for (const v of [1, 2]) assertTruncationThrows(encodeRequest(DeleteRecordsApi, request, v), (r: Reader) => DeleteRecordsApi.decodeRequest(r, v));
});

test.run();
