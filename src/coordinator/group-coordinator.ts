import crypto from 'node:crypto';
import { ErrorCode } from '../common/errors.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../protocol/apis/delete-groups.js';
import type { DescribedGroup, DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/apis/describe-groups.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../protocol/apis/metadata.js';
import type { HeartbeatRequest, HeartbeatResponse } from '../protocol/apis/heartbeat.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../protocol/apis/join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/apis/leave-group.js';
import type { ListGroupsRequest, ListGroupsResponse } from '../protocol/apis/list-groups.js';
import type { SyncGroupRequest, SyncGroupResponse } from '../protocol/apis/sync-group.js';
import type { GroupCall } from '../protocol/internal-api.js';
import { groupInitialRebalanceDelayMs } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { Group, isMember, sameProtocols, type Member } from './group.js';
import { GroupOffsets } from './group-offsets.js';
import type { GroupStore, StoredGroup } from './group-store.js';
import { clientReason, loggedReason, withInstance } from './rebalance-reasons.js';
import type { StallClock } from './stall-clock.js';

export interface GroupCoordinatorOptions {
  /** Whether a topic partition exists (OffsetCommit and OffsetDelete answer UNKNOWN_TOPIC_OR_PARTITION otherwise). */
  partitionExists: (topic: string, partition: number) => boolean;
  /** Kafka's group.min/max.session.timeout.ms; Kafka's minimum is 6 s, YaK allows shorter for tests. */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Time the coordinator itself stood still does not count against member sessions. */
  stallClock?: StallClock;
  /** Kafka's group.initial.rebalance.delay.ms (limits.ts has YaK's default). */
  initialRebalanceDelayMs?: number;
  /** Where each rebalance is logged, with its cause (the client's KIP-800 reason included). */
  logger?: Logger;
}

/** Every YaK group runs the classic protocol (join/sync), not KIP-848's "consumer" one. */
const CLASSIC_GROUP_TYPE = 'classic';
/** Kafka's AclOperation bits a group has: READ (3), DELETE (6), DESCRIBE (8). */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
/** First JoinGroup version that gets MEMBER_ID_REQUIRED (KIP-394). */
const MEMBER_ID_REQUIRED_SINCE = 4;
/** First JoinGroup version with skip_assignment. */
const SKIP_ASSIGNMENT_SINCE = 9;

const joinError = (errorCode: number, memberId = ''): JoinGroupResponse => ({
  throttleTimeMs: 0,
  errorCode,
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});
const syncError = (errorCode: number): SyncGroupResponse => ({ throttleTimeMs: 0, errorCode, assignment: Buffer.alloc(0) });

/**
 * Kafka's group coordinator (GroupCoordinator.scala, classic protocol), for every group of the
 * cluster: membership, generations, the join/sync rebalance with client-side assignment (the leader
 * assigns, only it gets the members' metadata), static members (KIP-345), session and rebalance
 * timeouts; committed offsets through `offsets` (group-offsets.ts).
 * Owns the groups in memory; their settled states and offsets are in coordinator.db (GroupStore), so
 * a restart resumes every group. Brokers forward the Kafka requests here. JoinGroup and SyncGroup
 * answer when the rebalance does (long polls).
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly initialRebalanceDelayMs: number;
  /** OffsetCommit, OffsetFetch, OffsetDelete. */
  readonly offsets: GroupOffsets;

  constructor(
    private readonly store: GroupStore,
    private readonly opts: GroupCoordinatorOptions,
  ) {
    this.minSessionTimeoutMs = opts.minSessionTimeoutMs ?? 1000;
    this.maxSessionTimeoutMs = opts.maxSessionTimeoutMs ?? 1_800_000;
    this.initialRebalanceDelayMs = opts.initialRebalanceDelayMs ?? groupInitialRebalanceDelayMs;
    for (const stored of store.groups()) this.groups.set(stored.groupId, this.restore(stored));
    this.offsets = new GroupOffsets(store, opts.partitionExists, {
      get: (groupId) => this.groups.get(groupId),
      getOrCreate: (groupId) => this.groups.get(groupId) ?? this.createGroup(groupId, ''),
      heardFrom: (group, member) => this.touch(group, member),
    });
  }

  /** A group as stored: Stable with its members (each given a fresh session to show up in), or Empty. */
  private restore(stored: StoredGroup): Group {
    const group = new Group(stored.groupId, stored.protocolType, true);
    group.generationId = stored.generationId;
    if (stored.members.length === 0) return group;
    group.state = 'Stable';
    group.protocolName = stored.protocolName;
    group.leaderId = stored.leaderId;
    for (const m of stored.members) {
      const member: Member = { ...m, joinWaiter: null, syncWaiter: null, sessionTimer: null };
      group.add(member);
      this.touch(group, member);
    }
    return group;
  }

  /** Writes the group's settled state (Stable or Empty), as Kafka appends it to __consumer_offsets. */
  private persist(group: Group): void {
    this.store.saveGroup({
      groupId: group.groupId,
      protocolType: group.protocolType,
      generationId: group.generationId,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        protocols: m.protocols,
        assignment: m.assignment,
      })),
    });
    group.stored = true;
  }

  // --- membership ---------------------------------------------------------------------------------

  join(call: GroupCall<JoinGroupRequest>): Promise<JoinGroupResponse> {
    const req = call.request;
    if (!req.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    const existing = this.groups.get(req.groupId);
    if (!req.protocolType || req.protocols.length === 0 || (existing && !existing.accepts(req.protocolType, req.protocols))) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    const group = existing ?? this.createGroup(req.groupId, req.protocolType);
    const instanceId = req.groupInstanceId ?? null;

    if (req.memberId === '' && instanceId !== null) {
      // A static member (KIP-345) needs no MEMBER_ID_REQUIRED round: its instance id is its identity.
      const memberId = `${instanceId}-${crypto.randomUUID()}`;
      const previous = group.members.get(group.staticMembers.get(instanceId) ?? '');
      return previous ? this.replaceStaticMember(group, previous, memberId, call) : this.addMember(group, memberId, call);
    }
    if (req.memberId === '') {
      const memberId = `${call.clientId || 'member'}-${crypto.randomUUID()}`;
      if (call.apiVersion >= MEMBER_ID_REQUIRED_SINCE) {
        // The client must come back with this id; until then the join phase waits for it (bounded by its session timeout).
        const timer = setTimeout(() => {
          group.pendingMemberIds.delete(memberId);
          this.maybeCompleteJoin(group);
        }, req.sessionTimeoutMs);
        group.pendingMemberIds.set(memberId, timer);
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
      return this.addMember(group, memberId, call);
    }
    const pending = group.pendingMemberIds.get(req.memberId);
    if (pending) {
      clearTimeout(pending);
      group.pendingMemberIds.delete(req.memberId);
      return this.addMember(group, req.memberId, call);
    }
    const member = group.memberFor(req.memberId, instanceId);
    if (!isMember(member)) return Promise.resolve(joinError(member.errorCode, req.memberId));
    return this.rejoin(group, member, call);
  }

  private createGroup(groupId: string, protocolType: string): Group {
    const group = new Group(groupId, protocolType);
    this.groups.set(groupId, group);
    return group;
  }

  private addMember(group: Group, memberId: string, call: GroupCall<JoinGroupRequest>): Promise<JoinGroupResponse> {
    const req = call.request;
    if (group.members.size === 0) group.protocolType = req.protocolType;
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      clientId: call.clientId,
      clientHost: call.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: Buffer.alloc(0),
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    };
    group.add(member);
    group.leaderId ??= memberId;
    if (group.initialDelay) group.initialDelay.newMemberJoined = true;
    const answer = this.awaitJoin(member);
    this.touch(group, member);
    this.prepareRebalance(group, `adding new member ${memberId}${withInstance(member)}${clientReason(call)}`);
    this.maybeCompleteJoin(group);
    return answer;
  }

  private rejoin(group: Group, member: Member, call: GroupCall<JoinGroupRequest>): Promise<JoinGroupResponse> {
    const req = call.request;
    const unchanged = sameProtocols(member.protocols, req.protocols);
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.protocols = req.protocols;
    this.touch(group, member);
    // A follower that rejoins with the same metadata while no rebalance is due just gets the current generation back.
    const settled = group.state === 'CompletingRebalance' || (group.state === 'Stable' && member.memberId !== group.leaderId);
    if (unchanged && settled) return Promise.resolve(this.joinAnswer(group, member));
    const answer = this.awaitJoin(member);
    const what = unchanged ? (member.memberId === group.leaderId ? 'leader' : 'member') : 'updating metadata for member';
    this.prepareRebalance(group, `${what} ${member.memberId} rejoining during ${group.state}${clientReason(call)}`);
    this.maybeCompleteJoin(group);
    return answer;
  }

  /**
   * A static member came back under a new member id (it restarted): it takes over the old member's
   * place and assignment, and the old id is fenced. In a Stable group whose assignor stays the same
   * the others are not disturbed: no rebalance, the generation stays (Kafka's
   * updateStaticMemberAndRebalance). The answer names the previous leader, so that a returning
   * leader does not compute an assignment a Stable group would never hand out.
   */
  private replaceStaticMember(group: Group, previous: Member, memberId: string, call: GroupCall<JoinGroupRequest>): Promise<JoinGroupResponse> {
    const req = call.request;
    if (previous.sessionTimer) clearTimeout(previous.sessionTimer);
    previous.joinWaiter?.(joinError(ErrorCode.FENCED_INSTANCE_ID, previous.memberId));
    previous.syncWaiter?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const answeredLeader = group.leaderId ?? '';
    const member: Member = {
      ...previous,
      memberId,
      clientId: call.clientId,
      clientHost: call.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    };
    const wasLeader = group.leaderId === previous.memberId;
    group.remove(previous);
    group.add(member);
    if (wasLeader) group.leaderId = memberId;
    this.touch(group, member);
    if (group.state === 'Stable' && group.selectProtocol() === group.protocolName) {
      this.persist(group);
      // JoinGroup v9 can tell a returning leader it leads but must not assign (skip_assignment).
      if (wasLeader && call.apiVersion >= SKIP_ASSIGNMENT_SINCE) return Promise.resolve({ ...this.joinAnswer(group, member), skipAssignment: true });
      return Promise.resolve({ ...this.joinAnswer(group, member), leader: answeredLeader, members: [] });
    }
    const answer = this.awaitJoin(member);
    this.prepareRebalance(group, `static member ${previous.memberId} replaced by ${memberId}${withInstance(member)} during ${group.state}${clientReason(call)}`);
    this.maybeCompleteJoin(group);
    return answer;
  }

  private awaitJoin(member: Member): Promise<JoinGroupResponse> {
    // A second JoinGroup replaces the first; the first must still get an answer.
    member.joinWaiter?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    return new Promise((resolve) => (member.joinWaiter = resolve));
  }

  sync(call: GroupCall<SyncGroupRequest>): Promise<SyncGroupResponse> {
    const req = call.request;
    const group = this.groups.get(req.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const member = group.memberFor(req.memberId, req.groupInstanceId);
    if (!isMember(member)) return Promise.resolve(syncError(member.errorCode));
    if (req.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    // SyncGroup v5 names the protocol the member thinks it joined with (KIP-559): a mismatch is refused.
    const mismatch = (given: string | null | undefined, actual: string | null) => given != null && given !== actual;
    if (mismatch(req.protocolType, group.protocolType) || mismatch(req.protocolName, group.protocolName)) return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    this.touch(group, member);
    if (group.state === 'PreparingRebalance') return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    if (group.state === 'Stable') return Promise.resolve(this.syncAnswer(group, member));
    member.syncWaiter?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    const answer = new Promise<SyncGroupResponse>((resolve) => (member.syncWaiter = resolve));
    if (member.memberId === group.leaderId) {
      const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0);
      group.state = 'Stable';
      this.persist(group);
      for (const m of group.members.values()) {
        m.syncWaiter?.(this.syncAnswer(group, m));
        m.syncWaiter = null;
      }
    }
    return answer;
  }

  private syncAnswer(group: Group, member: Member): SyncGroupResponse {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
  }

  heartbeat(call: GroupCall<HeartbeatRequest>): HeartbeatResponse {
    const req = call.request;
    const group = this.groups.get(req.groupId);
    if (!group) return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    const member = group.memberFor(req.memberId, req.groupInstanceId);
    if (!isMember(member)) return { throttleTimeMs: 0, errorCode: member.errorCode };
    this.touch(group, member);
    if (group.state === 'PreparingRebalance') return { throttleTimeMs: 0, errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
    if (req.generationId !== group.generationId) return { throttleTimeMs: 0, errorCode: ErrorCode.ILLEGAL_GENERATION };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE };
  }

  /**
   * LeaveGroup, one member (v0-2) or a batch (v3+) each with its own error (Kafka's handleLeaveGroup).
   * A member named by instance id alone (member id "") is removed whichever member id it holds now:
   * that is how an operator removes a static member at once instead of waiting out its session.
   */
  leave(call: GroupCall<LeaveGroupRequest>): LeaveGroupResponse {
    const req = call.request;
    const leaving = call.apiVersion >= 3 ? (req.members ?? []) : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const group = this.groups.get(req.groupId);
    const members = leaving.map((l) => {
      const result = (errorCode: number) => ({ memberId: l.memberId, groupInstanceId: l.groupInstanceId ?? null, errorCode });
      if (!group) return result(ErrorCode.UNKNOWN_MEMBER_ID);
      const pending = group.pendingMemberIds.get(l.memberId);
      if (pending) {
        clearTimeout(pending);
        group.pendingMemberIds.delete(l.memberId);
        this.maybeCompleteJoin(group);
        return result(ErrorCode.NONE);
      }
      const memberId = l.memberId === '' && l.groupInstanceId ? (group.staticMembers.get(l.groupInstanceId) ?? '') : l.memberId;
      const member = group.memberFor(memberId, l.groupInstanceId);
      if (!isMember(member)) return result(member.errorCode);
      this.removeMember(group, member, `removing member ${member.memberId}${withInstance(member)} on LeaveGroup; client reason: ${loggedReason(call.apiVersion >= 5 ? l.reason : null)}`);
      return result(ErrorCode.NONE);
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members };
  }

  // --- the rebalance ------------------------------------------------------------------------------

  /** Starts a join phase (if none runs): every member must rejoin within the longest rebalance timeout. Logs why (`reason`), as Kafka does. */
  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'PreparingRebalance') return;
    this.opts.logger?.info(`preparing to rebalance group ${group.groupId} in state ${group.state} with old generation ${group.generationId} (reason: ${reason})`);
    for (const m of group.members.values()) {
      m.syncWaiter?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      m.syncWaiter = null;
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    if (wasEmpty && this.initialRebalanceDelayMs > 0) {
      group.initialDelay = { newMemberJoined: false, remainingMs: Math.max(group.rebalanceTimeoutMs() - this.initialRebalanceDelayMs, 0) };
      this.awaitInitialJoins(group, this.initialRebalanceDelayMs);
      return;
    }
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs());
  }

  /**
   * Kafka's InitialDelayedJoin: the first rebalance of an empty group waits group.initial.rebalance.delay.ms,
   * and again (up to the rebalance timeout in all) while members keep arriving, so consumers started
   * together form one generation instead of the first taking everything and a rebalance per arrival.
   */
  private awaitInitialJoins(group: Group, delayMs: number): void {
    group.rebalanceTimer = setTimeout(() => {
      const delay = group.initialDelay!;
      if (delay.newMemberJoined && delay.remainingMs > 0) {
        const next = Math.min(this.initialRebalanceDelayMs, delay.remainingMs);
        group.initialDelay = { newMemberJoined: false, remainingMs: Math.max(delay.remainingMs - next, 0) };
        this.awaitInitialJoins(group, next);
      } else this.completeJoin(group);
    }, delayMs);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allMembersJoined()) this.completeJoin(group);
  }

  /** Ends the join phase: members that did not rejoin are dropped, the rest form the next generation. */
  private completeJoin(group: Group): void {
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    group.initialDelay = null;
    for (const m of group.members.values()) if (!m.joinWaiter) this.dropMember(group, m);
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      if (group.stored) this.persist(group);
      return;
    }
    group.state = 'CompletingRebalance';
    group.protocolName = group.selectProtocol();
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    for (const m of group.members.values()) {
      m.joinWaiter!(this.joinAnswer(group, m));
      m.joinWaiter = null;
      this.touch(group, m);
    }
  }

  /** The JoinGroup answer of the current generation: only the leader gets the members and their metadata. */
  private joinAnswer(group: Group, member: Member): JoinGroupResponse {
    const isLeader = member.memberId === group.leaderId;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName ?? '',
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: group.metadataFor(m) })) : [],
    };
  }

  /** Restarts a member's session: it is removed if nothing is heard from it for its session timeout. */
  private touch(group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    const armedAt = Date.now();
    member.sessionTimer = setTimeout(() => {
      // The coordinator stood still meanwhile: the member is owed that time (its heartbeats may be waiting unread).
      const owed = this.opts.stallClock?.stalledSince(armedAt) ?? 0;
      if (owed > 0) this.touch(group, member, owed);
      // A member waiting in JoinGroup or SyncGroup cannot heartbeat: Kafka keeps it alive meanwhile.
      else if (member.joinWaiter || member.syncWaiter) this.touch(group, member);
      else if (group.members.get(member.memberId) === member) this.removeMember(group, member, `removing member ${member.memberId}${withInstance(member)} on heartbeat expiration (session timeout ${member.sessionTimeoutMs} ms)`);
    }, timeoutMs);
  }

  /** A member left or timed out: the others rebalance without it. */
  private removeMember(group: Group, member: Member, reason: string): void {
    this.dropMember(group, member);
    member.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.syncWaiter?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.joinWaiter = member.syncWaiter = null;
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group, reason);
    this.maybeCompleteJoin(group);
  }

  private dropMember(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    group.remove(member);
  }

  // --- administration -----------------------------------------------------------------------------

  /** Every group, or those in the states (v4+) and of the types (v5+) asked for, case-insensitively as Kafka compares them. */
  listGroups(call: GroupCall<ListGroupsRequest>): ListGroupsResponse {
    const wanted = (filter: string[] | undefined, value: string) => !filter?.length || filter.some((f) => f.toLowerCase() === value.toLowerCase());
    const groups = [...this.groups.values()]
      .filter((g) => wanted(call.request.statesFilter, g.state) && wanted(call.request.typesFilter, CLASSIC_GROUP_TYPE))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: CLASSIC_GROUP_TYPE })),
    };
  }

  /** Unknown groups are described as Dead with no error, as Kafka does before DescribeGroups v6. */
  describeGroups(call: GroupCall<DescribeGroupsRequest>): DescribeGroupsResponse {
    // YaK has no ACLs: whoever asks may do all a group allows (READ, DELETE, DESCRIBE).
    const authorizedOperations = call.request.includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
    return {
      throttleTimeMs: 0,
      groups: call.request.groups.map((groupId): DescribedGroup => {
        const group = this.groups.get(groupId);
        const errorCode = groupId ? ErrorCode.NONE : ErrorCode.INVALID_GROUP_ID;
        if (!group) return { errorCode, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations };
        return {
          errorCode,
          groupId,
          groupState: group.state,
          protocolType: group.protocolType,
          protocolData: group.state === 'PreparingRebalance' ? '' : (group.protocolName ?? ''),
          members: [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: group.metadataFor(m),
            memberAssignment: m.assignment,
          })),
          authorizedOperations,
        };
      }),
    };
  }

  /** Deletes groups without members, with their committed offsets. */
  deleteGroups(call: GroupCall<DeleteGroupsRequest>): DeleteGroupsResponse {
    return {
      throttleTimeMs: 0,
      results: call.request.groupsNames.map((groupId) => {
        const group = this.groups.get(groupId);
        if (!groupId) return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
        if (!group) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
        if (group.members.size > 0 || group.pendingMemberIds.size > 0) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        group.state = 'Dead';
        this.groups.delete(groupId);
        this.store.deleteGroup(groupId);
        return { groupId, errorCode: ErrorCode.NONE };
      }),
    };
  }

  /** Stops every timer; waiting JoinGroup/SyncGroup calls end with the connections that carry them. */
  close(): void {
    for (const group of this.groups.values()) {
      if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
      for (const t of group.pendingMemberIds.values()) clearTimeout(t);
      for (const m of group.members.values()) if (m.sessionTimer) clearTimeout(m.sessionTimer);
    }
  }
}
