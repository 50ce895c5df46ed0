/**
 * DescribeTransactions (key 65), version 0; flexible in every version (Kafka's
 * DescribeTransactionsRequest/Response.json, KIP-664): the coordinator's view of each named
 * transactional id, for `kafka-transactions describe` and admin clients hunting a hung transaction.
 * `topics` lists the partitions in the transaction (while preparing to commit or abort: those still
 * without their marker).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface DescribeTransactionsRequest {
  transactionalIds: string[];
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  /** Kafka's names: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Dead, PrepareEpochFence. */
  transactionState: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction is ongoing. */
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export interface DescribeTransactionsResponse {
  throttleTimeMs: number;
  transactionStates: DescribedTransaction[];
}

export const DescribeTransactionsApi = schemaApi<DescribeTransactionsRequest, DescribeTransactionsResponse>({
  apiKey: ApiKey.DescribeTransactions,
  name: 'DescribeTransactions',
  versions: '0',
  flexibleVersions: '0+',
  request: [{ name: 'transactionalIds', type: '[]string', versions: '0+' }],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'transactionStates',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'transactionalId', type: 'string', versions: '0+' },
        { name: 'transactionState', type: 'string', versions: '0+' },
        { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
        { name: 'transactionStartTimeMs', type: 'int64', versions: '0+' },
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'producerEpoch', type: 'int16', versions: '0+' },
        {
          name: 'topics',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'topic', type: 'string', versions: '0+' },
            { name: 'partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
