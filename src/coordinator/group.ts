import { ErrorCode } from '../common/errors.js';
import type { JoinGroupProtocol, JoinGroupResponse } from '../protocol/apis/join-group.js';
import { decodeSubscription } from '../protocol/consumer-protocol.js';
import type { SyncGroupResponse } from '../protocol/apis/sync-group.js';

/**
 * Kafka's classic group states (GroupMetadata.scala). Allowed transitions:
 *   Empty -> PreparingRebalance                   (a member joins)
 *   PreparingRebalance -> CompletingRebalance      (every member rejoined, or the rebalance timeout removed the rest)
 *   PreparingRebalance -> Empty                    (no member left when the join phase ends)
 *   CompletingRebalance -> Stable                  (the leader's SyncGroup brought the assignment)
 *   CompletingRebalance | Stable -> PreparingRebalance  (a member joins, leaves, changes metadata or times out)
 *   Empty -> Dead                                  (DeleteGroups)
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Member {
  readonly memberId: string;
  /** group.instance.id of a static member (KIP-345); null for a dynamic one. */
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: JoinGroupProtocol[];
  /** This member's share, set by the leader's SyncGroup; empty until then. */
  assignment: Buffer;
  /** The member's JoinGroup, waiting for the join phase to end. */
  joinWaiter: ((res: JoinGroupResponse) => void) | null;
  /** The member's SyncGroup, waiting for the leader's assignment. */
  syncWaiter: ((res: SyncGroupResponse) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

export const isMember = (found: Member | { errorCode: number }): found is Member => 'memberId' in found;

/** One consumer group's membership: what the coordinator's state machine works on. */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  /** The chosen assignor, once a generation formed. */
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED (JoinGroup v4+, KIP-394) that have not joined yet. */
  readonly pendingMemberIds = new Map<string, NodeJS.Timeout>();
  /** Static members (KIP-345): group.instance.id to the member id that instance holds now. */
  readonly staticMembers = new Map<string, string>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  /**
   * Set while the first join phase of an empty group waits out group.initial.rebalance.delay.ms
   * (Kafka's InitialDelayedJoin): the phase does not end early when everyone has joined.
   */
  initialDelay: { newMemberJoined: boolean; remainingMs: number } | null = null;
  /** Whether coordinator.db knows the group. */
  stored: boolean;

  constructor(
    readonly groupId: string,
    /** "consumer" for consumer groups; "" for a group that only ever had offsets committed from outside. */
    public protocolType: string,
    stored = false,
  ) {
    this.stored = stored;
  }

  /** Assignors every member supports. */
  private commonProtocols(): string[] {
    const [first, ...rest] = [...this.members.values()];
    if (!first) return [];
    return first.protocols.map((p) => p.name).filter((name) => rest.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /** Whether a member with this protocol type and these assignors can join (INCONSISTENT_GROUP_PROTOCOL if not). */
  accepts(protocolType: string, protocols: JoinGroupProtocol[]): boolean {
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    const common = this.commonProtocols();
    return protocols.some((p) => common.includes(p.name));
  }

  /** Kafka's vote: each member votes for the first common assignor it lists; most votes wins. */
  selectProtocol(): string {
    const common = this.commonProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => common.includes(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    return [...votes.entries()].sort((a, b) => b[1] - a[1] || common.indexOf(a[0]) - common.indexOf(b[0]))[0]![0];
  }

  metadataFor(member: Member): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /**
   * Topics the members subscribe to (any of their assignors' subscriptions), for OffsetDelete;
   * 'all' when a subscription cannot be read (then every topic counts as subscribed, as in Kafka).
   */
  subscribedTopics(): Set<string> | 'all' {
    const topics = new Set<string>();
    try {
      for (const m of this.members.values()) for (const p of m.protocols) for (const t of decodeSubscription(p.metadata).topics) topics.add(t);
    } catch {
      return 'all';
    }
    return topics;
  }

  /** The longest rebalance timeout of the members: how long the join phase waits for them. */
  rebalanceTimeoutMs(): number {
    return Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
  }

  /** Adds a member, registering its instance id if it is static. */
  add(member: Member): void {
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  remove(member: Member): void {
    this.members.delete(member.memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === member.memberId) this.staticMembers.delete(member.groupInstanceId);
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /**
   * Kafka's validateMember: the member a request names, or the error to answer. A request that
   * carries a group.instance.id whose instance is now held by another member id comes from a
   * member the instance's restart replaced: FENCED_INSTANCE_ID, so the zombie stops.
   */
  memberFor(memberId: string, groupInstanceId: string | null | undefined): Member | { errorCode: number } {
    const holder = groupInstanceId ? this.staticMembers.get(groupInstanceId) : undefined;
    if (holder !== undefined && holder !== memberId) return { errorCode: ErrorCode.FENCED_INSTANCE_ID };
    return this.members.get(memberId) ?? { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  }

  allMembersJoined(): boolean {
    return this.pendingMemberIds.size === 0 && [...this.members.values()].every((m) => m.joinWaiter !== null);
  }
}

export function sameProtocols(a: JoinGroupProtocol[], b: JoinGroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
