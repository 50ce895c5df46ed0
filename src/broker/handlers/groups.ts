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
import type { OffsetFetchPartition, OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopics } from '../../protocol/apis/offset-fetch.js';
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/apis/sync-group.js';
import { InternalApi, type GroupCall } from '../../protocol/internal-api.js';
import { AclOperation, ResourceType, type AclOperationCode } from '../../security/acl.js';
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

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;
/** OffsetFetch v8+ names groups in `groups`. */
const FIRST_GROUPS_VERSION = 8;
const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;

/** Kafka's group checks (KafkaApis): READ on the group to be a member or commit, DESCRIBE to look, DELETE to delete. */
function mayGroup(ctx: BrokerContext, client: RequestClient, operation: AclOperationCode, groupId: string): boolean {
  return ctx.security.authorize(client, operation, ResourceType.GROUP, groupId);
}

function mayTopic(ctx: BrokerContext, client: RequestClient, operation: AclOperationCode, topic: string): boolean {
  return ctx.security.authorize(client, operation, ResourceType.TOPIC, topic);
}

/**
 * The request's topics split by `allowed`: the others answered with `refused` without reaching the
 * coordinator, and the answer `merge`d back in the request's order (as Kafka answers unauthorized
 * topics next to the others).
 */
function splitTopics<T extends { name: string }>(topics: T[], allowed: (name: string) => boolean): { allowed: T[]; refused: T[] } {
  return { allowed: topics.filter((t) => allowed(t.name)), refused: topics.filter((t) => !allowed(t.name)) };
}

/** An OffsetFetch group's answer with the topics the client may not DESCRIBE refused (named) or left out (all topics asked). */
function authorizeFetchedTopics(
  ctx: BrokerContext,
  client: RequestClient,
  asked: OffsetFetchTopics | undefined,
  answered: { name: string; partitions: OffsetFetchPartition[] }[],
): { name: string; partitions: OffsetFetchPartition[] }[] {
  const may = (name: string) => mayTopic(ctx, client, AclOperation.DESCRIBE, name);
  if (!asked) return answered.filter((t) => may(t.name));
  return answered.map((t) => (may(t.name) ? t : { name: t.name, partitions: t.partitions.map((p) => ({ ...p, committedOffset: -1, metadata: '', errorCode: TOPIC_DENIED })) }));
}

