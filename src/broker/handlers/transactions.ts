import { ErrorCode } from '../../common/errors.js';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/apis/add-offsets-to-txn.js';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, TxnTopicPartitions } from '../../protocol/apis/add-partitions-to-txn.js';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../../protocol/apis/describe-transactions.js';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/apis/end-txn.js';
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/apis/list-transactions.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/apis/txn-offset-commit.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { AclOperation, ResourceType, type AclOperationCode } from '../../security/acl.js';
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
const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;

function mayTxn(ctx: BrokerContext, client: RequestClient, operation: AclOperationCode, transactionalId: string): boolean {
  return ctx.security.authorize(client, operation, ResourceType.TRANSACTIONAL_ID, transactionalId);
}

const topicResults = (topics: TxnTopicPartitions[], code: (topic: string) => number) =>
  topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: code(t.name) })) }));

/** Kafka's checks (KafkaApis): WRITE on the transactional id for what a producer does in it, READ on groups and topics it commits offsets for, DESCRIBE to look. */
export const TransactionHandlers = {
  /**
   * v0-3 (clients): WRITE on the id, WRITE on each topic; with a topic refused, nothing is added and
   * the others are OPERATION_NOT_ATTEMPTED, as in Kafka. v4+ batches (brokers verifying): CLUSTER_ACTION.
   */
  addPartitionsToTxn: (ctx: BrokerContext, req: AddPartitionsToTxnRequest, version: number, client: RequestClient): Promise<AddPartitionsToTxnResponse> => {
    if (req.transactions && req.transactions.length > 0 && !ctx.security.authorizeCluster(client, AclOperation.CLUSTER_ACTION)) {
      return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [], resultsByTopicV3AndBelow: [] });
    }
    const topics = req.v3AndBelowTopics ?? [];
    if (req.v3AndBelowTransactionalId !== undefined && !req.transactions?.length) {
      const refuse = (code: (topic: string) => number) => Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: topicResults(topics, code) });
      if (!mayTxn(ctx, client, AclOperation.WRITE, req.v3AndBelowTransactionalId)) return refuse(() => TXN_DENIED);
      const refused = new Set(topics.filter((t) => !ctx.security.authorize(client, AclOperation.WRITE, ResourceType.TOPIC, t.name)).map((t) => t.name));
      if (refused.size > 0) return refuse((topic) => (refused.has(topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    return forwardToCoordinator(ctx, InternalApi.AddPartitionsToTxn, req, version, client, () => ({
      throttleTimeMs: 0,
      errorCode: NOT_AVAILABLE,
      resultsByTransaction: (req.transactions ?? []).map((t) => ({ transactionalId: t.transactionalId, topicResults: unavailableTopics(t.topics) })),
      resultsByTopicV3AndBelow: unavailableTopics(topics),
    }));
  },

  /** WRITE on the id, READ on the group. */
  addOffsetsToTxn: (ctx: BrokerContext, req: AddOffsetsToTxnRequest, version: number, client: RequestClient): Promise<AddOffsetsToTxnResponse> => {
    if (!mayTxn(ctx, client, AclOperation.WRITE, req.transactionalId)) return Promise.resolve({ throttleTimeMs: 0, errorCode: TXN_DENIED });
    if (!ctx.security.authorize(client, AclOperation.READ, ResourceType.GROUP, req.groupId)) return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    return forwardToCoordinator(ctx, InternalApi.AddOffsetsToTxn, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE }));
  },

  endTxn: (ctx: BrokerContext, req: EndTxnRequest, version: number, client: RequestClient): Promise<EndTxnResponse> => {
    if (!mayTxn(ctx, client, AclOperation.WRITE, req.transactionalId)) return Promise.resolve({ throttleTimeMs: 0, errorCode: TXN_DENIED });
    return forwardToCoordinator(ctx, InternalApi.EndTxn, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE }));
  },

  /** WRITE on the id, READ on the group (every partition refused with the first that fails), READ on each topic. */
  txnOffsetCommit: async (ctx: BrokerContext, req: TxnOffsetCommitRequest, version: number, client: RequestClient): Promise<TxnOffsetCommitResponse> => {
    const answer = (topics: TxnOffsetCommitRequest['topics'], errorCode: number) => topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    if (!mayTxn(ctx, client, AclOperation.WRITE, req.transactionalId)) return { throttleTimeMs: 0, topics: answer(req.topics, TXN_DENIED) };
    if (!ctx.security.authorize(client, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, topics: answer(req.topics, ErrorCode.GROUP_AUTHORIZATION_FAILED) };
    const allowed = req.topics.filter((t) => ctx.security.authorize(client, AclOperation.READ, ResourceType.TOPIC, t.name));
    const refused = answer(req.topics.filter((t) => !allowed.includes(t)), ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    if (allowed.length === 0 && refused.length > 0) return { throttleTimeMs: 0, topics: refused };
    const res = await forwardToCoordinator(ctx, InternalApi.TxnOffsetCommit, { ...req, topics: allowed }, version, client, () => ({ throttleTimeMs: 0, topics: answer(allowed, NOT_AVAILABLE) }));
    return refused.length === 0 ? res : { ...res, topics: [...res.topics, ...refused] };
  },

  /** DESCRIBE on each id. */
  describeTransactions: async (ctx: BrokerContext, req: DescribeTransactionsRequest, version: number, client: RequestClient): Promise<DescribeTransactionsResponse> => {
    const state = (transactionalId: string, errorCode: number) => ({ errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] });
    const allowed = req.transactionalIds.filter((id) => mayTxn(ctx, client, AclOperation.DESCRIBE, id));
    const res =
      allowed.length === 0
        ? { throttleTimeMs: 0, transactionStates: [] }
        : await forwardToCoordinator(ctx, InternalApi.DescribeTransactions, { ...req, transactionalIds: allowed }, version, client, () => ({ throttleTimeMs: 0, transactionStates: allowed.map((id) => state(id, NOT_AVAILABLE)) }));
    const byId = new Map(res.transactionStates.map((t) => [t.transactionalId, t]));
    return { ...res, transactionStates: req.transactionalIds.map((id) => byId.get(id) ?? state(id, TXN_DENIED)) };
  },

  /** The transactional ids whose home is this broker (Kafka's admin client asks every broker and concatenates the answers), those the client may DESCRIBE. */
  listTransactions: async (ctx: BrokerContext, req: ListTransactionsRequest, version: number, client: RequestClient): Promise<ListTransactionsResponse> => {
    const res = await forwardToCoordinator(ctx, InternalApi.ListTransactions, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, unknownStateFilters: [], transactionStates: [] }));
    const homeOf = groupHomes(ctx);
    return { ...res, transactionStates: res.transactionStates.filter((t) => homeOf(t.transactionalId) === ctx.brokerId && mayTxn(ctx, client, AclOperation.DESCRIBE, t.transactionalId)) };
  },
};
