import { ErrorCode, KafkaError, UserError } from '../common/errors.js';
import { isInternalTopic } from '../common/topic-name.js';
import { Admin, type TopicDescription } from '../client/admin.js';
import { FIND_COORDINATOR_VERSION } from '../client/coordinator-connection.js';
import { GroupVersions } from '../client/group-membership.js';
import { ClientVersions, type KafkaClient } from '../client/kafka-client.js';
import { Producer } from '../client/producer.js';
import type { ApiCodec } from '../protocol/api.js';
import { CreatePartitionsApi } from '../protocol/apis/create-partitions.js';
import { CreateTopicsApi } from '../protocol/apis/create-topics.js';
import { DescribeGroupsApi } from '../protocol/apis/describe-groups.js';
import { FetchApi } from '../protocol/apis/fetch.js';
import { FindCoordinatorApi } from '../protocol/apis/find-coordinator.js';
import { InitProducerIdApi } from '../protocol/apis/init-producer-id.js';
import { ListGroupsApi } from '../protocol/apis/list-groups.js';
import { ListOffsetsApi } from '../protocol/apis/list-offsets.js';
import { OffsetCommitApi } from '../protocol/apis/offset-commit.js';
import { OffsetFetchApi } from '../protocol/apis/offset-fetch.js';
import { ProduceApi } from '../protocol/apis/produce.js';
import { ensureCheckpointTopic, loadCheckpoints, MIRROR_CHECKPOINT_TOPIC } from './checkpoints.js';
import { copyTopic } from './copy-records.js';
import { mirrorGroupOffsets } from './group-offsets.js';
import type { PartitionOffsetMap } from './offset-map.js';

export interface MirrorOptions {
  source: KafkaClient;
  destination: KafkaClient;
  /** Topics and groups to mirror: a name must match the whole expression (as MM2's topics and groups). */
  topics: RegExp;
  groups: RegExp;
  /** A CompressionCodec for the destination's batches. */
  compression: number;
  stopping: () => boolean;
  say: (line: string) => void;
}

export interface MirrorPassResult {
  topics: number;
  created: number;
  records: number;
  groupsCommitted: number;
  groupsSkipped: number;
}

/**
 * What the mirror asks of the destination, at the versions YaK's client sends them (Metadata is
 * negotiated). Kafka 2.4 serves all of them (DescribeGroups v4 and OffsetCommit v7, the newest
 * here, came with group.instance.id); an older cluster is refused before anything is written.
 */
const DESTINATION_APIS: [ApiCodec<unknown, unknown>, number][] = [
  [CreateTopicsApi, ClientVersions.CreateTopics],
  [CreatePartitionsApi, ClientVersions.CreatePartitions],
  [InitProducerIdApi, 1],
  [ProduceApi, ClientVersions.Produce],
  [FetchApi, ClientVersions.Fetch],
  [ListOffsetsApi, ClientVersions.ListOffsets],
  [FindCoordinatorApi, FIND_COORDINATOR_VERSION],
  [ListGroupsApi, GroupVersions.ListGroups],
  [DescribeGroupsApi, GroupVersions.DescribeGroups],
  [OffsetFetchApi, GroupVersions.OffsetFetch],
  [OffsetCommitApi, GroupVersions.OffsetCommit],
];

/** Topics the mirror never copies: the clusters' own (offsets, transactions) and its checkpoints. */
function isMirrorable(name: string): boolean {
  return !isInternalTopic(name) && name !== MIRROR_CHECKPOINT_TOPIC;
}

/**
 * The source topic's configs worth setting on the destination: those set on the topic, not its
 * defaults (the destination's own apply). Except min.insync.replicas where it is the one YaK derives
 * from the replication factor (2 from 3 replicas, else 1): YaK stores that on every topic, so
 * DescribeConfigs names it as the topic's own, and copied it would lower a real cluster's default of
 * 2. One set by hand is copied, at most the destination's replication factor (else acks=all could never succeed).
 */
export function configsToCopy(configs: ReadonlyMap<string, { value: string | null; isDefault: boolean }>, sourceReplicas: number, destinationReplicas: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, c] of configs) if (!c.isDefault && c.value !== null) out[name] = c.value;
  const minIsr = out['min.insync.replicas'];
  if (minIsr === String(sourceReplicas >= 3 ? 2 : 1)) delete out['min.insync.replicas'];
  else if (minIsr !== undefined && Number(minIsr) > destinationReplicas) out['min.insync.replicas'] = String(destinationReplicas);
  return out;
}

/**
 * Copies topics (partition counts, the configs set on them, records) and consumer group offsets
 * (translated) from a source cluster to a destination, speaking only the Kafka protocol to the
 * destination. `open` once, then `pass` as often as wanted: each pass copies what is new since the
 * last, which the checkpoints on the destination remember across runs.
 */
export class Mirror {
  private maps = new Map<string, PartitionOffsetMap>();
  private cluster = '';
  private destinationBrokers = 0;
  /** Lines `sayOnce` said. */
  private readonly told = new Set<string>();
  private readonly producer: Producer;

  constructor(private readonly opts: MirrorOptions) {
    // Kafka's default batch.size (16 KiB): a larger batch could pass a copied topic's max.message.bytes.
    this.producer = new Producer(opts.destination, { acks: -1, idempotent: true, compression: opts.compression });
  }

