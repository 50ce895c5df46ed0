import { ErrorCode, errorName, KafkaError } from '../common/errors.js';
import { Connection } from '../net/connection.js';
import type { ApiCodec } from '../protocol/api.js';
import { FindCoordinatorApi } from '../protocol/apis/find-coordinator.js';
import { HeartbeatApi } from '../protocol/apis/heartbeat.js';
import { JoinGroupApi, type JoinGroupResponse } from '../protocol/apis/join-group.js';
import { LeaveGroupApi } from '../protocol/apis/leave-group.js';
import { OffsetCommitApi } from '../protocol/apis/offset-commit.js';
import { OffsetFetchApi } from '../protocol/apis/offset-fetch.js';
import { SyncGroupApi } from '../protocol/apis/sync-group.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type TopicPartitions } from '../protocol/consumer-protocol.js';
import type { Assignor } from './assignors.js';
import { sleep, type KafkaClient } from './kafka-client.js';

/**
 * Versions of the group APIs YaK's client speaks (OffsetCommit v7 is the first with group.instance.id;
 * JoinGroup v8 and LeaveGroup v5 the first with a reason, KIP-800, which the coordinator logs).
 */
export const GroupVersions = { FindCoordinator: 2, JoinGroup: 8, SyncGroup: 3, Heartbeat: 3, LeaveGroup: 5, OffsetCommit: 7, OffsetFetch: 4, DescribeGroups: 4, ListGroups: 2, DeleteGroups: 1 } as const;

export interface GroupMembershipOptions {
  groupId: string;
  topics: string[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** In preference order; the leader assigns with the one the group agrees on. */
  assignors: readonly Assignor[];
  /**
   * group.instance.id (KIP-345): a static member. Restarted with the same id it gets its partitions
   * back without the others rebalancing; it never sends LeaveGroup, so its partitions wait for it
   * (up to its session timeout) instead of moving at once.
   */
  groupInstanceId?: string | null;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** Errors after which the member must rejoin (it is no longer part of the current generation). */
const REJOIN_ERRORS = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);
/** Errors after which the coordinator must be looked up again. */
const COORDINATOR_ERRORS = new Set<number>([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR, ErrorCode.NETWORK_EXCEPTION, ErrorCode.REQUEST_TIMED_OUT]);
const RETRY_MS = 200;

/**
 * One member of a consumer group, the client side of Kafka's classic group protocol: finds the
 * coordinator, joins (MEMBER_ID_REQUIRED handled), assigns as leader, syncs, heartbeats, commits and
 * fetches offsets, leaves. Talks to the coordinator on a connection of its own, so a JoinGroup that
 * waits for the rebalance never holds back the consumer's fetches on the pooled connections.
 */
export class GroupMembership {
  memberId = '';
  generationId = -1;
  /**
   * The coordinator connection, shared by the heartbeat, commits and joins that run at once: one
   * lookup and one connection at a time, however many of them retry together.
   */
  private coordinator: Promise<Connection> | null = null;
  private current: Connection | null = null;
  private readonly opened = new Set<Connection>();
  private closed = false;

  constructor(
    private readonly client: KafkaClient,
    readonly opts: GroupMembershipOptions,
  ) {}

  /**
   * Joins (or rejoins) the group and returns this member's partitions. Retries until it succeeds or
   * a non-retriable error. `why` is the reason the coordinator logs (KIP-800); each retry says its own.
   */
  async join(why: string): Promise<TopicPartitions> {
    let reason = why;
    for (;;) {
      const joined = await this.request(JoinGroupApi, GroupVersions.JoinGroup, {
        groupId: this.opts.groupId,
        sessionTimeoutMs: this.opts.sessionTimeoutMs,
        rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.instanceId,
        reason,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: this.opts.assignors.map((a) => ({ name: a.name, metadata: encodeSubscription({ topics: this.opts.topics, userData: null }) })),
      }, this.opts.rebalanceTimeoutMs + 5000);
      if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        // The same join, with the id the coordinator gave (KIP-394): its cause stays the reason.
        this.memberId = joined.memberId;
        continue;
      }
      if (joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.memberId = '';
        reason = 'JoinGroup answered UNKNOWN_MEMBER_ID';
        continue;
      }
      if (joined.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
        reason = 'JoinGroup answered REBALANCE_IN_PROGRESS';
        continue;
      }
      this.checkNotFenced(joined.errorCode);
      if (joined.errorCode !== ErrorCode.NONE) throw new KafkaError(joined.errorCode, `joining group "${this.opts.groupId}"`);
      this.memberId = joined.memberId;
      this.generationId = joined.generationId;
      const assignments = joined.leader === joined.memberId ? await this.assign(joined) : [];
      const synced = await this.request(SyncGroupApi, GroupVersions.SyncGroup, {
        groupId: this.opts.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.instanceId,
        assignments,
      }, this.opts.rebalanceTimeoutMs + 5000);
      if (REJOIN_ERRORS.has(synced.errorCode)) {
        if (synced.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        reason = `SyncGroup answered ${errorName(synced.errorCode)}`;
        continue;
      }
      this.checkNotFenced(synced.errorCode);
      if (synced.errorCode !== ErrorCode.NONE) throw new KafkaError(synced.errorCode, `syncing group "${this.opts.groupId}"`);
      return decodeAssignment(synced.assignment);
    }
  }

