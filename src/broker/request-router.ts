import { ErrorCode } from '../common/errors.js';
import type { ApiCodec } from '../protocol/api.js';
import { ApiKey } from '../protocol/api.js';
import { ApiVersionsApi, apiByKey } from '../protocol/apis/index.js';
import { InternalApi } from '../protocol/internal-api.js';
import { finishFrameChunks, readRequestHeaderTags, responseHeaderVersion, startResponseFrame, type RequestHeader } from '../protocol/framing.js';
import type { Reader } from '../protocol/reader.js';
import { ProtocolError } from '../common/errors.js';
import type { BrokerContext } from './context.js';
import { handleCreateAcls, handleDeleteAcls, handleDescribeAcls } from './handlers/acls.js';
import { handleApiVersions } from './handlers/api-versions.js';
import { handleCreateTopics } from './handlers/create-topics.js';
import { handleDeleteTopics } from './handlers/delete-topics.js';
import { handleFetch } from './handlers/fetch.js';
import { handleListOffsets } from './handlers/list-offsets.js';
import { handleMetadata } from './handlers/metadata.js';
import { handleProduce } from './handlers/produce.js';
import { handleOffsetForLeaderEpoch } from './handlers/offset-for-leader-epoch.js';
import { handleInitProducerId } from './handlers/init-producer-id.js';
import { handleFindCoordinator } from './handlers/find-coordinator.js';
import { handleCreatePartitions } from './handlers/create-partitions.js';
import { handleAlterConfigs, handleIncrementalAlterConfigs } from './handlers/alter-configs.js';
import { handleDeleteRecords } from './handlers/delete-records.js';
import { handleDescribeConfigs } from './handlers/describe-configs.js';
import { handleDescribeCluster } from './handlers/describe-cluster.js';
import { handleDescribeLogDirs } from './handlers/describe-log-dirs.js';
import { handleDescribeProducers } from './handlers/describe-producers.js';
import { handleAlterPartitionReassignments, handleListPartitionReassignments } from './handlers/partition-reassignments.js';
import { handleElectLeaders } from './handlers/elect-leaders.js';
import { GroupHandlers } from './handlers/groups.js';
import { handleSaslAuthenticate, handleSaslHandshake } from './handlers/sasl.js';
import { handleAlterUserScramCredentials, handleDescribeUserScramCredentials } from './handlers/user-scram-credentials.js';
import { ANONYMOUS_PRINCIPAL } from '../net/server.js';
import { TransactionHandlers } from './handlers/transactions.js';
import { handleWriteTxnMarkers } from './handlers/write-txn-markers.js';
import type { ClientInfo, RequestScope, ResponseFrame } from '../net/server.js';

/** Who sent a request, for the APIs that record it (group membership). */
export interface RequestClient {
  clientId: string;
  /** Kafka's notation: `/127.0.0.1`. */
  host: string;
  /** The connection it came on (unique within this broker's listener). */
  connectionId: number;
  /** Runs `listener` once this request's response has left the process (RequestScope.onSent, net/server-connection.ts). */
  onResponseSent(listener: () => void): void;
  /**
   * Who sent it (`User:alice`; `User:ANONYMOUS` on a listener without SASL): the input of every
   * authorization decision. Only the SASL APIs are ever served to a connection that has none yet.
   */
  principal: string;
  /** The connection itself, for the SASL handlers, which change its authentication. */
  connection: ClientInfo;
  /** Whether this connection proved the cluster secret (cluster-members.ts): only then are cluster-internal APIs served. */
  clusterMember: boolean;
}

type Handler = (ctx: BrokerContext, req: never, version: number, client: RequestClient) => unknown;

