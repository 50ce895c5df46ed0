import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ListPartitionReassignmentsApi, type ListPartitionReassignmentsRequest, type ListPartitionReassignmentsResponse } from '../../../src/protocol/apis/list-partition-reassignments.js';
import { assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

test('v0 (flexible) exact bytes: every partition (null topics); a move with its adding and removing replicas', () => {
  const req: ListPartitionReassignmentsRequest = { timeoutMs: 1000, topics: null };
  assert.equal(encodeRequest(ListPartitionReassignmentsApi, req, 0), hex('000003e8 00 00'));
  assert.equal(decodeRequest(ListPartitionReassignmentsApi, hex('000003e8 00 00'), 0), req);
  const res: ListPartitionReassignmentsResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [3, 4, 1, 2], addingReplicas: [3, 4], removingReplicas: [1, 2] }] }],
  };
  const bytes = hex('00000000 0000 00 02 0274 02 00000000 05 00000003 00000004 00000001 00000002 03 00000003 00000004 03 00000001 00000002 00 00 00');
  assert.equal(encodeResponse(ListPartitionReassignmentsApi, res, 0), bytes);
  assert.equal(decodeResponse(ListPartitionReassignmentsApi, bytes, 0), res);
  assertTruncationThrows(bytes, (r) => ListPartitionReassignmentsApi.decodeResponse(r, 0));
});

test.run();
