import crypto from 'node:crypto';
import { brokerConfigProblem, CLUSTER_DEFAULT_SCOPE, isDynamicBrokerConfig, type BrokerConfigOverrides } from '../common/broker-configs.js';
import type { PartitionState, TopicState } from '../common/cluster-types.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { isTopicConfigName, topicConfigProblem } from '../common/topic-configs.js';
import { topicNameProblem } from '../common/topic-name.js';
import type { AlterBrokerConfigsRequest, AlterTopicConfigsRequest, ConfigChange, CreatePartitionsSpec, CreateTopicSpec, TopicResult } from '../protocol/internal-api.js';
import type { ControllerCore } from './controller-core.js';
import { assignReplicas } from './leader-election.js';
import { assignedPartitions } from './manual-assignment.js';

const MAX_PARTITIONS_PER_TOPIC = 1000;

/**
 * Topic administration, the controller's side: CreateTopics (replicas placed, rack-aware, or as a
 * manual assignment says), CreatePartitions, DeleteTopics, and the configs of topics and brokers
 * (AlterConfigs, IncrementalAlterConfigs). Each request is validated whole per topic (or broker),
 * and what passes is committed in one metadata change.
 */
export class TopicAdmin {
  private readonly isRegistered = (id: number): boolean => this.core.isRegistered(id);
  private readonly isAlive = (id: number): boolean => this.core.isAlive(id);

  constructor(private readonly core: ControllerCore) {}

  createTopics(specs: CreateTopicSpec[], validateOnly = false): TopicResult[] {
    const results: TopicResult[] = [];
    const created: TopicState[] = [];
    for (const spec of specs) {
      try {
        const topic = this.planTopic(spec);
        if (!validateOnly) {
          this.core.topics.set(topic.name, topic);
          created.push(topic);
        }
        results.push({ name: spec.name, errorCode: ErrorCode.NONE });
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        results.push({ name: spec.name, errorCode: err.code, errorMessage: err.detail ?? err.message });
      }
    }
    if (created.length > 0) {
      this.core.commit({ topics: created });
      for (const t of created) {
        this.core.emit({ type: 'topic-created', topic: t.name, partitions: t.partitions.length, replicationFactor: t.partitions[0]!.replicas.length });
      }
    }
    return results;
  }