  /** Checks the destination can be mirrored to, then reads the checkpoints of earlier runs. */
  async open(): Promise<void> {
    const { source, destination } = this.opts;
    await source.refreshMetadata([]);
    const md = await destination.refreshMetadata([]).catch((err: unknown) => {
      throw new UserError(`cannot reach the destination ${destination.opts.bootstrap.map((b) => `${b.host}:${b.port}`).join(',')}: ${(err as Error).message} (check --to and its --to-security-protocol)`);
    });
    this.cluster = source.clusterId ?? 'unknown';
    if (source.clusterId !== null && md.clusterId === source.clusterId) throw new UserError(`the destination is the source cluster (${md.clusterId}): --to names another cluster`, 2);
    this.destinationBrokers = md.brokers.length;
    const conn = await destination.connection(md.brokers[0]!.nodeId);
    for (const [api, version] of DESTINATION_APIS) {
      let served: number;
      try {
        served = conn.versionFor(api, version);
      } catch {
        served = -1;
      }
      if (served < version) throw new UserError(`the destination does not serve ${api.name} v${version} (Kafka 2.4 or later does): cannot mirror to it`);
    }
    await ensureCheckpointTopic(destination, this.destinationBrokers);
    this.maps = await loadCheckpoints(destination, this.cluster);
  }

  /** One pass: topics created or grown, new records copied, group offsets translated and committed. */
  async pass(): Promise<MirrorPassResult> {
    const { source, destination, say } = this.opts;
    const topics = (await new Admin(source).listTopics()).filter((t) => isMirrorable(t.name) && this.opts.topics.test(t.name));
    const result: MirrorPassResult = { topics: topics.length, created: 0, records: 0, groupsCommitted: 0, groupsSkipped: 0 };
    const existing = new Map((await new Admin(destination).listTopics()).map((t) => [t.name, t.partitions.length]));
    for (const topic of topics) {
      if (this.opts.stopping()) return result;
      if (await this.alignTopic(topic, existing.get(topic.name))) result.created++;
      const copied = await copyTopic({ source, destination, producer: this.producer, topic: topic.name, cluster: this.cluster, maps: this.maps, stopping: this.opts.stopping, say, sayOnce: (line) => this.sayOnce(line) });
      const n = [...copied.values()].reduce((a, b) => a + b, 0);
      result.records += n;
      if (n > 0) say(`topic ${topic.name}: copied ${n} record(s) (${[...copied].filter(([, c]) => c > 0).map(([p, c]) => `partition ${p}: ${c}`).join(', ')})`);
    }
    if (this.opts.stopping()) return result;
    const groups = await mirrorGroupOffsets(source, destination, this.opts.groups, new Set(topics.map((t) => t.name)), this.maps, say, (line) => this.sayOnce(line));
    result.groupsCommitted = groups.committed;
    result.groupsSkipped = groups.skipped;
    return result;
  }

  /** A line about a state that may last (a topic already there, a group active on the destination): said once per run, not every pass of --follow. */
  private sayOnce(line: string): void {
    if (this.told.has(line)) return;
    this.told.add(line);
    this.opts.say(line);
  }

  /** Closes the producer; a pass ends with everything it sent acknowledged, so nothing is left to wait for. */
  async close(): Promise<void> {
    await this.producer.close();
  }

  /**
   * Creates the topic on the destination with the source's partition count and the configs set on
   * it (not the defaults: the destination's own apply), at the source's replication factor or, on a
   * smaller destination, its broker count; grows it when it has fewer partitions (records keep their
   * partition). A topic already there keeps its configs. Returns whether it was created.
   */
  private async alignTopic(topic: TopicDescription, destinationPartitions: number | undefined): Promise<boolean> {
    const { say } = this.opts;
    const partitions = topic.partitions.length;
    if (destinationPartitions === undefined) {
      const wanted = topic.partitions[0]?.replicas.length ?? 1;
      const replicationFactor = Math.min(wanted, this.destinationBrokers);
      const configs = configsToCopy(await new Admin(this.opts.source).describeTopicConfigs(topic.name), wanted, replicationFactor);
      await new Admin(this.opts.destination).createTopic(topic.name, partitions, replicationFactor, configs).catch((err: unknown) => {
        if (err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS) return;
        throw new KafkaError(err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR, `creating topic "${topic.name}" on the destination: ${(err as Error).message}`);
      });
      const clamped = replicationFactor < wanted ? ` (the source's is ${wanted}; the destination has ${this.destinationBrokers} broker(s))` : '';
      const listed = Object.entries(configs).map(([k, v]) => `${k}=${v}`).join(', ');
      say(`topic ${topic.name}: created on the destination: ${partitions} partition(s), replication factor ${replicationFactor}${clamped}, ${listed ? `configs ${listed}` : 'no configs of its own'}`);
      return true;
    }
    if (destinationPartitions < partitions) {
      await new Admin(this.opts.destination).createPartitions(topic.name, partitions);
      say(`topic ${topic.name}: grown on the destination from ${destinationPartitions} to ${partitions} partitions`);
    } else {
      this.sayOnce(`topic ${topic.name}: already on the destination (${destinationPartitions} partitions): its configs there are left as they are`);
    }
    return false;
  }
}
