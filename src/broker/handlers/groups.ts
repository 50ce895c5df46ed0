import { ErrorCode } from '../../common/errors.js';
import type { ApiCodec } from '../../protocol/api.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/apis/delete-groups.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/apis/describe-groups.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/apis/heartbeat.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/apis/join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/apis/leave-group.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/apis/list-groups.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/apis/offset-commit.js';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/apis/offset-delete.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/apis/offset-fetch.js';
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/apis/sync-group.js';
import { InternalApi, type GroupCall } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';
import { distinctBy } from './distinct.js';
import type { RequestClient } from '../request-router.js';
import { groupHomes } from './find-coordinator.js';

const REQUEST_TIMEOUT_MS = 10_000;
/**
 * JoinGroup and SyncGroup wait for the rebalance, which the coordinator ends after the group's
 * rebalance timeout: the longest of its members', not the joining member's own. So the broker waits
 * up to this bound for any of them (a coordinator that dies closes the link at once).
 */
const MAX_REBALANCE_WAIT_MS = 5 * 60_000;
const NOT_AVAILABLE = ErrorCode.COORDINATOR_NOT_AVAILABLE;

/**
 * The group APIs (the classic consumer group protocol) and the transaction APIs
 * (handlers/transactions.ts): decoded here, answered by the coordinator process, which owns every
 * group and transactional id. If the coordinator cannot be reached the answer is `unavailable()`,
 * COORDINATOR_NOT_AVAILABLE, which Kafka clients retry (after looking for the coordinator again).
 */
export async function forwardToCoordinator<Req, Res>(
  ctx: BrokerContext,
  api: ApiCodec<GroupCall<Req>, Res>,
  req: Req,
  version: number,
  client: RequestClient,
  unavailable: () => Res,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Res> {
  try {
    return await ctx.coordinator.callGroup(api, { apiVersion: version, clientId: client.clientId, clientHost: client.host, request: req }, timeoutMs);
  } catch (err) {
    ctx.logger.warn(`${api.name}: coordinator unreachable (${(err as Error).message}), answering COORDINATOR_NOT_AVAILABLE`);
    return unavailable();
  }
}

/** How long the broker waits for a JoinGroup or SyncGroup answer: the bound, and a margin for the call itself. */
const REBALANCE_CALL_TIMEOUT_MS = MAX_REBALANCE_WAIT_MS + 5000;

export const GroupHandlers = {
  joinGroup: (ctx: BrokerContext, req: JoinGroupRequest, version: number, client: RequestClient): Promise<JoinGroupResponse> =>
    forwardToCoordinator(ctx, InternalApi.JoinGroup, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] }), REBALANCE_CALL_TIMEOUT_MS),

  syncGroup: (ctx: BrokerContext, req: SyncGroupRequest, version: number, client: RequestClient): Promise<SyncGroupResponse> =>
    forwardToCoordinator(ctx, InternalApi.SyncGroup, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, assignment: Buffer.alloc(0) }), REBALANCE_CALL_TIMEOUT_MS),

  heartbeat: (ctx: BrokerContext, req: HeartbeatRequest, version: number, client: RequestClient): Promise<HeartbeatResponse> =>
    forwardToCoordinator(ctx, InternalApi.GroupHeartbeat, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE })),

  leaveGroup: (ctx: BrokerContext, req: LeaveGroupRequest, version: number, client: RequestClient): Promise<LeaveGroupResponse> =>
    forwardToCoordinator(ctx, InternalApi.LeaveGroup, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, members: [] })),

  offsetCommit: (ctx: BrokerContext, req: OffsetCommitRequest, version: number, client: RequestClient): Promise<OffsetCommitResponse> =>
    forwardToCoordinator(ctx, InternalApi.OffsetCommit, req, version, client, () => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: NOT_AVAILABLE })) })),
    })),

  offsetFetch: (ctx: BrokerContext, req: OffsetFetchRequest, version: number, client: RequestClient): Promise<OffsetFetchResponse> => {
    // v0/v1 have no top-level error code: each partition carries it.
    const unavailable = (topics: OffsetFetchRequest['topics']) =>
      (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1, metadata: '', errorCode: NOT_AVAILABLE })) }));
    return forwardToCoordinator(ctx, InternalApi.OffsetFetch, req, version, client, () => ({
      throttleTimeMs: 0,
      errorCode: NOT_AVAILABLE,
      topics: unavailable(req.topics),
      groups: req.groups?.map((g) => ({ groupId: g.groupId, errorCode: NOT_AVAILABLE, topics: [] })),
    }));
  },

  offsetDelete: (ctx: BrokerContext, req: OffsetDeleteRequest, version: number, client: RequestClient): Promise<OffsetDeleteResponse> =>
    forwardToCoordinator(ctx, InternalApi.OffsetDelete, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, topics: [] })),

  /** The groups whose home is this broker: Kafka tools ask every broker and concatenate the answers. */
  listGroups: async (ctx: BrokerContext, req: ListGroupsRequest, version: number, client: RequestClient): Promise<ListGroupsResponse> => {
    const res = await forwardToCoordinator(ctx, InternalApi.ListGroups, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, groups: [] }));
    const homeOf = groupHomes(ctx);
    return { ...res, groups: res.groups.filter((g) => homeOf(g.groupId) === ctx.brokerId) };
  },

  describeGroups: (ctx: BrokerContext, request: DescribeGroupsRequest, version: number, client: RequestClient): Promise<DescribeGroupsResponse> => {
    const req = { ...request, groups: distinctBy(request.groups, (g) => g) };
    return forwardToCoordinator(ctx, InternalApi.DescribeGroups, req, version, client, () => ({
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => ({ errorCode: NOT_AVAILABLE, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
    }));
  },

  deleteGroups: (ctx: BrokerContext, req: DeleteGroupsRequest, version: number, client: RequestClient): Promise<DeleteGroupsResponse> =>
    forwardToCoordinator(ctx, InternalApi.DeleteGroups, req, version, client, () => ({ throttleTimeMs: 0, results: req.groupsNames.map((groupId) => ({ groupId, errorCode: NOT_AVAILABLE })) })),
};
