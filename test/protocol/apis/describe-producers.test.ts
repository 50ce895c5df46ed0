import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DescribeProducersApi, type DescribeProducersRequest, type DescribeProducersResponse } from '../../../src/protocol/apis/describe-producers.js';
import { assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

test('v0 (flexible) exact bytes: request with partition indexes', () => {
  const req: DescribeProducersRequest = { topics: [{ name: 't', partitionIndexes: [0, 2] }] };
  // topics: compact array of 1 | name "t" | partitions: [0, 2] | topic tags | request tags
  const bytes = hex('02 0274 03 00000000 00000002 00 00');
  assert.equal(encodeRequest(DescribeProducersApi, req, 0), bytes);
  assert.equal(decodeRequest(DescribeProducersApi, bytes, 0), req);
  assertTruncationThrows(bytes, (r) => DescribeProducersApi.decodeRequest(r, 0));
});

test('v0 exact bytes: an active producer, and a partition this broker does not lead', () => {
  const res: DescribeProducersResponse = {
    throttleTimeMs: 0,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            errorMessage: null,
            activeProducers: [{ producerId: 4000, producerEpoch: 1, lastSequence: 9, lastTimestamp: 1_700_000_000_000, coordinatorEpoch: -1, currentTxnStartOffset: -1 }],
          },
          { partitionIndex: 1, errorCode: 6, errorMessage: 'x', activeProducers: [] },
        ],
      },
    ],
  };
  const bytes = hex(
    '00000000 02 0274 03' +
      ' 00000000 0000 00 02 0000000000000fa0 00000001 00000009 0000018bcfe56800 ffffffff ffffffffffffffff 00 00' +
      ' 00000001 0006 0278 01 00' +
      ' 00 00',
  );
  assert.equal(encodeResponse(DescribeProducersApi, res, 0), bytes);
  assert.equal(decodeResponse(DescribeProducersApi, bytes, 0), res);
  assertTruncationThrows(bytes, (r) => DescribeProducersApi.decodeResponse(r, 0));
});

test.run();
