import { ErrorCode } from '../common/errors.js';
import { offsetMetadataMaxChars } from '../common/limits.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/apis/offset-commit.js';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../protocol/apis/offset-delete.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../protocol/apis/txn-offset-commit.js';
import type { OffsetFetchGroup, OffsetFetchPartition, OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopics } from '../protocol/apis/offset-fetch.js';
import { CONSUMER_PROTOCOL_TYPE } from '../protocol/consumer-protocol.js';
import type { GroupCall } from '../protocol/internal-api.js';
import { isMember, type Group, type Member } from './group.js';
import type { GroupStore, StoredOffset } from './group-store.js';

/** What the offset APIs need of the coordinator's groups. */
export interface GroupDirectory {
  get(groupId: string): Group | undefined;
  /** The group, created Empty if new: a commit from outside any group creates one, as in Kafka. */
  getOrCreate(groupId: string): Group;
  /** A member's request counts as a sign of life: its session restarts. */
  heardFrom(group: Group, member: Member): void;
}

/**
 * A group's committed offsets, as Kafka's GroupCoordinator handles them: OffsetCommit (checked
 * against the group's generation and members), OffsetFetch (one group, or several from v8),
 * OffsetDelete, and the offsets transactions commit (TxnOffsetCommit, pending until the transaction
 * ends: `endTransaction`). The offsets themselves are in coordinator.db (GroupStore).
 */
export class GroupOffsets {
  constructor(
    private readonly store: GroupStore,
    private readonly partitionExists: (topic: string, partition: number) => boolean,
    private readonly groups: GroupDirectory,
  ) {}

