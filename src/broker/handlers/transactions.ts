import { ErrorCode } from '../../common/errors.js';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/apis/add-offsets-to-txn.js';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, TxnTopicPartitions } from '../../protocol/apis/add-partitions-to-txn.js';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../../protocol/apis/describe-transactions.js';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/apis/end-txn.js';
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/apis/list-transactions.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/apis/txn-offset-commit.js';
import { InternalApi } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';
import { groupHomes } from './find-coordinator.js';
import { forwardToCoordinator } from './groups.js';

const NOT_AVAILABLE = ErrorCode.COORDINATOR_NOT_AVAILABLE;

const unavailableTopics = (topics: TxnTopicPartitions[]) =>
  topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: NOT_AVAILABLE })) }));

/**
 * The transaction APIs (KIP-98): decoded here, answered by the coordinator process's
 * TransactionCoordinator, which owns every transactional id (InitProducerId with a transactional id
 * comes here too, from handlers/init-producer-id.ts). FindCoordinator names each id's home broker
 * as for groups; any broker serves any id.
 */
export const TransactionHandlers = {
  addPartitionsToTxn: (ctx: BrokerContext, req: AddPartitionsToTxnRequest, version: number, client: RequestClient): Promise<AddPartitionsToTxnResponse> =>
    forwardToCoordinator(ctx, InternalApi.AddPartitionsToTxn, req, version, client, () => ({
      throttleTimeMs: 0,
      errorCode: NOT_AVAILABLE,
      resultsByTransaction: (req.transactions ?? []).map((t) => ({ transactionalId: t.transactionalId, topicResults: unavailableTopics(t.topics) })),
      resultsByTopicV3AndBelow: unavailableTopics(req.v3AndBelowTopics ?? []),
    })),

  addOffsetsToTxn: (ctx: BrokerContext, req: AddOffsetsToTxnRequest, version: number, client: RequestClient): Promise<AddOffsetsToTxnResponse> =>
    forwardToCoordinator(ctx, InternalApi.AddOffsetsToTxn, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE })),

  endTxn: (ctx: BrokerContext, req: EndTxnRequest, version: number, client: RequestClient): Promise<EndTxnResponse> =>
    forwardToCoordinator(ctx, InternalApi.EndTxn, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE })),

  txnOffsetCommit: (ctx: BrokerContext, req: TxnOffsetCommitRequest, version: number, client: RequestClient): Promise<TxnOffsetCommitResponse> =>
    forwardToCoordinator(ctx, InternalApi.TxnOffsetCommit, req, version, client, () => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: NOT_AVAILABLE })) })),
    })),

  describeTransactions: (ctx: BrokerContext, req: DescribeTransactionsRequest, version: number, client: RequestClient): Promise<DescribeTransactionsResponse> =>
    forwardToCoordinator(ctx, InternalApi.DescribeTransactions, req, version, client, () => ({
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => ({ errorCode: NOT_AVAILABLE, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] })),
    })),

  /** The transactional ids whose home is this broker: Kafka's admin client asks every broker and concatenates the answers. */
  listTransactions: async (ctx: BrokerContext, req: ListTransactionsRequest, version: number, client: RequestClient): Promise<ListTransactionsResponse> => {
    const res = await forwardToCoordinator(ctx, InternalApi.ListTransactions, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, unknownStateFilters: [], transactionStates: [] }));
    const homeOf = groupHomes(ctx);
    return { ...res, transactionStates: res.transactionStates.filter((t) => homeOf(t.transactionalId) === ctx.brokerId) };
  },
};