export const GroupHandlers = {
  joinGroup: (ctx: BrokerContext, req: JoinGroupRequest, version: number, client: RequestClient): Promise<JoinGroupResponse> => {
    const refuse = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] });
    if (!mayGroup(ctx, client, AclOperation.READ, req.groupId)) return Promise.resolve(refuse(GROUP_DENIED));
    return forwardToCoordinator(ctx, InternalApi.JoinGroup, req, version, client, () => refuse(NOT_AVAILABLE), REBALANCE_CALL_TIMEOUT_MS);
  },

  syncGroup: (ctx: BrokerContext, req: SyncGroupRequest, version: number, client: RequestClient): Promise<SyncGroupResponse> => {
    const refuse = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, assignment: Buffer.alloc(0) });
    if (!mayGroup(ctx, client, AclOperation.READ, req.groupId)) return Promise.resolve(refuse(GROUP_DENIED));
    return forwardToCoordinator(ctx, InternalApi.SyncGroup, req, version, client, () => refuse(NOT_AVAILABLE), REBALANCE_CALL_TIMEOUT_MS);
  },

  heartbeat: (ctx: BrokerContext, req: HeartbeatRequest, version: number, client: RequestClient): Promise<HeartbeatResponse> => {
    if (!mayGroup(ctx, client, AclOperation.READ, req.groupId)) return Promise.resolve({ throttleTimeMs: 0, errorCode: GROUP_DENIED });
    return forwardToCoordinator(ctx, InternalApi.GroupHeartbeat, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE }));
  },

  leaveGroup: (ctx: BrokerContext, req: LeaveGroupRequest, version: number, client: RequestClient): Promise<LeaveGroupResponse> => {
    if (!mayGroup(ctx, client, AclOperation.READ, req.groupId)) return Promise.resolve({ throttleTimeMs: 0, errorCode: GROUP_DENIED, members: [] });
    return forwardToCoordinator(ctx, InternalApi.LeaveGroup, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, members: [] }));
  },

  /** READ on the group, and on each topic committed for (TOPIC_AUTHORIZATION_FAILED for the others' partitions). */
  offsetCommit: async (ctx: BrokerContext, req: OffsetCommitRequest, version: number, client: RequestClient): Promise<OffsetCommitResponse> => {
    const answer = (topics: OffsetCommitRequest['topics'], errorCode: number) => topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    if (!mayGroup(ctx, client, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, topics: answer(req.topics, GROUP_DENIED) };
    const split = splitTopics(req.topics, (name) => mayTopic(ctx, client, AclOperation.READ, name));
    const res =
      split.allowed.length === 0 && split.refused.length > 0
        ? { throttleTimeMs: 0, topics: [] }
        : await forwardToCoordinator(ctx, InternalApi.OffsetCommit, { ...req, topics: split.allowed }, version, client, () => ({ throttleTimeMs: 0, topics: answer(split.allowed, NOT_AVAILABLE) }));
    return split.refused.length === 0 ? res : { ...res, topics: [...res.topics, ...answer(split.refused, TOPIC_DENIED)] };
  },

  /** DESCRIBE on each group; topics the client may not DESCRIBE are refused when named, left out when all are asked. */
  offsetFetch: async (ctx: BrokerContext, req: OffsetFetchRequest, version: number, client: RequestClient): Promise<OffsetFetchResponse> => {
    // v0/v1 have no top-level error code: each partition carries it.
    const refusedTopics = (topics: OffsetFetchRequest['topics'], errorCode: number) =>
      (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1, metadata: '', errorCode })) }));
    // v8+ asks for several groups; before, for one (each version decodes the other's fields as defaults).
    const groups = version >= FIRST_GROUPS_VERSION ? (req.groups ?? []).map((g) => ({ ...g, allowed: mayGroup(ctx, client, AclOperation.DESCRIBE, g.groupId) })) : null;
    if (!groups && !mayGroup(ctx, client, AclOperation.DESCRIBE, req.groupId ?? '')) return { throttleTimeMs: 0, errorCode: GROUP_DENIED, topics: refusedTopics(req.topics, GROUP_DENIED) };
    const forwarded = groups ? { ...req, groups: groups.filter((g) => g.allowed).map(({ allowed: _, ...g }) => g) } : req;
    const res =
      groups && forwarded.groups!.length === 0
        ? { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: [], groups: [] }
        : await forwardToCoordinator(ctx, InternalApi.OffsetFetch, forwarded, version, client, () => ({
            throttleTimeMs: 0,
            errorCode: NOT_AVAILABLE,
            topics: refusedTopics(req.topics, NOT_AVAILABLE),
            groups: forwarded.groups?.map((g) => ({ groupId: g.groupId, errorCode: NOT_AVAILABLE, topics: [] })),
          }));
    const answeredGroups = new Map((res.groups ?? []).map((g) => [g.groupId, g]));
    return {
      ...res,
      topics: authorizeFetchedTopics(ctx, client, req.topics, res.topics),
      ...(groups
        ? {
            groups: groups.map((g) => {
              if (!g.allowed) return { groupId: g.groupId, errorCode: GROUP_DENIED, topics: [] };
              const a = answeredGroups.get(g.groupId) ?? { groupId: g.groupId, errorCode: NOT_AVAILABLE, topics: [] };
              return { ...a, topics: authorizeFetchedTopics(ctx, client, g.topics, a.topics) };
            }),
          }
        : {}),
    };
  },

  /** DELETE on the group, READ on each topic. */
  offsetDelete: async (ctx: BrokerContext, req: OffsetDeleteRequest, version: number, client: RequestClient): Promise<OffsetDeleteResponse> => {
    if (!mayGroup(ctx, client, AclOperation.DELETE, req.groupId)) return { throttleTimeMs: 0, errorCode: GROUP_DENIED, topics: [] };
    const split = splitTopics(req.topics, (name) => mayTopic(ctx, client, AclOperation.READ, name));
    const res = await forwardToCoordinator(ctx, InternalApi.OffsetDelete, { ...req, topics: split.allowed }, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, topics: [] }));
    const refused = split.refused.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: TOPIC_DENIED })) }));
    return refused.length === 0 ? res : { ...res, topics: [...res.topics, ...refused] };
  },

  /** The groups whose home is this broker: Kafka tools ask every broker and concatenate the answers. Without DESCRIBE on the cluster, those the client may DESCRIBE. */
  listGroups: async (ctx: BrokerContext, req: ListGroupsRequest, version: number, client: RequestClient): Promise<ListGroupsResponse> => {
    const res = await forwardToCoordinator(ctx, InternalApi.ListGroups, req, version, client, () => ({ throttleTimeMs: 0, errorCode: NOT_AVAILABLE, groups: [] }));
    const homeOf = groupHomes(ctx);
    const all = ctx.security.authorizeCluster(client, AclOperation.DESCRIBE);
    return { ...res, groups: res.groups.filter((g) => homeOf(g.groupId) === ctx.brokerId && (all || mayGroup(ctx, client, AclOperation.DESCRIBE, g.groupId))) };
  },

  describeGroups: async (ctx: BrokerContext, request: DescribeGroupsRequest, version: number, client: RequestClient): Promise<DescribeGroupsResponse> => {
    const ids = distinctBy(request.groups, (g) => g);
    const refused = (groupId: string, errorCode: number) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] });
    const allowed = ids.filter((g) => mayGroup(ctx, client, AclOperation.DESCRIBE, g));
    const res =
      allowed.length === 0
        ? { throttleTimeMs: 0, groups: [] }
        : await forwardToCoordinator(ctx, InternalApi.DescribeGroups, { ...request, groups: allowed }, version, client, () => ({ throttleTimeMs: 0, groups: allowed.map((g) => refused(g, NOT_AVAILABLE)) }));
    const byId = new Map(res.groups.map((g) => [g.groupId, g]));
    return { ...res, groups: ids.map((g) => byId.get(g) ?? refused(g, GROUP_DENIED)) };
  },

  deleteGroups: async (ctx: BrokerContext, req: DeleteGroupsRequest, version: number, client: RequestClient): Promise<DeleteGroupsResponse> => {
    const allowed = req.groupsNames.filter((g) => mayGroup(ctx, client, AclOperation.DELETE, g));
    const res =
      allowed.length === 0
        ? { throttleTimeMs: 0, results: [] }
        : await forwardToCoordinator(ctx, InternalApi.DeleteGroups, { ...req, groupsNames: allowed }, version, client, () => ({ throttleTimeMs: 0, results: allowed.map((groupId) => ({ groupId, errorCode: NOT_AVAILABLE })) }));
    const byId = new Map(res.results.map((r) => [r.groupId, r]));
    return { ...res, results: req.groupsNames.map((groupId) => byId.get(groupId) ?? { groupId, errorCode: GROUP_DENIED }) };
  },
};
