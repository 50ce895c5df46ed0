import { ErrorCode, KafkaError } from '../common/errors.js';
import { DeleteGroupsApi } from '../protocol/apis/delete-groups.js';
import { DescribeGroupsApi, type DescribedGroup } from '../protocol/apis/describe-groups.js';
import { FindCoordinatorApi } from '../protocol/apis/find-coordinator.js';
import { ListGroupsApi } from '../protocol/apis/list-groups.js';
import { OffsetCommitApi } from '../protocol/apis/offset-commit.js';
import { OffsetFetchApi } from '../protocol/apis/offset-fetch.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment } from '../protocol/consumer-protocol.js';
import { Admin } from './admin.js';
import { GroupVersions } from './group-membership.js';
import type { KafkaClient } from './kafka-client.js';

export interface GroupMemberDescription {
  memberId: string;
  /** A static member's group.instance.id (KIP-345); null for a dynamic one. */
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  partitions: { topic: string; partition: number }[];
}

/** One row of `yak group describe`, as kafka-consumer-groups --describe prints it. */
export interface GroupPartitionDescription {
  topic: string;
  partition: number;
  /** null: nothing committed. */
  committedOffset: number | null;
  /** null: the topic no longer exists. */
  logEndOffset: number | null;
  lag: number | null;
  /** The member reading it now, if any. */
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  assignor: string;
  members: GroupMemberDescription[];
  partitions: GroupPartitionDescription[];
}

/** Consumer group administration over the Kafka group APIs, as kafka-consumer-groups does it. */
export class GroupAdmin {
  private readonly admin: Admin;

  constructor(private readonly client: KafkaClient) {
    this.admin = new Admin(client);
  }

  /** Every group: each broker lists the groups it coordinates, so all are asked, as kafka-consumer-groups --list does. */
  async listGroups(): Promise<{ groupId: string; state: string; members: number }[]> {
    const md = await this.client.refreshMetadata([]);
    const ids = new Set<string>();
    for (const b of md.brokers) {
      const listed = await this.client.send(b.nodeId, ListGroupsApi, GroupVersions.ListGroups, {});
      if (listed.errorCode !== ErrorCode.NONE) throw new KafkaError(listed.errorCode, `listing the groups of broker ${b.nodeId}`);
      for (const g of listed.groups) ids.add(g.groupId);
    }
    if (ids.size === 0) return [];
    const described = await this.client.send(undefined, DescribeGroupsApi, GroupVersions.DescribeGroups, { groups: [...ids].sort() });
    return described.groups.map((g) => ({ groupId: g.groupId, state: g.groupState, members: g.members.length }));
  }

  /** The group's state, members and, per partition, committed offset, log end and lag; null if there is no such group. */
  async describeGroup(groupId: string): Promise<GroupDescription | null> {
    const coordinator = await this.coordinatorOf(groupId);
    const described = (await this.client.send(coordinator, DescribeGroupsApi, GroupVersions.DescribeGroups, { groups: [groupId] })).groups[0];
    if (!described || described.errorCode !== ErrorCode.NONE) throw new KafkaError(described?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describing group "${groupId}"`);
    const fetched = await this.client.send(coordinator, OffsetFetchApi, GroupVersions.OffsetFetch, { groupId, topics: null });
    if (fetched.errorCode) throw new KafkaError(fetched.errorCode, `fetching the offsets of group "${groupId}"`);
    if (described.groupState === 'Dead' && fetched.topics.length === 0) return null;

    const members = describeMembers(described);
    const rows = new Map<string, GroupPartitionDescription>();
    const row = (topic: string, partition: number) => {
      const key = `${topic}\u0000${partition}`;
      const existing = rows.get(key);
      if (existing) return existing;
      const fresh: GroupPartitionDescription = { topic, partition, committedOffset: null, logEndOffset: null, lag: null, memberId: null, clientId: null, host: null };
      rows.set(key, fresh);
      return fresh;
    };
    for (const t of fetched.topics) for (const p of t.partitions) if (p.committedOffset >= 0) row(t.name, p.partitionIndex).committedOffset = p.committedOffset;
    for (const m of members) {
      for (const tp of m.partitions) Object.assign(row(tp.topic, tp.partition), { memberId: m.memberId, clientId: m.clientId, host: m.host });
    }
    for (const topic of new Set([...rows.values()].map((r) => r.topic))) {
      const ends = await this.admin.listOffsets(topic, 'latest').catch(() => new Map<number, number>());
      for (const r of rows.values()) {
        if (r.topic !== topic || !ends.has(r.partition)) continue;
        r.logEndOffset = ends.get(r.partition)!;
        if (r.committedOffset !== null) r.lag = Math.max(0, r.logEndOffset - r.committedOffset);
      }
    }
    const partitions = [...rows.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    return { groupId, state: described.groupState, protocolType: described.protocolType, assignor: described.protocolData, members, partitions };
  }

  /** Commits offsets from outside the group (generation -1), which the coordinator accepts only while it has no members. */
  async commitOffsets(groupId: string, topic: string, offsets: Map<number, number>): Promise<void> {
    const res = await this.client.send(await this.coordinatorOf(groupId), OffsetCommitApi, GroupVersions.OffsetCommit, {
      groupId,
      generationId: -1,
      memberId: '',
      topics: [{ name: topic, partitions: [...offsets.entries()].map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedMetadata: '' })) }],
    });
    for (const p of res.topics[0]?.partitions ?? []) {
      if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `committing ${topic}-${p.partitionIndex} for group "${groupId}"`);
    }
  }

  /** Deletes a group without members and its committed offsets. */
  async deleteGroup(groupId: string): Promise<void> {
    const res = await this.client.send(await this.coordinatorOf(groupId), DeleteGroupsApi, GroupVersions.DeleteGroups, { groupsNames: [groupId] });
    const code = res.results[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (code !== ErrorCode.NONE) throw new KafkaError(code, `deleting group "${groupId}"`);
  }

  private async coordinatorOf(groupId: string): Promise<number> {
    const found = await this.client.send(undefined, FindCoordinatorApi, GroupVersions.FindCoordinator, { key: groupId, keyType: 0 });
    if (found.errorCode !== ErrorCode.NONE) throw new KafkaError(found.errorCode, found.errorMessage ?? `finding the coordinator of group "${groupId}"`);
    if (!this.client.brokerAddress(found.nodeId)) await this.client.refreshMetadata([]);
    return found.nodeId;
  }
}

/** Members with the partitions their assignment names (readable for consumer groups only). */
function describeMembers(group: DescribedGroup): GroupMemberDescription[] {
  return group.members.map((m) => {
    let partitions: { topic: string; partition: number }[] = [];
    if (group.protocolType === CONSUMER_PROTOCOL_TYPE) {
      try {
        partitions = [...decodeAssignment(m.memberAssignment).entries()].flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
      } catch {
        // Not a consumer protocol assignment after all: show the member without partitions.
      }
    }
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId, host: m.clientHost, partitions };
  });
}
