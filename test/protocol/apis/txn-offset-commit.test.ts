import { test } from 'uvu';
import { TxnOffsetCommitApi, type TxnOffsetCommitRequest, type TxnOffsetCommitResponse } from '../../../src/protocol/apis/txn-offset-commit.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest } from '../../helpers/roundtrip.js';

const request: TxnOffsetCommitRequest = {
  transactionalId: 'tx',
  groupId: 'g',
  producerId: 9,
  producerEpoch: 1,
  generationId: 4,
  memberId: 'm-1',
  groupInstanceId: 'i-1',
  topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: null }] }],
};
const response: TxnOffsetCommitResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 22 }] }] };

/** What a version carries: the leader epoch from v2, the group member fields (KIP-447) from v3. */
const expected = (v: number): TxnOffsetCommitRequest => ({
  ...request,
  generationId: v >= 3 ? 4 : -1,
  memberId: v >= 3 ? 'm-1' : '',
  groupInstanceId: v >= 3 ? 'i-1' : null,
  topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: v >= 2 ? 3 : -1, committedMetadata: null }] }],
});

for (let v = 0; v <= TxnOffsetCommitApi.maxVersion; v++) {
  test(`v${v} round trips`, () => {
    assertRequestRoundTrip(TxnOffsetCommitApi, v, request, expected(v));
    assertResponseRoundTrip(TxnOffsetCommitApi, v, response, response);
  });
}

test('a truncated v3 request is a ProtocolError', () => {
  assertTruncationThrows(encodeRequest(TxnOffsetCommitApi, request, 3), (r) => TxnOffsetCommitApi.decodeRequest(r, 3));
});

test.run();
