import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DescribeClusterApi, type DescribeClusterRequest, type DescribeClusterResponse } from '../../../src/protocol/apis/describe-cluster.js';
import { assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

test('v0 (flexible from v0) exact bytes: request, and brokers with their racks', () => {
  const req: DescribeClusterRequest = { includeClusterAuthorizedOperations: true, endpointType: 1 };
  assert.equal(encodeRequest(DescribeClusterApi, req, 0), hex('01 00'));
  assert.equal(decodeRequest(DescribeClusterApi, hex('01 00'), 0), req, 'v0 has no endpoint type: brokers');
  const res: DescribeClusterResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType: 1,
    clusterId: 'c',
    controllerId: 1,
    brokers: [{ brokerId: 1, host: 'h', port: 9092, rack: 'a' }, { brokerId: 2, host: 'h', port: 9093, rack: null }],
    clusterAuthorizedOperations: -2147483648,
  };
  const bytes = hex('00000000 0000 00 0263 00000001 03 00000001 0268 00002384 0261 00 00000002 0268 00002385 00 00 80000000 00');
  assert.equal(encodeResponse(DescribeClusterApi, res, 0), bytes);
  assert.equal(decodeResponse(DescribeClusterApi, bytes, 0), res);
});

test('v1 exact bytes: the endpoint type in request and answer', () => {
  const req: DescribeClusterRequest = { includeClusterAuthorizedOperations: false, endpointType: 2 };
  assert.equal(encodeRequest(DescribeClusterApi, req, 1), hex('00 02 00'));
  assert.equal(decodeRequest(DescribeClusterApi, hex('00 02 00'), 1), req);
  const res: DescribeClusterResponse = { throttleTimeMs: 0, errorCode: 114, errorMessage: 'x', endpointType: 2, clusterId: 'c', controllerId: -1, brokers: [], clusterAuthorizedOperations: -2147483648 };
  const bytes = hex('00000000 0072 0278 02 0263 ffffffff 01 80000000 00');
  assert.equal(encodeResponse(DescribeClusterApi, res, 1), bytes);
  assert.equal(decodeResponse(DescribeClusterApi, bytes, 1), res);
  assertTruncationThrows(bytes, (r) => DescribeClusterApi.decodeResponse(r, 1));
});

test.run();
