import { test } from 'uvu';
import { DescribeTransactionsApi, type DescribeTransactionsResponse } from '../../../src/protocol/apis/describe-transactions.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeResponse } from '../../helpers/roundtrip.js';

const described: DescribeTransactionsResponse = {
  throttleTimeMs: 0,
  transactionStates: [
    { errorCode: 0, transactionalId: 'tx', transactionState: 'Ongoing', transactionTimeoutMs: 60000, transactionStartTimeMs: 1_700_000_000_000, producerId: 9, producerEpoch: 2, topics: [{ topic: 't', partitions: [0, 1] }] },
  ],
};

test('DescribeTransactions v0 round trips', () => {
  assertRequestRoundTrip(DescribeTransactionsApi, 0, { transactionalIds: ['tx', 'ty'] }, { transactionalIds: ['tx', 'ty'] });
  assertResponseRoundTrip(DescribeTransactionsApi, 0, described, described);
  assertTruncationThrows(encodeResponse(DescribeTransactionsApi, described, 0), (r) => DescribeTransactionsApi.decodeResponse(r, 0));
});

test.run();
