import { ErrorCode, KafkaError } from '../common/errors.js';
import { AlterPartitionReassignmentsApi } from '../protocol/apis/alter-partition-reassignments.js';
import { CreatePartitionsApi } from '../protocol/apis/create-partitions.js';
import { CreateTopicsApi } from '../protocol/apis/create-topics.js';
import { ConfigResourceType, ConfigSource, DescribeConfigsApi } from '../protocol/apis/describe-configs.js';
import { DeleteRecordsApi } from '../protocol/apis/delete-records.js';
import { DeleteTopicsApi } from '../protocol/apis/delete-topics.js';
import { DescribeLogDirsApi } from '../protocol/apis/describe-log-dirs.js';
import { ElectLeadersApi } from '../protocol/apis/elect-leaders.js';
import { ConfigOperation, IncrementalAlterConfigsApi } from '../protocol/apis/incremental-alter-configs.js';
import { ListOffsetsApi } from '../protocol/apis/list-offsets.js';
import { ListPartitionReassignmentsApi } from '../protocol/apis/list-partition-reassignments.js';
import type { IsolationLevel } from './consumer.js';
import { ClientVersions, type KafkaClient } from './kafka-client.js';

export interface TopicDescription {
  name: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

/** ListOffsets timestamps meaning the log's start and its end (high watermark). */
export const OffsetSpec = { earliest: -2, latest: -1 } as const;

/** Topic administration over the Kafka protocol (CreateTopics, CreatePartitions, DeleteTopics, ElectLeaders, DeleteRecords, DescribeConfigs, IncrementalAlterConfigs, Metadata, ListOffsets, DescribeLogDirs). */
export class Admin {
  constructor(private readonly client: KafkaClient) {}

