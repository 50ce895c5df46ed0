import type { TopicPartitions } from '../protocol/consumer-protocol.js';

export interface MemberSubscription {
  memberId: string;
  topics: string[];
}

/**
 * A partition assignor, run by the group leader (client-side assignment, as in Kafka): every
 * partition of every subscribed topic goes to exactly one member subscribed to that topic.
 */
export interface Assignor {
  /** The protocol name members announce in JoinGroup (Kafka's names, so Java and librdkafka members agree). */
  readonly name: string;
  assign(members: MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Map<string, TopicPartitions>;
}

function emptyAssignment(members: MemberSubscription[]): Map<string, TopicPartitions> {
  return new Map(members.map((m) => [m.memberId, new Map()]));
}

function give(assignment: Map<string, TopicPartitions>, memberId: string, topic: string, partition: number): void {
  const mine = assignment.get(memberId)!;
  mine.set(topic, [...(mine.get(topic) ?? []), partition]);
}

const topicsInOrder = (partitionsPerTopic: ReadonlyMap<string, number>) => [...partitionsPerTopic.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));

const byId = (a: MemberSubscription, b: MemberSubscription) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/**
 * Kafka's RangeAssignor: per topic, members in id order get consecutive ranges; the first
 * (partitions % members) of them one partition more. 6 partitions, 2 members: 0-2 and 3-5.
 */
export const RangeAssignor: Assignor = {
  name: 'range',
  assign(members, partitionsPerTopic) {
    const assignment = emptyAssignment(members);
    for (const [topic, count] of topicsInOrder(partitionsPerTopic)) {
      const subscribed = members.filter((m) => m.topics.includes(topic)).sort(byId);
      if (subscribed.length === 0) continue;
      const base = Math.floor(count / subscribed.length);
      const extra = count % subscribed.length;
      let next = 0;
      subscribed.forEach((m, i) => {
        const size = base + (i < extra ? 1 : 0);
        for (let p = next; p < next + size; p++) give(assignment, m.memberId, topic, p);
        next += size;
      });
    }
    return assignment;
  },
};

/**
 * Kafka's RoundRobinAssigner: all topic partitions in (topic, partition) order dealt to the members
 * in id order, skipping members not subscribed to the partition's topic. 6 partitions, 2 members: even and odd.
 */
export const RoundRobinAssignor: Assignor = {
  name: 'roundrobin',
  assign(members, partitionsPerTopic) {
    const assignment = emptyAssignment(members);
    const ring = [...members].sort(byId);
    let turn = 0;
    for (const [topic, count] of topicsInOrder(partitionsPerTopic)) {
      for (let p = 0; p < count; p++) {
        for (let tries = 0; tries < ring.length; tries++) {
          const m = ring[turn++ % ring.length]!;
          if (m.topics.includes(topic)) {
            give(assignment, m.memberId, topic, p);
            break;
          }
        }
      }
    }
    return assignment;
  },
};

export const ASSIGNORS: readonly Assignor[] = [RangeAssignor, RoundRobinAssignor];
