import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlterPartitionReassignmentsApi, type AlterPartitionReassignmentsRequest, type AlterPartitionReassignmentsResponse } from '../../../src/protocol/apis/alter-partition-reassignments.js';
import { assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

test('v0 (flexible) exact bytes: a move and a cancel (null replicas); a refusal', () => {
  const req: AlterPartitionReassignmentsRequest = { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [3, 4] }, { partitionIndex: 1, replicas: null }] }] };
  const reqBytes = hex('000003e8 02 0274 03 00000000 03 00000003 00000004 00 00000001 00 00 00 00');
  assert.equal(encodeRequest(AlterPartitionReassignmentsApi, req, 0), reqBytes);
  assert.equal(decodeRequest(AlterPartitionReassignmentsApi, reqBytes, 0), req);
  const res: AlterPartitionReassignmentsResponse = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 85, errorMessage: 'x' }] }] };
  const resBytes = hex('00000000 0000 00 02 0274 02 00000001 0055 0278 00 00 00');
  assert.equal(encodeResponse(AlterPartitionReassignmentsApi, res, 0), resBytes);
  assert.equal(decodeResponse(AlterPartitionReassignmentsApi, resBytes, 0), res);
  assertTruncationThrows(reqBytes, (r) => AlterPartitionReassignmentsApi.decodeRequest(r, 0));
  assertTruncationThrows(resBytes, (r) => AlterPartitionReassignmentsApi.decodeResponse(r, 0));
});

test.run();