  /** The leader's job: partition counts from metadata, then the agreed assignor. */
  private async assign(joined: JoinGroupResponse): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.opts.assignors.find((a) => a.name === joined.protocolName);
    if (!assignor) throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `the group chose assignor "${joined.protocolName}", which this client does not have`);
    const members = joined.members.map((m) => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata).topics }));
    const topics = [...new Set(members.flatMap((m) => m.topics))];
    const md = await this.client.refreshMetadata(topics);
    const counts = new Map(md.topics.filter((t) => t.errorCode === ErrorCode.NONE).map((t) => [t.name, t.partitions.length]));
    const plan = assignor.assign(members, counts);
    return [...plan.entries()].map(([memberId, assigned]) => ({ memberId, assignment: encodeAssignment(assigned) }));
  }

  /** One heartbeat: null while the member is in the current generation, else why it must rejoin (the reason its JoinGroup gives). */
  async heartbeat(): Promise<string | null> {
    const res = await this.request(HeartbeatApi, GroupVersions.Heartbeat, { groupId: this.opts.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.instanceId });
    if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
    this.checkNotFenced(res.errorCode);
    if (REJOIN_ERRORS.has(res.errorCode)) return `Heartbeat answered ${errorName(res.errorCode)}`;
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, `heartbeat to group "${this.opts.groupId}"`);
    return null;
  }

  /** Commits offsets (the next offset to read, as Kafka commits) for the current generation. */
  async commit(offsets: CommittedOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const topics = [...new Set(offsets.map((o) => o.topic))].map((name) => ({
      name,
      partitions: offsets.filter((o) => o.topic === name).map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: '' })),
    }));
    const res = await this.request(OffsetCommitApi, GroupVersions.OffsetCommit, { groupId: this.opts.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.instanceId, topics });
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `committing ${t.name}-${p.partitionIndex} for group "${this.opts.groupId}"`);
      }
    }
  }

  /** The group's committed offset of each partition (absent where none). */
  async committed(topic: string, partitions: number[]): Promise<Map<number, number>> {
    const res = await this.request(OffsetFetchApi, GroupVersions.OffsetFetch, { groupId: this.opts.groupId, topics: [{ name: topic, partitionIndexes: partitions }] });
    if (res.errorCode) throw new KafkaError(res.errorCode, `fetching offsets of group "${this.opts.groupId}"`);
    const out = new Map<number, number>();
    for (const p of res.topics.find((t) => t.name === topic)?.partitions ?? []) {
      if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `fetching the offset of ${topic}-${p.partitionIndex}`);
      if (p.committedOffset >= 0) out.set(p.partitionIndex, p.committedOffset);
    }
    return out;
  }

  /**
   * Leaves the group, so the others rebalance now instead of after this member's session timeout.
   * A static member does not (KIP-345, as Kafka's consumer does not): its restart takes its place back.
   */
  async leave(reason: string): Promise<void> {
    if (!this.memberId || this.instanceId !== null) return;
    const members = [{ memberId: this.memberId, groupInstanceId: null, reason }];
    await this.request(LeaveGroupApi, GroupVersions.LeaveGroup, { groupId: this.opts.groupId, members }).catch(() => undefined);
    this.memberId = '';
  }

  private get instanceId(): string | null {
    return this.opts.groupInstanceId ?? null;
  }

  /** A newer member with this member's group.instance.id replaced it: stopping is the only way out. */
  private checkNotFenced(errorCode: number): void {
    if (errorCode === ErrorCode.FENCED_INSTANCE_ID) {
      throw new KafkaError(errorCode, `another member of group "${this.opts.groupId}" joined with group instance id "${this.instanceId}"; this one is fenced`);
    }
  }

  close(): void {
    this.closed = true;
    for (const conn of this.opened) conn.close();
  }

  /**
   * Sends a request to the group coordinator, finding it first; on a connection failure or a
   * coordinator error it looks the coordinator up again and retries.
   */
  private async request<Req, Res extends object>(api: ApiCodec<Req, Res>, version: number, req: Req, timeoutMs = 10_000): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'group membership closed');
      let failure: KafkaError;
      const pending = this.coordinatorConnection();
      try {
        const res = await (await pending).request(api, version, req, { timeoutMs });
        const code = 'errorCode' in res ? (res.errorCode as number) : ErrorCode.NONE;
        if (!COORDINATOR_ERRORS.has(code)) return res;
        failure = new KafkaError(code);
      } catch (err) {
        if (!(err instanceof KafkaError) || !COORDINATOR_ERRORS.has(err.code)) throw err;
        failure = err;
      }
      // Look the coordinator up again, unless another request already did.
      if (this.coordinator === pending) this.coordinator = null;
      (await pending.catch(() => null))?.close();
      if (attempt >= 50) throw failure;
      await sleep(RETRY_MS);
    }
  }

  private coordinatorConnection(): Promise<Connection> {
    if (this.coordinator && !this.current?.closed) return this.coordinator;
    const pending = this.connectToCoordinator();
    this.coordinator = pending;
    this.current = null;
    pending.then(
      (conn) => {
        if (this.coordinator === pending) this.current = conn;
      },
      () => {
        if (this.coordinator === pending) this.coordinator = null;
      },
    );
    return pending;
  }

  private async connectToCoordinator(): Promise<Connection> {
    const found = await this.client.send(undefined, FindCoordinatorApi, GroupVersions.FindCoordinator, { key: this.opts.groupId, keyType: 0 });
    if (found.errorCode !== ErrorCode.NONE) throw new KafkaError(found.errorCode, found.errorMessage ?? `finding the coordinator of group "${this.opts.groupId}"`);
    const conn = await Connection.connect(found.host, found.port, { clientId: this.client.opts.clientId ?? 'yak', security: this.client.opts.security });
    // Closed meanwhile: a connection kept now would keep the process alive.
    if (this.closed) {
      conn.close();
      throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'group membership closed');
    }
    this.opened.add(conn);
    conn.onClose(() => this.opened.delete(conn));
    return conn;
  }
}
