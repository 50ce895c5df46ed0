import { offsetsTopicPartitions, offsetsTopicSegmentBytes } from '../common/limits.js';
import { CONSUMER_OFFSETS_TOPIC } from '../common/topic-name.js';
import type { CreateTopicSpec } from '../protocol/internal-api.js';
import { encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue } from '../protocol/offsets-topic-records.js';
import type { GroupStore, GroupStoreListener, StoredGroup, StoredOffset } from './group-store.js';

/** One record for `__consumer_offsets`: its partition (the group's), key and value (null: a tombstone). */
export interface OffsetsTopicRecord {
  partition: number;
  key: Buffer;
  value: Buffer | null;
}

/** Whoever delivers the records to the brokers (the `yak zookeeper` command wires a producer in). */
export interface OffsetsTopicWriter {
  /** Queues records; never blocks nor fails the caller. Records of a partition arrive in this order. */
  write(records: OffsetsTopicRecord[]): void;
  close(): Promise<void>;
}

/**
 * `__consumer_offsets` as the controller creates it: compacted, with Kafka's 100 MiB segments
 * (`offsets.topic.segment.bytes`), so the log cleaner keeps each group's latest commit and metadata
 * once a segment's worth was written after them.
 */
export function offsetsTopicSpec(replicationFactor: number): CreateTopicSpec {
  return { name: CONSUMER_OFFSETS_TOPIC, partitions: offsetsTopicPartitions, replicationFactor, configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(offsetsTopicSegmentBytes) } };
}

/** Java's String.hashCode: 31-polynomial over UTF-16 code units, in int32. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's GroupMetadataManager.partitionFor: `Utils.abs(groupId.hashCode) % partitions` (Utils.abs maps MIN_VALUE to 0). */
export function offsetsTopicPartitionFor(groupId: string, partitions = offsetsTopicPartitions): number {
  const h = javaStringHash(groupId);
  return (h === -0x80000000 ? 0 : Math.abs(h)) % partitions;
}

/**
 * Mirrors every change of the GroupStore into `__consumer_offsets` records in Kafka's formats, so
 * tools reading the topic (Burrow) see what Kafka would write there: a commit's offsets, a group's
 * metadata each time it settles (Stable after a rebalance, or Empty), and tombstones for deleted
 * offsets and groups. coordinator.db stays the truth; the topic is a copy for readers.
 */
export class OffsetsTopicMirror implements GroupStoreListener {
  constructor(
    private readonly writer: OffsetsTopicWriter,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes every stored group and its offsets again, when the coordinator starts: records still
   * queued when it last stopped were lost with it, and a coordinator.db from before the mirror has
   * groups the topic lacks. The topic is compacted and readers keep the last value per key, so a
   * record written twice costs them nothing. (A tombstone lost that way is not recovered: the topic
   * is not read back.)
   */
  catchUp(store: GroupStore): void {
    for (const g of store.groups()) {
      this.groupSaved(g);
      this.offsetsCommitted(g.groupId, store.offsets(g.groupId));
    }
  }

  groupSaved(g: StoredGroup): void {
    const members = g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0),
      assignment: m.assignment,
    }));
    const value = encodeGroupMetadataValue({ protocolType: g.protocolType, generation: g.generationId, protocol: g.protocolName, leader: g.leaderId, currentStateTimestamp: this.now(), members });
    this.writer.write([{ partition: offsetsTopicPartitionFor(g.groupId), key: encodeGroupMetadataKey({ group: g.groupId }), value }]);
  }

  offsetsCommitted(groupId: string, offsets: StoredOffset[]): void {
    this.writer.write(
      offsets.map((o) => ({
        partition: offsetsTopicPartitionFor(groupId),
        key: encodeOffsetCommitKey({ group: groupId, topic: o.topic, partition: o.partition }),
        value: encodeOffsetCommitValue({ offset: o.committedOffset, leaderEpoch: o.committedLeaderEpoch, metadata: o.metadata ?? '', commitTimestamp: o.commitTimeMs }),
      })),
    );
  }

  offsetsDeleted(groupId: string, partitions: { topic: string; partition: number }[]): void {
    this.writer.write(partitions.map((p) => ({ partition: offsetsTopicPartitionFor(groupId), key: encodeOffsetCommitKey({ group: groupId, topic: p.topic, partition: p.partition }), value: null })));
  }

  /** As Kafka's group deletion: a tombstone per committed offset, then one for the group. */
  groupDeleted(groupId: string, offsets: { topic: string; partition: number }[]): void {
    this.offsetsDeleted(groupId, offsets);
    this.writer.write([{ partition: offsetsTopicPartitionFor(groupId), key: encodeGroupMetadataKey({ group: groupId }), value: null }]);
  }
}
