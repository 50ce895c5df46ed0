import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OffsetCommitApi, type OffsetCommitRequest, type OffsetCommitResponse } from '../../../src/protocol/apis/offset-commit.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: OffsetCommitRequest = {
  groupId: 'g',
  generationId: 2,
  memberId: 'm-1',
  groupInstanceId: 'static-1',
  retentionTimeMs: 86_400_000,
  topics: [
    {
      name: 't',
      partitions: [
        { partitionIndex: 0, committedOffset: 2 ** 40, committedLeaderEpoch: 4, commitTimestamp: 1_700_000_000_000, committedMetadata: 'meta' },
        { partitionIndex: 3, committedOffset: 5, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null },
      ],
    },
  ],
};

/** What a version carries of `request`: v0 has no member or generation, retention time is v2-4, the timestamp v1, leader epoch v6+, instance id v7+. */
function asSeenAt(v: number): OffsetCommitRequest {
  return {
    groupId: request.groupId,
    generationId: v >= 1 ? request.generationId : -1,
    memberId: v >= 1 ? request.memberId : '',
    groupInstanceId: v >= 7 ? request.groupInstanceId! : null,
    retentionTimeMs: v >= 2 && v <= 4 ? request.retentionTimeMs! : -1,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ ...p, committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch! : -1, commitTimestamp: v === 1 ? p.commitTimestamp! : -1 })),
    })),
  };
}

const response: OffsetCommitResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 22 }] }] };

for (let v = 0; v <= OffsetCommitApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(OffsetCommitApi, v, request, asSeenAt(v));
    assertResponseRoundTrip(OffsetCommitApi, v, response, response);
  });
}

test('throttle time from v3', () => {
  assertResponseRoundTrip(OffsetCommitApi, 2, { ...response, throttleTimeMs: 8 }, response);
  assertResponseRoundTrip(OffsetCommitApi, 3, { ...response, throttleTimeMs: 8 }, { ...response, throttleTimeMs: 8 });
});

test('v2 exact bytes', () => {
  const req: OffsetCommitRequest = { groupId: 'g', generationId: 1, memberId: 'm', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 10, committedMetadata: '' }] }] };
  assert.equal(
    encodeRequest(OffsetCommitApi, req, 2),
    hex('0001 67 00000001 0001 6d ffffffffffffffff 00000001 0001 74 00000001 00000000 000000000000000a 0000'),
  );
  assert.equal(encodeResponse(OffsetCommitApi, { topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 3 }] }] }, 2), hex('00000001 0001 74 00000001 00000000 0003'));
});

test('v7 exact bytes: group_instance_id after member_id, committed_leader_epoch after the offset', () => {
  const req: OffsetCommitRequest = { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: 'i', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: 3, committedMetadata: null }] }] };
  assert.equal(encodeRequest(OffsetCommitApi, req, 7), hex('0001 67 00000001 0001 6d 0001 69 00000001 0001 74 00000001 00000000 000000000000000a 00000003 ffff'));
  assert.equal(encodeRequest(OffsetCommitApi, req, 8), hex('0267 00000001 026d 0269 02 0274 02 00000000 000000000000000a 00000003 00 00 00 00'), 'v8: flexible');
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [1, 7, OffsetCommitApi.maxVersion]) {
    assertTruncationThrows(encodeRequest(OffsetCommitApi, request, v), (r) => OffsetCommitApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(OffsetCommitApi, response, v), (r) => OffsetCommitApi.decodeResponse(r, v));
  }
});

test.run();