  /** Creates a topic; with `assignments` (the replicas of partition 0, 1, ...), partitions and replication factor must be -1. */
  async createTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}, assignments: number[][] = []): Promise<void> {
    const res = await this.client.send(undefined, CreateTopicsApi, ClientVersions.CreateTopics, {
      topics: [
        {
          name,
          numPartitions: partitions,
          replicationFactor,
          assignments: assignments.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
          configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const r = res.topics[0];
    if (!r || r.errorCode !== ErrorCode.NONE) {
      throw new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, r?.errorMessage ?? `creating topic "${name}"`);
    }
  }

  /** Grows a topic to `count` partitions (Kafka never shrinks one: keys would move), the new ones on `assignments`' replicas if given. */
  async createPartitions(name: string, count: number, assignments: number[][] | null = null): Promise<void> {
    const res = await this.client.send(undefined, CreatePartitionsApi, ClientVersions.CreatePartitions, {
      topics: [{ name, count, assignments: assignments?.map((brokerIds) => ({ brokerIds })) ?? null }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const r = res.results[0];
    if (!r || r.errorCode !== ErrorCode.NONE) {
      throw new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, r?.errorMessage ?? `adding partitions to topic "${name}"`);
    }
  }

  /** The topic's configs, as a broker reports them: name -> [value, set on the topic rather than a default]. */
  async describeTopicConfigs(name: string): Promise<Map<string, { value: string | null; isDefault: boolean }>> {
    const res = await this.client.send(undefined, DescribeConfigsApi, ClientVersions.DescribeConfigs, {
      resources: [{ resourceType: ConfigResourceType.Topic, resourceName: name, configurationKeys: null }],
      includeSynonyms: false,
    });
    const r = res.results[0];
    if (!r || r.errorCode !== ErrorCode.NONE) throw new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, r?.errorMessage ?? `describing the configs of "${name}"`);
    return new Map(r.configs.map((c) => [c.name, { value: c.value, isDefault: c.configSource !== ConfigSource.TopicConfig }]));
  }

  /** Sets topic configs and deletes others (back to their defaults), as kafka-configs --alter does. */
  async alterTopicConfigs(name: string, set: Record<string, string>, remove: string[] = []): Promise<void> {
    const configs = [
      ...Object.entries(set).map(([n, value]) => ({ name: n, configOperation: ConfigOperation.Set, value })),
      ...remove.map((n) => ({ name: n, configOperation: ConfigOperation.Delete, value: null })),
    ];
    const res = await this.client.send(undefined, IncrementalAlterConfigsApi, ClientVersions.IncrementalAlterConfigs, {
      resources: [{ resourceType: ConfigResourceType.Topic, resourceName: name, configs }],
      validateOnly: false,
    });
    const r = res.responses[0];
    if (!r || r.errorCode !== ErrorCode.NONE) throw new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, r?.errorMessage ?? `altering the configs of "${name}"`);
  }

  /**
   * Deletes the records of `partitions` before `offset` (-1: every committed record), each at its
   * leader; resolves with each partition's new log start.
   */
  async deleteRecords(topic: string, partitions: number[], offset: number): Promise<Map<number, number>> {
    await this.client.refreshMetadata([topic]);
    const out = new Map<number, number>();
    for (const partition of partitions) {
      const leader = this.client.leaderOf(topic, partition);
      if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${topic}-${partition} has no leader`);
      const res = await this.client.send(leader, DeleteRecordsApi, ClientVersions.DeleteRecords, { topics: [{ name: topic, partitions: [{ partitionIndex: partition, offset }] }], timeoutMs: 10_000 });
      const p = res.topics[0]?.partitions[0];
      if (!p || p.errorCode !== ErrorCode.NONE) throw new KafkaError(p?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `deleting the records of ${topic}-${partition} before ${offset}`);
      out.set(partition, p.lowWatermark);
    }
    return out;
  }

  /**
   * ElectLeaders: preferred or unclean elections for the given partitions (null: every partition),
   * one result per partition asked for, or per partition elected when all were.
   */
  async electLeaders(electionType: number, topicPartitions: { topic: string; partitions: number[] }[] | null): Promise<{ topic: string; partition: number; errorCode: number; errorMessage: string | null }[]> {
    const res = await this.client.send(undefined, ElectLeadersApi, ClientVersions.ElectLeaders, { electionType, topicPartitions, timeoutMs: 10_000 });
    if (res.errorCode) throw new KafkaError(res.errorCode, 'electing leaders');
    return res.replicaElectionResults.flatMap((t) => t.partitionResult.map((p) => ({ topic: t.topic, partition: p.partitionId, errorCode: p.errorCode, errorMessage: p.errorMessage })));
  }

  /** Starts moving partitions of `topic` to `replicas` (AlterPartitionReassignments); the followers catch up in the background. */
  async movePartitions(topic: string, partitions: number[], replicas: number[]): Promise<void> {
    const res = await this.client.send(undefined, AlterPartitionReassignmentsApi, ClientVersions.AlterPartitionReassignments, {
      timeoutMs: 10_000,
      topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, replicas })) }],
    });
    if (res.errorCode) throw new KafkaError(res.errorCode, res.errorMessage ?? `moving ${topic}`);
    const failed = res.responses.flatMap((t) => t.partitions).find((p) => p.errorCode !== ErrorCode.NONE);
    if (failed) throw new KafkaError(failed.errorCode, failed.errorMessage ?? `moving ${topic}-${failed.partitionIndex}`);
  }

  /** The partitions of `topic` still being moved (ListPartitionReassignments). */
  async movingPartitions(topic: string): Promise<number[]> {
    const res = await this.client.send(undefined, ListPartitionReassignmentsApi, ClientVersions.ListPartitionReassignments, { timeoutMs: 10_000, topics: null });
    if (res.errorCode) throw new KafkaError(res.errorCode, res.errorMessage ?? 'listing reassignments');
    return res.topics.filter((t) => t.name === topic).flatMap((t) => t.partitions.map((p) => p.partitionIndex));
  }

  async deleteTopic(name: string): Promise<void> {
    const res = await this.client.send(undefined, DeleteTopicsApi, ClientVersions.DeleteTopics, { topicNames: [name], timeoutMs: 10_000 });
    const code = res.responses[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new KafkaError(code, `topic "${name}" does not exist`);
    if (code !== ErrorCode.NONE) throw new KafkaError(code, `deleting topic "${name}"`);
  }

  async listTopics(): Promise<TopicDescription[]> {
    const md = await this.client.refreshMetadata(null);
    return md.topics
      .filter((t) => t.errorCode === ErrorCode.NONE)
      .map((t) => ({
        name: t.name,
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
          .sort((a, b) => a.partition - b.partition),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const md = await this.client.refreshMetadata([name], false);
    const t = md.topics.find((x) => x.name === name);
    if (!t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}" does not exist`);
    if (t.errorCode !== ErrorCode.NONE) throw new KafkaError(t.errorCode, `topic "${name}"`);
    return {
      name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
        .sort((a, b) => a.partition - b.partition),
    };
  }

  /**
   * The bytes each replica of the topics' partitions takes on its broker (DescribeLogDirs, as
   * kafka-log-dirs asks every broker): `${topic}-${partition}` -> broker id -> bytes. A broker that
   * does not answer (dead, paused) is left out.
   */
  async replicaSizes(topics: TopicDescription[], opts: { timeoutMs?: number } = {}): Promise<Map<string, Map<number, number>>> {
    const brokers = [...new Set(topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)))].sort((a, b) => a - b);
    const request = { topics: topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) })) };
    const answers = await Promise.all(brokers.map((id) => this.client.send(id, DescribeLogDirsApi, ClientVersions.DescribeLogDirs, request, { timeoutMs: opts.timeoutMs ?? 3000 }).catch(() => null)));
    const sizes = new Map<string, Map<number, number>>();
    answers.forEach((res, i) => {
      for (const dir of res?.results ?? []) {
        if (dir.errorCode !== ErrorCode.NONE) continue;
        for (const t of dir.topics) {
          for (const p of t.partitions) {
            const k = `${t.name}-${p.partitionIndex}`;
            sizes.set(k, (sizes.get(k) ?? new Map<number, number>()).set(brokers[i]!, p.partitionSize));
          }
        }
      }
    });
    return sizes;
  }

  /**
   * The earliest or latest offset of every partition of a topic, asking each partition's leader; or,
   * for `{ timestamp }` (ms), the first offset whose record has that timestamp or a later one (the
   * latest offset where there is none, as a consumer seeking by time goes on at the end). Latest read_committed is the last stable offset.
   */
  async listOffsets(topic: string, spec: keyof typeof OffsetSpec | { timestamp: number }, opts: { timeoutMs?: number; isolation?: IsolationLevel } = {}): Promise<Map<number, number>> {
    if (typeof spec === 'object' && spec.timestamp < 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `a timestamp to look up must be 0 or later, got ${spec.timestamp}`);
    const timestamp = typeof spec === 'object' ? spec.timestamp : OffsetSpec[spec];
    const what = typeof spec === 'object' ? `offset at ${new Date(spec.timestamp).toISOString()}` : `${spec} offset`;
    const t = await this.describeTopic(topic);
    const byLeader = new Map<number, number[]>();
    for (const p of t.partitions) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partition]);
    const offsets = new Map<number, number>();
    for (const [leader, partitions] of byLeader) {
      if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${topic}-${partitions[0]} has no leader`);
      const res = await this.client.send(leader, ListOffsetsApi, ClientVersions.ListOffsets, {
        replicaId: -1,
        isolationLevel: opts.isolation === 'read_committed' ? 1 : 0,
        topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
      }, { timeoutMs: opts.timeoutMs });
      for (const p of res.topics[0]?.partitions ?? []) {
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `listing the ${what} of ${topic}-${p.partitionIndex}`);
        offsets.set(p.partitionIndex, p.offset ?? -1);
      }
    }
    if (typeof spec !== 'object' || ![...offsets.values()].includes(-1)) return offsets;
    const latest = await this.listOffsets(topic, 'latest', opts);
    return new Map([...offsets].map(([p, o]) => [p, o === -1 ? latest.get(p)! : o]));
  }
}
