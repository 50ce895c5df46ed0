/** DeleteRecords v0-1: round trips, the bytes of one request, and truncation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeleteRecordsApi, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../../../src/protocol/apis/delete-records.js';
import { Reader } from '../../../src/protocol/reader.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, hex } from '../../helpers/roundtrip.js';

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

test('a truncated request throws', () => {
  assertTruncationThrows(encodeRequest(DeleteRecordsApi, request, 1), (r: Reader) => DeleteRecordsApi.decodeRequest(r, 1));
});

test.run();