  /**
   * OffsetCommit as Kafka decides it: from outside the group (generation -1) only while it has no
   * members; from a member only with the current generation, and not while the assignment is being
   * handed out (the member may be about to lose the partition).
   */
  commit(call: GroupCall<OffsetCommitRequest>, now = Date.now()): OffsetCommitResponse {
    const req = call.request;
    const group = this.groups.get(req.groupId);
    const groupError = ((): number => {
      if (!req.groupId) return ErrorCode.INVALID_GROUP_ID;
      if (!group || group.members.size === 0) return req.generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
      if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
      const member = group.memberFor(req.memberId, req.groupInstanceId);
      if (!isMember(member)) return member.errorCode;
      if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      this.groups.heardFrom(group, member);
      return ErrorCode.NONE;
    })();
    const accepted: StoredOffset[] = [];
    const topics = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: this.check(groupError, t.name, p, now, accepted) })) }));
    if (accepted.length > 0) {
      const target = this.groups.getOrCreate(req.groupId);
      this.store.commitOffsets(target.groupId, target.protocolType, accepted);
      target.stored = true;
    }
    return { throttleTimeMs: 0, topics };
  }

  /**
   * TxnOffsetCommit's group side (the transaction coordinator has checked the producer and its
   * transaction: `txnError`). As Kafka's doTxnCommitOffsets decides it, which, unlike OffsetCommit,
   * accepts a commit during a rebalance: a member id other than "" must be a member (its instance id
   * not held by another: FENCED_INSTANCE_ID), a generation other than -1 the current one (KIP-447's
   * zombie fencing; v0-2 name neither). Accepted offsets are pending until the transaction ends.
   */
  txnCommit(call: GroupCall<TxnOffsetCommitRequest>, txnError: number, now = Date.now()): TxnOffsetCommitResponse {
    const req = call.request;
    const groupError = ((): number => {
      if (txnError !== ErrorCode.NONE) return txnError;
      if (!req.groupId) return ErrorCode.INVALID_GROUP_ID;
      const group = this.groups.get(req.groupId);
      const memberId = req.memberId ?? '';
      const generationId = req.generationId ?? -1;
      if (memberId !== '' || req.groupInstanceId) {
        const member = group?.memberFor(memberId, req.groupInstanceId) ?? { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
        if (!isMember(member)) return member.errorCode;
      }
      if (generationId >= 0 && generationId !== (group?.generationId ?? -1)) return ErrorCode.ILLEGAL_GENERATION;
      return ErrorCode.NONE;
    })();
    const accepted: StoredOffset[] = [];
    const topics = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: this.check(groupError, t.name, p, now, accepted) })) }));
    if (accepted.length > 0) this.store.addPendingOffsets(req.transactionalId, req.groupId, accepted);
    return { throttleTimeMs: 0, topics };
  }

  /**
   * A transaction ended: its pending offsets become their groups' committed offsets (commit) or are
   * dropped (abort). The caller runs this in the coordinator.db transaction that stores the
   * transaction's end, so the two never disagree after a crash.
   */
  endTransaction(transactionalId: string, commit: boolean): void {
    if (commit) {
      for (const [groupId, offsets] of this.store.pendingOffsets(transactionalId)) {
        const target = this.groups.getOrCreate(groupId);
        this.store.commitOffsets(target.groupId, target.protocolType, offsets);
        target.stored = true;
      }
    }
    this.store.dropPendingOffsets(transactionalId);
  }

  /** One partition's commit error given its group's (`groupError`); accepted ones go into `accepted`. */
  private check(groupError: number, topic: string, p: { partitionIndex: number; committedOffset: number; committedLeaderEpoch?: number; committedMetadata: string | null }, now: number, accepted: StoredOffset[]): number {
    if (groupError !== ErrorCode.NONE) return groupError;
    if (!this.partitionExists(topic, p.partitionIndex)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if ((p.committedMetadata?.length ?? 0) > offsetMetadataMaxChars) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
    accepted.push({ topic, partition: p.partitionIndex, committedOffset: p.committedOffset, committedLeaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.committedMetadata, commitTimeMs: now });
    return ErrorCode.NONE;
  }

  /**
   * Committed offsets of one group (v0-7) or several (v8+). With require_stable (v7+, KIP-447) a
   * partition some ongoing transaction has an offset pending for answers UNSTABLE_OFFSET_COMMIT
   * (retriable) instead: a consumer taking it over waits for that transaction to end rather than
   * start from an offset about to change. Without it, the last committed offset.
   */
  fetch(call: GroupCall<OffsetFetchRequest>): OffsetFetchResponse {
    const req = call.request;
    const stable = call.apiVersion >= 7 && req.requireStable === true;
    if (call.apiVersion >= 8) return { throttleTimeMs: 0, topics: [], groups: (req.groups ?? []).map((g) => this.groupOffsets(g.groupId, g.topics, stable)) };
    const { topics, errorCode } = this.groupOffsets(req.groupId ?? '', req.topics ?? null, stable);
    return { throttleTimeMs: 0, topics, errorCode };
  }

  /** A group's committed offsets (-1 where none); `topics: null` asks for every partition the group committed. */
  private groupOffsets(groupId: string, topics: OffsetFetchTopics, requireStable: boolean): OffsetFetchGroup {
    if (!groupId) return { groupId, topics: [], errorCode: ErrorCode.INVALID_GROUP_ID };
    const stored = this.store.offsets(groupId);
    const pending = requireStable ? this.store.pendingPartitions(groupId) : new Set<string>();
    const unstable = (topic: string, partition: number): OffsetFetchPartition | null =>
      pending.has(`${topic}\u0000${partition}`) ? { partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT } : null;
    const toPartition = (o: StoredOffset): OffsetFetchPartition =>
      unstable(o.topic, o.partition) ?? { partitionIndex: o.partition, committedOffset: o.committedOffset, committedLeaderEpoch: o.committedLeaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
    if (topics === null) {
      const names = [...new Set(stored.map((o) => o.topic))];
      return { groupId, errorCode: ErrorCode.NONE, topics: names.map((name) => ({ name, partitions: stored.filter((o) => o.topic === name).map(toPartition) })) };
    }
    const byKey = new Map(stored.map((o) => [`${o.topic}\u0000${o.partition}`, o]));
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          const o = byKey.get(`${t.name}\u0000${p}`);
          return o ? toPartition(o) : unstable(t.name, p) ?? { partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
        }),
      })),
    };
  }

  /**
   * OffsetDelete (KIP-496): a group's offsets go, except those of topics a member of the group
   * subscribes to now (GROUP_SUBSCRIBED_TO_TOPIC: deleting them would reset a consumer mid-flight).
   * A non-consumer group with members refuses altogether, as its subscriptions cannot be read.
   */
  delete(call: GroupCall<OffsetDeleteRequest>): OffsetDeleteResponse {
    const req = call.request;
    const refused = (errorCode: number): OffsetDeleteResponse => ({ throttleTimeMs: 0, errorCode, topics: [] });
    if (!req.groupId) return refused(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(req.groupId);
    if (!group) return refused(ErrorCode.GROUP_ID_NOT_FOUND);
    if (group.members.size > 0 && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return refused(ErrorCode.NON_EMPTY_GROUP);
    const subscribed = group.subscribedTopics();
    const deleted: { topic: string; partition: number }[] = [];
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map(({ partitionIndex }) => {
        if (!this.partitionExists(t.name, partitionIndex)) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        if (subscribed === 'all' || subscribed.has(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        deleted.push({ topic: t.name, partition: partitionIndex });
        return { partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    this.store.deleteOffsets(group.groupId, deleted);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics };
  }
}
