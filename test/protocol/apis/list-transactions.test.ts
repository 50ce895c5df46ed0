import { test } from 'uvu';
import { ListTransactionsApi, type ListTransactionsResponse } from '../../../src/protocol/apis/list-transactions.js';
import { assertRequestRoundTrip, assertResponseRoundTrip } from '../../helpers/roundtrip.js';

const listed: ListTransactionsResponse = { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: ['Bogus'], transactionStates: [{ transactionalId: 'tx', producerId: 9, transactionState: 'Ongoing' }] };

test('ListTransactions v0-1 round trip; the duration filter is v1+', () => {
  const req = { stateFilters: ['Ongoing'], producerIdFilters: [9, 2 ** 40], durationFilter: 5000 };
  assertRequestRoundTrip(ListTransactionsApi, 0, req, { ...req, durationFilter: -1 });
  assertRequestRoundTrip(ListTransactionsApi, 1, req, req);
  for (const v of [0, 1]) assertResponseRoundTrip(ListTransactionsApi, v, listed, listed);
});

test.run();