  private planTopic(spec: CreateTopicSpec): TopicState {
    const problem = topicNameProblem(spec.name);
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.core.topics.has(spec.name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${spec.name}" already exists`);
    const max = this.core.opts.maxPartitions ?? MAX_PARTITIONS_PER_TOPIC;
    const partitions = spec.assignments?.length ? this.manualPartitions(spec, max) : this.placedPartitions(spec, max);
    const rf = partitions[0]!.replicas.length;
    const configs = { 'min.insync.replicas': this.defaultMinInsyncReplicas(rf), ...spec.configs };
    for (const [name, value] of Object.entries(configs)) {
      const problem = topicConfigProblem(name, value, rf);
      if (problem) throw new KafkaError(ErrorCode.INVALID_CONFIG, problem);
    }
    return { name: spec.name, id: crypto.randomUUID(), configs, partitions };
  }

  /** A new topic's partitions placed by the controller: `partitions` of them, each with `replicationFactor` live replicas. */
  private placedPartitions(spec: CreateTopicSpec, max: number): PartitionState[] {
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1 || spec.partitions > max) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `partitions must be between 1 and ${max}, got ${spec.partitions}`);
    }
    const alive = this.core.aliveBrokers();
    const rf = spec.replicationFactor === -1 ? (this.core.opts.defaultReplicationFactor ?? Math.min(3, alive.length)) : spec.replicationFactor;
    if (!Number.isInteger(rf) || rf < 1 || rf > alive.length) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor must be between 1 and the ${alive.length} live broker(s), got ${rf}`);
    }
    return newPartitions(assignReplicas(alive, spec.partitions, rf, this.core.topics.size), 0);
  }

  /**
   * A new topic's partitions as the request assigns them (kafka-topics --replica-assignment). As in
   * Kafka, the partition count and replication factor then come from the assignment alone (both must
   * be -1), and the partitions must be numbered 0, 1, 2, ...
   */
  private manualPartitions(spec: CreateTopicSpec, max: number): PartitionState[] {
    if (spec.partitions !== -1 || spec.replicationFactor !== -1) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `a manual replica assignment was given, so partitions and replication factor must be -1 (got ${spec.partitions} and ${spec.replicationFactor})`);
    }
    const sorted = [...spec.assignments!].sort((a, b) => a.partitionIndex - b.partitionIndex);
    if (sorted.some((a, i) => a.partitionIndex !== i)) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `the assigned partitions must be numbered 0 to ${sorted.length - 1}, got ${spec.assignments!.map((a) => a.partitionIndex).join(', ')}`);
    }
    if (sorted.length > max) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `partitions must be between 1 and ${max}, got ${sorted.length}`);
    return assignedPartitions(sorted.map((a) => a.brokerIds), 0, sorted[0]!.brokerIds.length, this.isRegistered, this.isAlive);
  }

  /** min.insync.replicas of a topic that does not set it: the cluster's, else 2 with RF >= 3, else 1. */
  private defaultMinInsyncReplicas(rf: number): string {
    return String(this.core.opts.defaultMinInsyncReplicas ?? (rf >= 3 ? 2 : 1));
  }


  /**
   * CreatePartitions: grows topics to `count` partitions (never shrinks, as in Kafka), the new ones
   * with the topic's replication factor, spread over the live brokers or placed as `assignments`
   * says (one replica list per new partition).
   */
  createPartitions(specs: CreatePartitionsSpec[], validateOnly = false): TopicResult[] {
    const results: TopicResult[] = [];
    const grown: { topic: TopicState; from: number }[] = [];
    const alive = this.core.aliveBrokers();
    const max = this.core.opts.maxPartitions ?? MAX_PARTITIONS_PER_TOPIC;
    for (const { name, count, assignments } of specs) {
      const t = this.core.topics.get(name);
      if (!t) {
        results.push({ name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${name}" does not exist` });
        continue;
      }
      const from = t.partitions.length;
      if (!Number.isInteger(count) || count <= from || count > max) {
        results.push({ name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `topic "${name}" has ${from} partition(s): the new count must be larger, and at most ${max}; got ${count}` });
        continue;
      }
      const rf = t.partitions[0]!.replicas.length;
      let added: PartitionState[];
      if (assignments) {
        if (assignments.length !== count - from) {
          results.push({ name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `growing topic "${name}" from ${from} to ${count} partitions needs ${count - from} replica list(s), got ${assignments.length}` });
          continue;
        }
        try {
          added = assignedPartitions(assignments, from, rf, this.isRegistered, this.isAlive);
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          results.push({ name, errorCode: err.code, errorMessage: err.detail ?? err.message });
          continue;
        }
      } else if (rf > alive.length) {
        results.push({ name, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `replication factor ${rf} needs ${rf} live brokers, ${alive.length} are alive` });
        continue;
      } else {
        added = newPartitions(assignReplicas(alive, count - from, rf, from), from);
      }
      results.push({ name, errorCode: ErrorCode.NONE });
      if (validateOnly) continue;
      t.partitions = [...t.partitions, ...added];
      grown.push({ topic: t, from });
    }
    if (grown.length > 0) {
      this.core.commit({ topics: grown.map((g) => g.topic) });
      for (const g of grown) this.core.emit({ type: 'partitions-added', topic: g.topic.name, from: g.from, to: g.topic.partitions.length });
    }
    return results;
  }

  /**
   * AlterConfigs and IncrementalAlterConfigs on topics: `set` overrides, `delete` falls back to the
   * default. `replace` (AlterConfigs) first drops every override not in `set`, as Kafka's legacy
   * AlterConfigs does; min.insync.replicas then falls back to the cluster default, never to nothing.
   */
  alterTopicConfigs(req: AlterTopicConfigsRequest): TopicResult[] {
    const results: TopicResult[] = [];
    const changed: TopicState[] = [];
    for (const change of req.topics) {
      const t = this.core.topics.get(change.name);
      if (!t) {
        results.push({ name: change.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${change.name}" does not exist` });
        continue;
      }
      const both = (change.delete ?? []).find((name) => change.set?.[name] !== undefined);
      const unknown = (change.delete ?? []).find((name) => !isTopicConfigName(name));
      if (both || unknown) {
        const errorMessage = both ? `${both} is both set and deleted` : `unknown topic config "${unknown}"`;
        results.push({ name: change.name, errorCode: both ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_CONFIG, errorMessage });
        continue;
      }
      const rf = t.partitions[0]!.replicas.length;
      const configs = applyConfigChange(t.configs, change);
      configs['min.insync.replicas'] ??= this.defaultMinInsyncReplicas(rf);
      const problem = Object.entries(configs).map(([name, value]) => topicConfigProblem(name, value, rf)).find((p) => p !== null);
      if (problem) {
        results.push({ name: change.name, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problem });
        continue;
      }
      results.push({ name: change.name, errorCode: ErrorCode.NONE });
      if (req.validateOnly) continue;
      // Replaced, not edited: a snapshot already handed out keeps the configs it was taken with.
      const altered = { ...t, configs };
      this.core.topics.set(t.name, altered);
      changed.push(altered);
    }
    if (changed.length > 0) {
      this.core.commit({ topics: changed });
      for (const t of changed) this.core.emit({ type: 'topic-configs-changed', topic: t.name, configs: t.configs });
    }
    return results;
  }

  /**
   * AlterConfigs and IncrementalAlterConfigs on brokers: the dynamic broker configs of one broker (its
   * id) or of all ("", the cluster default), as `applyConfigChange` says. Only the configs
   * common/broker-configs.ts lists can change at runtime; anything else is refused, as Kafka refuses
   * a static config, and the whole resource's change with it.
   */
  alterBrokerConfigs(req: AlterBrokerConfigsRequest): TopicResult[] {
    const results: TopicResult[] = [];
    const changed: BrokerConfigOverrides = {};
    for (const change of req.brokers) {
      const scope = change.name;
      const fail = (errorCode: number, errorMessage: string) => results.push({ name: scope, errorCode, errorMessage });
      if (scope !== CLUSTER_DEFAULT_SCOPE && !(/^\d+$/.test(scope) && this.core.isRegistered(Number(scope)))) {
        fail(ErrorCode.INVALID_REQUEST, `broker "${scope}" is not registered: name a broker id, or "" for every broker`);
        continue;
      }
      const both = (change.delete ?? []).find((name) => change.set?.[name] !== undefined);
      if (both) {
        fail(ErrorCode.INVALID_REQUEST, `${both} is both set and deleted`);
        continue;
      }
      const problem = [
        ...Object.entries(change.set ?? {}).map(([name, value]) => brokerConfigProblem(name, value)),
        ...(change.delete ?? []).map((name) => (isDynamicBrokerConfig(name) ? null : brokerConfigProblem(name, ''))),
      ].find((p) => p !== null);
      if (problem) {
        fail(ErrorCode.INVALID_CONFIG, problem);
        continue;
      }
      results.push({ name: scope, errorCode: ErrorCode.NONE });
      if (!req.validateOnly) changed[scope] = applyConfigChange(changed[scope] ?? this.core.brokerConfigs[scope] ?? {}, change);
    }
    if (Object.keys(changed).length > 0) {
      for (const [scope, configs] of Object.entries(changed)) {
        if (Object.keys(configs).length > 0) this.core.brokerConfigs[scope] = configs;
        else delete this.core.brokerConfigs[scope];
        this.core.emit({ type: 'broker-configs-changed', broker: scope, configs });
      }
      this.core.commit({ brokerConfigs: changed });
    }
    return results;
  }

  deleteTopics(names: string[]): TopicResult[] {
    const results: TopicResult[] = [];
    const deleted: string[] = [];
    for (const name of names) {
      if (!this.core.topics.delete(name)) {
        results.push({ name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${name}" does not exist` });
        continue;
      }
      deleted.push(name);
      results.push({ name, errorCode: ErrorCode.NONE });
    }
    if (deleted.length > 0) {
      this.core.commit({ deletedTopics: deleted });
      for (const topic of deleted) this.core.emit({ type: 'topic-deleted', topic });
    }
    return results;
  }

}

/** Partitions numbered from `first`, each led by its first (preferred) replica, all replicas in sync. */
function newPartitions(assignment: number[][], first: number): PartitionState[] {
  return assignment.map((replicas, i) => ({ partition: first + i, replicas, isr: [...replicas], leader: replicas[0]!, leaderEpoch: 0 }));
}

/** `current` after a config change: `replace` starts from nothing, then `delete` removes and `set` overrides. */
function applyConfigChange(current: Record<string, string>, change: ConfigChange): Record<string, string> {
  const configs: Record<string, string> = change.replace ? {} : { ...current };
  for (const name of change.delete ?? []) delete configs[name];
  return Object.assign(configs, change.set ?? {});
}
