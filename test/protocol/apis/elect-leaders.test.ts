import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElectionType, ElectLeadersApi, type ElectLeadersRequest, type ElectLeadersResponse } from '../../../src/protocol/apis/elect-leaders.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request = (v: number): ElectLeadersRequest => ({ electionType: v >= 1 ? ElectionType.Unclean : ElectionType.Preferred, topicPartitions: [{ topic: 'orders', partitions: [0, 2] }], timeoutMs: 5000 });
const response = (v: number): ElectLeadersResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  replicaElectionResults: [{ topic: 'orders', partitionResult: [{ partitionId: 0, errorCode: 0, errorMessage: null }, { partitionId: 2, errorCode: 84, errorMessage: 'not needed' }] }],
});

for (let v = 0; v <= ElectLeadersApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(ElectLeadersApi, v, request(ElectLeadersApi.maxVersion), request(v));
    assertResponseRoundTrip(ElectLeadersApi, v, response(v), response(v));
  });
}

test('v0 exact bytes: every partition (null), no election type (preferred)', () => {
  const all: ElectLeadersRequest = { electionType: 0, topicPartitions: null, timeoutMs: 1000 };
  assert.equal(encodeRequest(ElectLeadersApi, all, 0), hex('ffffffff 000003e8'));
  assert.equal(decodeRequest(ElectLeadersApi, hex('ffffffff 000003e8'), 0), all);
});

test('v2 (flexible) exact bytes: an unclean election and ELECTION_NOT_NEEDED', () => {
  const req: ElectLeadersRequest = { electionType: 1, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 };
  const reqBytes = hex('01 02 0274 02 00000000 00 000003e8 00');
  assert.equal(encodeRequest(ElectLeadersApi, req, 2), reqBytes);
  assert.equal(decodeRequest(ElectLeadersApi, reqBytes, 2), req);
  const res: ElectLeadersResponse = { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: 84, errorMessage: null }] }] };
  const resBytes = hex('00000000 0000 02 0274 02 00000000 0054 00 00 00 00');
  assert.equal(encodeResponse(ElectLeadersApi, res, 2), resBytes);
  assert.equal(decodeResponse(ElectLeadersApi, resBytes, 2), res);
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [0, 2]) {
    assertTruncationThrows(encodeRequest(ElectLeadersApi, request(v), v), (r) => ElectLeadersApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(ElectLeadersApi, response(v), v), (r) => ElectLeadersApi.decodeResponse(r, v));
  }
});

test.run();
