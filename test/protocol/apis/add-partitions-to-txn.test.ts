import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AddPartitionsToTxnApi, type AddPartitionsToTxnRequest, type AddPartitionsToTxnResponse } from '../../../src/protocol/apis/add-partitions-to-txn.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, hex } from '../../helpers/roundtrip.js';

const topics = [{ name: 't', partitions: [0, 2] }];
const clientForm: AddPartitionsToTxnRequest = { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 9, v3AndBelowProducerEpoch: 1, v3AndBelowTopics: topics };
const brokerForm: AddPartitionsToTxnRequest = { transactions: [{ transactionalId: 'tx', producerId: 9, producerEpoch: 1, verifyOnly: true, topics }] };
const results = [{ name: 't', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 2, partitionErrorCode: 48 }] }];

for (let v = 0; v <= AddPartitionsToTxnApi.maxVersion; v++) {
  test(`v${v} round trips, in the form of its version`, () => {
    if (v < 4) {
      assertRequestRoundTrip(AddPartitionsToTxnApi, v, clientForm, { ...clientForm, transactions: [] });
      const res: AddPartitionsToTxnResponse = { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
      assertResponseRoundTrip(AddPartitionsToTxnApi, v, res, { ...res, errorCode: 0, resultsByTransaction: [] });
    } else {
      assertRequestRoundTrip(AddPartitionsToTxnApi, v, brokerForm, { ...brokerForm, v3AndBelowTransactionalId: '', v3AndBelowProducerId: 0, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [] });
      const res: AddPartitionsToTxnResponse = { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [{ transactionalId: 'tx', topicResults: results }] };
      assertResponseRoundTrip(AddPartitionsToTxnApi, v, res, { ...res, resultsByTopicV3AndBelow: [] });
    }
  });
}

test('v0 request: exact bytes (transactional id, producer id and epoch, topics)', () => {
  assert.equal(encodeRequest(AddPartitionsToTxnApi, clientForm, 0), hex('0002 7478  0000000000000009  0001  00000001 0001 74 00000002 00000000 00000002'));
});

test('a truncated v4 request is a ProtocolError', () => {
  assertTruncationThrows(encodeRequest(AddPartitionsToTxnApi, brokerForm, 4), (r) => AddPartitionsToTxnApi.decodeRequest(r, 4));
});

test.run();