const HANDLERS = new Map<number, Handler>([
  [ApiKey.ApiVersions, (): unknown => handleApiVersions(SERVED)],
  [ApiKey.Metadata, handleMetadata as Handler],
  [ApiKey.Produce, handleProduce as Handler],
  [ApiKey.Fetch, handleFetch as Handler],
  [ApiKey.ListOffsets, handleListOffsets as Handler],
  [ApiKey.CreateTopics, handleCreateTopics as Handler],
  [ApiKey.DeleteTopics, handleDeleteTopics as Handler],
  [ApiKey.DeleteRecords, handleDeleteRecords as Handler],
  [ApiKey.OffsetForLeaderEpoch, handleOffsetForLeaderEpoch as Handler],
  [ApiKey.InitProducerId, handleInitProducerId as Handler],
  [ApiKey.DescribeConfigs, handleDescribeConfigs as Handler],
  [ApiKey.AlterConfigs, handleAlterConfigs as Handler],
  [ApiKey.IncrementalAlterConfigs, handleIncrementalAlterConfigs as Handler],
  [ApiKey.CreatePartitions, handleCreatePartitions as Handler],
  [ApiKey.ElectLeaders, handleElectLeaders as Handler],
  [ApiKey.DescribeCluster, handleDescribeCluster as Handler],
  [ApiKey.DescribeLogDirs, handleDescribeLogDirs as Handler],
  [ApiKey.DescribeProducers, handleDescribeProducers as Handler],
  [ApiKey.WriteTxnMarkers, handleWriteTxnMarkers as Handler],
  [ApiKey.AlterPartitionReassignments, handleAlterPartitionReassignments as Handler],
  [ApiKey.ListPartitionReassignments, handleListPartitionReassignments as Handler],
  [ApiKey.FindCoordinator, handleFindCoordinator as Handler],
  [ApiKey.JoinGroup, GroupHandlers.joinGroup as Handler],
  [ApiKey.SyncGroup, GroupHandlers.syncGroup as Handler],
  [ApiKey.Heartbeat, GroupHandlers.heartbeat as Handler],
  [ApiKey.LeaveGroup, GroupHandlers.leaveGroup as Handler],
  [ApiKey.OffsetCommit, GroupHandlers.offsetCommit as Handler],
  [ApiKey.OffsetFetch, GroupHandlers.offsetFetch as Handler],
  [ApiKey.ListGroups, GroupHandlers.listGroups as Handler],
  [ApiKey.DescribeGroups, GroupHandlers.describeGroups as Handler],
  [ApiKey.DeleteGroups, GroupHandlers.deleteGroups as Handler],
  [ApiKey.OffsetDelete, GroupHandlers.offsetDelete as Handler],
  [ApiKey.SaslHandshake, handleSaslHandshake as Handler],
  [ApiKey.SaslAuthenticate, handleSaslAuthenticate as Handler],
  [ApiKey.DescribeUserScramCredentials, handleDescribeUserScramCredentials as Handler],
  [ApiKey.AlterUserScramCredentials, handleAlterUserScramCredentials as Handler],
  [ApiKey.DescribeAcls, handleDescribeAcls as Handler],
  [ApiKey.CreateAcls, handleCreateAcls as Handler],
  [ApiKey.DeleteAcls, handleDeleteAcls as Handler],
  [ApiKey.AddPartitionsToTxn, TransactionHandlers.addPartitionsToTxn as Handler],
  [ApiKey.AddOffsetsToTxn, TransactionHandlers.addOffsetsToTxn as Handler],
  [ApiKey.EndTxn, TransactionHandlers.endTxn as Handler],
  [ApiKey.TxnOffsetCommit, TransactionHandlers.txnOffsetCommit as Handler],
  [ApiKey.DescribeTransactions, TransactionHandlers.describeTransactions as Handler],
  [ApiKey.ListTransactions, TransactionHandlers.listTransactions as Handler],
]);

/** The APIs this broker answers: ApiVersions lists exactly these. */
const SERVED: ApiCodec<unknown, unknown>[] = [...HANDLERS.keys()].map((k) => apiByKey(k)!);

/**
 * Decodes a Kafka request, runs its handler, encodes the response frame. An unknown API key or an
 * unsupported version closes the connection (as Kafka does), except ApiVersions, which answers
 * UNSUPPORTED_VERSION in a v0 body, with the supported ranges, so a client newer than YaK can retry
 * with a version both know (KIP-511). Its body is not read: a newer version's layout is unknown.
 */
export async function routeRequest(ctx: BrokerContext, header: RequestHeader, body: Reader, from: ClientInfo, scope: RequestScope): Promise<ResponseFrame | null> {
  // The cluster membership exchange (cluster-members.ts): YaK's own API keys, not listed in ApiVersions.
  if (header.apiKey === InternalApi.ClusterHandshake.apiKey) {
    return encode(InternalApi.ClusterHandshake, header.correlationId, 0, ctx.members.handshake(from, InternalApi.ClusterHandshake.decodeRequest(body, 0)));
  }
  if (header.apiKey === InternalApi.ClusterAuthenticate.apiKey) {
    return encode(InternalApi.ClusterAuthenticate, header.correlationId, 0, ctx.members.authenticate(from, InternalApi.ClusterAuthenticate.decodeRequest(body, 0)));
  }
  const api = apiByKey(header.apiKey);
  const handler = HANDLERS.get(header.apiKey);
  if (!api || !handler) throw new ProtocolError(`unsupported API key ${header.apiKey}`);
  if (header.apiVersion < 0 || header.apiVersion > api.maxVersion) {
    if (header.apiKey === ApiKey.ApiVersions) return encode(ApiVersionsApi, header.correlationId, 0, handleApiVersions(SERVED, ErrorCode.UNSUPPORTED_VERSION));
    throw new ProtocolError(`unsupported version ${header.apiVersion} of API ${api.name}`);
  }
  readRequestHeaderTags(body, api, header.apiVersion);
  const req = api.decodeRequest(body, header.apiVersion);
  const client: RequestClient = {
    clientId: header.clientId ?? '',
    host: `/${from.remoteAddress.slice(0, from.remoteAddress.lastIndexOf(':'))}`,
    connectionId: from.id,
    onResponseSent: (listener) => scope.onSent(listener),
    // Null only for the APIs allowed before authentication, which do not authorize.
    principal: from.principal ?? ANONYMOUS_PRINCIPAL,
    connection: from,
    clusterMember: ctx.members.isMember(from.id),
  };
  const res = await handler(ctx, req as never, header.apiVersion, client);
  if (header.apiKey === ApiKey.Produce && (req as { acks: number }).acks === 0) return null;
  return encode(api, header.correlationId, header.apiVersion, res);
}

/** The response frame as chunks: record batches a Fetch answer names go to the socket as they are stored, uncopied. */
function encode<Res>(api: ApiCodec<unknown, Res>, correlationId: number, version: number, res: Res): Buffer[] {
  const w = startResponseFrame(correlationId, 256, responseHeaderVersion(api, version));
  api.encodeResponse(w, res, version);
  return finishFrameChunks(w);
}
